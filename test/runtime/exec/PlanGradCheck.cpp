//===- PlanGradCheck.cpp - a compiled plan's gradients by finite differences //
//
// dsc-plan-gradcheck PLAN --data F.tok [--init SEED] [--h H] [--rtol R]
//                    [--atol A] [--atol A]
//
// Checks the compiler end to end (lowering, autodiff, plan emission) through
// the executor: runs the plan's forward and backward on the first
// micro-batch of the data, then, for every trainable parameter, moves the
// element with the largest gradient by +-h and compares (L(+h) - L(-h)) / 2h
// with the backward's gradient. L is the sum of the plan's loss buffers,
// which is what the backward differentiates (the losses as weighted). A
// perturbation that changes a router's top-k choice makes L jump; such a
// parameter is reported as not comparable. FP32-storage plans only: BF16
// rounding would swamp the differences.
//
// Prints one line per parameter and a summary; exits 0 when every
// comparable parameter agrees (|fd - g| <= rtol |g| + atol) and at least
// half of them are comparable, 1 otherwise, 2 on bad usage.
//
//===----------------------------------------------------------------------===//

#include "dsc/exec/Executor.h"
#include "dsc/exec/Init.h"
#include "dsc/exec/TokenBatches.h"
#include "dsc/plan/OpInfo.h"
#include "dsc/plan/PlanFile.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

using namespace dsc;
using plan::BufferRole;

namespace {

struct Options {
  std::string plan, data;
  uint64_t seed = 1;
  // FP32 losses near 8 resolve ~5e-7, so with h = 1e-3 differences carry
  // ~2e-4 of noise: atol sits above it, and gradients well above atol are
  // the ones the check really tests (the summary counts them).
  double h = 1e-3, rtol = 0.05, atol = 5e-4;
};

class GradCheck {
public:
  explicit GradCheck(exec::Executor &exec)
      : rank(exec.rank()), exec(exec), buffers(exec.buffers()) {
    for (uint32_t p = 0; p < rank.programs.size(); ++p) {
      if (rank.programs[p].kind == plan::ProgramKind::forward)
        forward = p;
      if (rank.programs[p].kind == plan::ProgramKind::backward)
        backward = p;
    }
    if (forward < 0 || backward < 0)
      throw std::runtime_error("the plan has no forward or backward program");
    for (const plan::Instruction &inst : rank.programs[forward].instructions)
      if (inst.op == plan::Opcode::route_fwd)
        routes.push_back(inst.outputs[0]);
  }

  /// Zeroes what accumulates (losses, loads, gradients), runs the forward
  /// and returns the summed losses.
  double forwardLoss() {
    zero({BufferRole::loss, BufferRole::persistent, BufferRole::gradient});
    exec.run(forward, 0);
    double sum = 0;
    for (uint32_t id = 0; id < rank.buffers.size(); ++id)
      if (rank.buffers[id].role == BufferRole::loss)
        sum += *buffers.as<float>(id);
    return sum;
  }
  void backwardPass() { exec.run(backward, 0); }

  /// The expert choices of every router in the last forward.
  std::vector<int32_t> routing() const {
    std::vector<int32_t> all;
    for (uint32_t id : routes) {
      const int32_t *experts = buffers.as<int32_t>(id);
      all.insert(all.end(), experts, experts + buffers.numel(id));
    }
    return all;
  }

  int forward = -1, backward = -1;

private:
  void zero(std::initializer_list<BufferRole> roles) {
    for (uint32_t id = 0; id < rank.buffers.size(); ++id)
      for (BufferRole role : roles)
        if (rank.buffers[id].role == role)
          std::memset(buffers.data(id), 0, buffers.bytes(id));
  }

  const plan::Rank &rank;
  exec::Executor &exec;
  exec::BufferSet &buffers;
  std::vector<uint32_t> routes;
};

int check(const Options &o) {
  plan::Plan plan;
  std::string error;
  if (!plan::loadPlanFile(o.plan, plan, error))
    throw std::runtime_error(error);
  if (plan.worldSize != 1)
    throw std::runtime_error("a one-rank plan is needed");
  exec::Executor exec(plan, 0);
  const plan::Rank &rank = exec.rank();
  exec::BufferSet &buffers = exec.buffers();
  for (const plan::Buffer &b : rank.buffers)
    if (b.role == BufferRole::parameter && b.dtype != plan::DType::f32)
      throw std::runtime_error(o.plan + ": parameter '" + b.name +
                               "' is not f32; compile with --storage f32");

  exec::initParameters(plan, rank, buffers, o.seed);
  exec::TokenBatches data(o.data, plan.model, 0);
  // The first micro-batch of the data, into every ids and labels buffer.
  std::vector<int32_t> ids(data.tokensPerMicroBatch()), labels(ids.size());
  data.fill(0, 0, ids.data(), labels.data());
  for (uint32_t id = 0; id < rank.buffers.size(); ++id) {
    BufferRole role = rank.buffers[id].role;
    const std::vector<int32_t> *values = role == BufferRole::input_ids ? &ids
                                         : role == BufferRole::labels  ? &labels
                                                                      : nullptr;
    if (values)
      std::copy(values->begin(), values->end(), buffers.as<int32_t>(id));
  }

  GradCheck gc(exec);
  double base = gc.forwardLoss();
  std::vector<int32_t> baseRouting = gc.routing();
  gc.backwardPass();
  std::printf("loss %.6f at seed %llu; h %g, rtol %g, atol %g\n", base,
              static_cast<unsigned long long>(o.seed), o.h, o.rtol, o.atol);

  // The gradients, before the perturbed forwards zero them.
  struct Probe {
    uint32_t param;
    std::string name;
    int64_t index;
    double grad;
  };
  std::vector<Probe> probes;
  for (uint32_t id = 0; id < rank.buffers.size(); ++id) {
    const plan::Buffer &g = rank.buffers[id];
    if (g.role != BufferRole::gradient)
      continue;
    const float *grad = buffers.as<float>(id);
    int64_t best = 0;
    for (int64_t i = 1; i < buffers.numel(id); ++i)
      if (std::fabs(grad[i]) > std::fabs(grad[best]))
        best = i;
    for (uint32_t p = 0; p < rank.buffers.size(); ++p)
      if (rank.buffers[p].role == BufferRole::parameter &&
          rank.buffers[p].parameter == g.parameter)
        probes.push_back({p, rank.buffers[p].name, best, grad[best]});
  }

  int agree = 0, disagree = 0, routed = 0, strong = 0;
  for (const Probe &probe : probes) {
    float *w = buffers.as<float>(probe.param) + probe.index;
    float original = *w;
    *w = original + float(o.h);
    double plus = gc.forwardLoss();
    bool flipped = gc.routing() != baseRouting;
    *w = original - float(o.h);
    double minus = gc.forwardLoss();
    flipped = flipped || gc.routing() != baseRouting;
    *w = original;
    // The step actually taken (w +- h rounds in FP32).
    double fd = (plus - minus) / (2 * o.h);
    double diff = std::fabs(fd - probe.grad);
    const char *verdict = "ok";
    if (flipped) {
      verdict = "routing changed: not comparable";
      ++routed;
    } else if (diff <= o.rtol * std::fabs(probe.grad) + o.atol) {
      ++agree;
      strong += std::fabs(probe.grad) > 10 * o.atol;
    } else {
      verdict = "DISAGREES";
      ++disagree;
    }
    std::printf("%-60s [%lld] grad %+.6e fd %+.6e  %s\n", probe.name.c_str(),
                static_cast<long long>(probe.index), probe.grad, fd, verdict);
  }
  int comparable = agree + disagree;
  std::printf("%d of %d comparable parameters agree (%d with |grad| > 10 "
              "atol); %d not comparable (routing changed)\n",
              agree, comparable, strong, routed);
  return disagree == 0 && 2 * comparable >= int(probes.size()) ? 0 : 1;
}

} // namespace

int main(int argc, char **argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    bool hasValue = i + 1 < argc;
    if (arg == "--data" && hasValue)
      o.data = argv[++i];
    else if (arg == "--init" && hasValue)
      o.seed = std::strtoull(argv[++i], nullptr, 10);
    else if (arg == "--h" && hasValue)
      o.h = std::atof(argv[++i]);
    else if (arg == "--rtol" && hasValue)
      o.rtol = std::atof(argv[++i]);
    else if (arg == "--atol" && hasValue)
      o.atol = std::atof(argv[++i]);
    else if (arg[0] != '-' && o.plan.empty())
      o.plan = arg;
    else {
      std::fprintf(stderr, "usage: dsc-plan-gradcheck PLAN --data F.tok "
                           "[--init SEED] [--h H] [--rtol R] [--atol A]\n");
      return 2;
    }
  }
  if (o.plan.empty() || o.data.empty() || !(o.h > 0)) {
    std::fprintf(stderr, "usage: dsc-plan-gradcheck PLAN --data F.tok "
                         "[--init SEED] [--h H] [--rtol R] [--atol A]\n");
    return 2;
  }
  try {
    return check(o);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "dsc-plan-gradcheck: %s\n", e.what());
    return 1;
  }
}
