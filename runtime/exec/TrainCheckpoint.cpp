//===- TrainCheckpoint.cpp - the world's training state on disk -----------===//

#include "dsc/exec/TrainCheckpoint.h"
#include "CheckpointPieces.h"
#include "dsc/exec/ExecError.h"
#include "dsc/exec/ParameterTensors.h"
#include "dsc/io/AtomicFile.h"
#include "dsc/io/Checkpoint.h"
#include "dsc/io/Error.h"
#include "dsc/io/Json.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <map>
#include <set>
#include <sys/stat.h>

namespace dsc::exec {
namespace {

using detail::HeldTensor;

/// The directory of world rank `r`'s part: the top for rank 0.
std::string partName(int32_t r) {
  if (r == 0)
    return "";
  std::string digits = std::to_string(r);
  return "rank-" + std::string(digits.size() < 5 ? 5 - digits.size() : 0, '0') +
         digits;
}

/// Under expert parallelism a redundant expert's tensor is in several
/// parameters (one per ep member holding a replica): (parameter, tensor)
/// of every copy but the one in the lowest-numbered slot, which alone is
/// written.
using Copies = std::set<std::pair<int32_t, std::string>>;
Copies replicaCopies(const plan::Plan &plan) {
  std::map<std::string, std::pair<int64_t, int32_t>> primary;
  Copies all;
  for (size_t p = 0; p < plan.parameters.size(); ++p) {
    const plan::Parameter &param = plan.parameters[p];
    if (!param.experts || param.experts->ids.empty())
      continue;
    int32_t slot = param.experts->first;
    for (const ParameterTensor &t : parameterTensors(param)) {
      all.insert({int32_t(p), t.name});
      auto [it, fresh] = primary.try_emplace(t.name, slot, int32_t(p));
      if (!fresh && slot < it->second.first)
        it->second = {slot, int32_t(p)};
      ++slot;
    }
  }
  for (const auto &[name, holder] : primary)
    all.erase({holder.second, name});
  return all;
}

/// Whether world rank `r` writes `t`: its shard, or the whole tensor when
/// it is the lowest rank holding it (every holder has the same values),
/// and never a replica's copy.
bool writes(const plan::Plan &plan, int32_t r, const HeldTensor &t,
            const Copies &replicas) {
  if (replicas.count({t.parameter, t.parameterTensor}))
    return false;
  if (t.sharded)
    return true;
  const std::vector<int32_t> &holders = plan.parameters[t.parameter].ranks;
  return !holders.empty() &&
         *std::min_element(holders.begin(), holders.end()) == r;
}

std::string pieceKey(const HeldTensor &t) {
  return t.whole() ? t.name : t.name + "@" + std::to_string(t.begin);
}

std::string shapeJson(const io::Shape &shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

/// manifest.json: every checkpoint tensor, its dtype and shape, and the
/// pieces the ranks wrote of it, in plan order. Derived from the plan
/// alone, so rank 0 writes it without asking the others.
std::string manifest(const plan::Plan &plan, const TrainingProgress &progress) {
  struct Entry {
    HeldTensor tensor;
    std::string pieces;
  };
  std::vector<std::string> order;
  std::map<std::string, Entry> entries;
  Copies replicas = replicaCopies(plan);
  for (int32_t r = 0; r < plan.worldSize; ++r) {
    const std::vector<plan::Buffer> *buffers = detail::buffersOf(plan, r);
    if (!buffers)
      continue;
    for (const HeldTensor &t : detail::heldTensors(plan, r, *buffers)) {
      if (!writes(plan, r, t, replicas))
        continue;
      auto [it, fresh] = entries.try_emplace(t.name, Entry{t, ""});
      if (fresh)
        order.push_back(t.name);
      it->second.pieces += std::string(it->second.pieces.empty() ? "" : ", ") +
                           "{\"part\": " + io::jsonQuote(partName(r)) +
                           ", \"key\": " + io::jsonQuote(pieceKey(t)) +
                           ", \"begin\": " + std::to_string(t.begin) +
                           ", \"count\": " + std::to_string(t.count) + "}";
    }
  }
  std::string out = "{\"format\": \"dsc-sharded-checkpoint\", \"version\": 1";
  out += ", \"model\": " + io::jsonQuote(plan.model.name);
  out += ", \"step\": " + std::to_string(progress.step);
  out += ", \"data_position\": " + std::to_string(progress.dataPosition);
  out += ", \"world_size\": " + std::to_string(plan.worldSize);
  out += ",\n \"tensors\": [";
  for (size_t i = 0; i < order.size(); ++i) {
    const Entry &e = entries.at(order[i]);
    out += std::string(i ? "," : "") +
           "\n  {\"name\": " + io::jsonQuote(e.tensor.name) + ", \"file\": \"" +
           (e.tensor.optimizer ? "optimizer" : "model") + "\", \"dtype\": \"" +
           io::dtypeName(e.tensor.dtype) +
           "\", \"shape\": " + shapeJson(e.tensor.shape) + ", \"shards\": [" +
           e.pieces + "]}";
  }
  return out + "\n]}\n";
}

/// The files of this rank's part: what it writes, by piece key. The
/// tensors point into the buffers where the host can read them, otherwise
/// into host copies in `staging`.
io::CheckpointContents partContents(const plan::Plan &plan,
                                    const plan::Rank &rank,
                                    const BufferSet &buffers,
                                    const TrainingProgress &progress,
                                    std::deque<std::vector<uint8_t>> &staging) {
  io::CheckpointContents contents;
  Copies replicas = replicaCopies(plan);
  for (const HeldTensor &t : detail::heldTensors(plan, rank.rank, rank.buffers))
    if (writes(plan, rank.rank, t, replicas)) {
      size_t elementBytes = io::dtypeSize(t.dtype);
      io::Shape shape = t.whole() ? t.shape : io::Shape{t.count};
      size_t bytes = size_t(t.count) * elementBytes;
      staging.emplace_back();
      io::TensorRef ref{
          pieceKey(t), t.dtype, shape,
          buffers.hostView(t.buffer, t.byteOffset, bytes, staging.back()),
          bytes};
      (t.optimizer ? contents.optimizer : contents.model).push_back(ref);
    }
  contents.state.step = progress.step;
  contents.state.dataPosition = progress.dataPosition;
  contents.state.extra["model"] = plan.model.name;
  return contents;
}

/// Whether every rank's `ok` holds; the first rank that failed otherwise.
int32_t firstFailure(comm::Communicator *world, bool ok) {
  if (!world || world->size() == 1)
    return ok ? -1 : 0;
  int32_t mine = ok ? 1 : 0;
  std::vector<int32_t> all(size_t(world->size()));
  world->allGather(&mine, all.data(), 1, comm::DataType::I32);
  for (size_t r = 0; r < all.size(); ++r)
    if (!all[r])
      return int32_t(r);
  return -1;
}

/// Rank 0's temporary directory, or "" on every rank when it could not
/// make one (rank 0 then throws its own error).
std::string shareTemp(comm::Communicator *world, std::string temp) {
  if (!world || world->size() == 1)
    return temp;
  int64_t length = world->rank() == 0 ? int64_t(temp.size()) : 0;
  world->broadcast(&length, 1, comm::DataType::I64, 0);
  temp.resize(size_t(length));
  world->broadcast(temp.data(), temp.size(), comm::DataType::U8, 0);
  return temp;
}

} // namespace

void saveTrainingCheckpoint(const std::string &dir, const plan::Plan &plan,
                            const plan::Rank &rank, const BufferSet &buffers,
                            const TrainingProgress &progress,
                            comm::Communicator *world) {
  bool first = rank.rank == 0;
  std::string error, temp;
  auto attempt = [&](auto &&work) {
    if (!error.empty())
      return;
    try {
      work();
    } catch (const std::exception &e) { // io::Error, ExecError
      error = std::string("saving the checkpoint: ") + e.what();
    }
  };
  if (first)
    attempt([&] { temp = io::beginCheckpointSave(dir); });
  temp = shareTemp(world, temp);
  if (temp.empty())
    throw ExecError(first ? error
                          : dir + ": rank 0 could not begin the checkpoint");
  // Rank 0's part (the top files) is always written: it carries the
  // training state; other ranks with nothing of their own write nothing
  // (zero-0 data-parallel replicas).
  attempt([&] {
    std::deque<std::vector<uint8_t>> staging;
    io::CheckpointContents part =
        partContents(plan, rank, buffers, progress, staging);
    if (first || !part.model.empty() || !part.optimizer.empty())
      io::writeCheckpointPart(temp, partName(rank.rank), part);
  });
  int32_t failed = firstFailure(world, error.empty());
  if (failed < 0 && first)
    attempt([&] {
      io::writeFileAtomically(temp + "/" + io::kCheckpointManifestFile,
                              manifest(plan, progress));
      io::commitCheckpointSave(temp, dir);
    });
  if (failed >= 0 && first)
    io::abortCheckpointSave(temp);
  if (failed < 0)
    failed = firstFailure(world, error.empty());
  if (!error.empty())
    throw ExecError(error);
  if (failed >= 0)
    throw ExecError(dir + ": rank " + std::to_string(failed) +
                    " could not write its part; the previous checkpoint is "
                    "kept");
}

bool hasTrainingCheckpoint(const std::string &dir) {
  struct stat st;
  std::string model = dir + "/" + io::kCheckpointModelFile;
  return ::stat(model.c_str(), &st) == 0;
}

TrainingProgress loadTrainingCheckpoint(const std::string &dir,
                                        const plan::Plan &plan,
                                        const plan::Rank &rank,
                                        BufferSet &buffers) {
  try {
    detail::CheckpointReader reader(dir);
    reader.restore(plan, rank, buffers);
    return {reader.step(), reader.dataPosition()};
  } catch (const io::Error &e) {
    throw ExecError(e.what());
  }
}

} // namespace dsc::exec
