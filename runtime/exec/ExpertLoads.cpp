//===- ExpertLoads.cpp - the expert loads a training run measured ---------===//

#include "dsc/exec/ExpertLoads.h"
#include "dsc/exec/ExecError.h"
#include "dsc/io/Json.h"

#include <algorithm>
#include <cstdio>
#include <map>

namespace dsc::exec {
namespace {

constexpr const char *kLoadsSuffix = ".loads";

bool isLoads(const plan::Buffer &b) {
  const std::string &n = b.name;
  size_t k = std::string(kLoadsSuffix).size();
  return b.role == plan::BufferRole::persistent && n.size() > k &&
         n.compare(n.size() - k, k, kLoadsSuffix) == 0;
}

std::string routerOf(const plan::Buffer &b) {
  return b.name.substr(0, b.name.size() - std::string(kLoadsSuffix).size());
}

/// Model order: by the layer number in "model.layers.<N>.", then by name.
std::pair<long long, std::string> layerKey(const std::string &router) {
  const std::string prefix = "model.layers.";
  long long layer = -1;
  if (router.compare(0, prefix.size(), prefix) == 0)
    layer = std::atoll(router.c_str() + prefix.size());
  return {layer, router};
}

} // namespace

ExpertLoadMeter::ExpertLoadMeter(const plan::Plan &plan,
                                 const plan::Rank &rank) {
  std::map<std::pair<long long, std::string>, size_t> experts;
  for (const plan::Rank &r : plan.ranks)
    for (const plan::Buffer &b : r.buffers)
      if (isLoads(b))
        experts[layerKey(routerOf(b))] =
            size_t(plan::numElements(b.shape).value_or(0));
  std::map<std::string, size_t> index;
  for (const auto &[key, count] : experts) {
    index[key.second] = routers_.size();
    routers_.push_back({key.second, std::vector<double>(count, 0.0)});
  }
  for (uint32_t id = 0; id < rank.buffers.size(); ++id)
    if (isLoads(rank.buffers[id]))
      held_.push_back({id, index.at(routerOf(rank.buffers[id]))});
}

void ExpertLoadMeter::add(const BufferSet &buffers) {
  ++steps_;
  for (const Held &h : held_) {
    std::vector<double> &tokens = routers_[h.router].tokens;
    size_t n = std::min(size_t(buffers.numel(h.buffer)), tokens.size());
    std::vector<float> counts(n);
    buffers.read(h.buffer, 0, counts.data(), n * sizeof(float));
    for (size_t e = 0; e < n; ++e)
      tokens[e] += double(counts[e]);
  }
}

std::vector<RouterLoads>
ExpertLoadMeter::gather(comm::Communicator &world) const {
  std::vector<double> mine;
  for (const RouterLoads &r : routers_)
    mine.insert(mine.end(), r.tokens.begin(), r.tokens.end());
  std::vector<RouterLoads> sums = routers_;
  if (world.size() == 1 || mine.empty())
    return sums;
  std::vector<double> all(mine.size() * size_t(world.size()));
  try {
    // Doubles as bytes, summed here in rank order: every rank gets the
    // same bits.
    world.allGather(mine.data(), all.data(), mine.size() * sizeof(double),
                    comm::DataType::U8);
  } catch (const comm::CommError &e) {
    throw ExecError(std::string("gathering the expert loads: ") + e.what(),
                    e.code());
  }
  size_t at = 0;
  for (RouterLoads &r : sums)
    for (double &t : r.tokens) {
      t = 0;
      for (int rank = 0; rank < world.size(); ++rank)
        t += all[size_t(rank) * mine.size() + at];
      ++at;
    }
  return sums;
}

std::string expertLoadsJson(const std::vector<RouterLoads> &loads,
                            uint64_t steps) {
  std::string out = "{\"routers\": [";
  for (size_t i = 0; i < loads.size(); ++i)
    out += (i ? ", " : "") + io::jsonQuote(loads[i].router);
  out += "],\n \"steps\": " + std::to_string(steps) + ",\n \"loads\": [";
  char number[32];
  for (size_t i = 0; i < loads.size(); ++i) {
    out += i ? ",\n  [" : "\n  [";
    for (size_t e = 0; e < loads[i].tokens.size(); ++e) {
      std::snprintf(number, sizeof number, "%.17g", loads[i].tokens[e]);
      out += (e ? ", " : "") + std::string(number);
    }
    out += "]";
  }
  return out + "]}\n";
}

} // namespace dsc::exec
