//===- TestPlan.h - hand-built plans for the executor tests ---------------===//
//
// Builds plans through the Plan structs and round-trips them through
// encodePlan / loadPlan, so every test runs a plan the validator accepted,
// exactly as dsc-run would read it. Plans have one rank unless setWorld()
// makes more; the helpers then build the rank onRank() chose.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_TEST_RUNTIME_EXEC_TESTPLAN_H
#define DSC_TEST_RUNTIME_EXEC_TESTPLAN_H

#include "dsc/exec/ExecError.h"
#include "dsc/exec/Executor.h"
#include "dsc/io/TokenFile.h"
#include "dsc/plan/PlanFile.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

namespace dsc::exec::test {

using namespace dsc::plan;

/// `plan` as dsc-run reads it: encoded, then loaded and validated.
inline Plan roundTrip(const Plan &plan) {
  std::vector<uint8_t> bytes = encodePlan(plan);
  Plan out;
  std::string error;
  EXPECT_TRUE(loadPlan(bytes.data(), bytes.size(), out, error)) << error;
  return out;
}

class PlanBuilder {
public:
  explicit PlanBuilder(int64_t vocab = 16, int64_t hidden = 8,
                       int64_t seqLen = 4, int64_t microBatchSize = 2,
                       int64_t microBatches = 1) {
    plan_.producer = "dsc exec tests";
    plan_.worldSize = 1;
    plan_.placement = {{0, 0}};
    plan_.model = {"toy",          vocab,        hidden, seqLen,
                   microBatchSize, microBatches, 1};
    plan_.optimizer.lr = 1e-2;
    plan_.optimizer.minLr = 1e-2;
    plan_.optimizer.weightDecay = 0.0;
    plan_.groups = {{"world", GroupKind::world, {0}}};
    Rank r;
    r.rank = 0;
    r.ppStage = 0;
    r.dpRank = 0;
    r.dataShard = 0;
    plan_.ranks.push_back(r);
  }

  /// A world of `size` ranks on one node (GPU r for rank r) with the world
  /// group; every rank starts as rank 0 did (pp stage 0, data shard 0) with
  /// dp_rank r.
  void setWorld(int32_t size) {
    plan_.worldSize = size;
    plan_.placement.clear();
    plan_.groups[0].ranks.clear();
    for (int32_t r = 0; r < size; ++r) {
      plan_.placement.push_back({0, r});
      plan_.groups[0].ranks.push_back(r);
      if (r == 0)
        continue;
      Rank rank;
      rank.rank = r;
      rank.ppStage = 0;
      rank.dpRank = r;
      rank.dataShard = 0;
      plan_.ranks.push_back(rank);
    }
  }
  /// The rank the helpers below build.
  void onRank(int32_t r) { current_ = size_t(r); }

  Plan &plan() { return plan_; }
  Rank &rank() { return plan_.ranks[current_]; }
  int64_t tokens() const {
    return plan_.model.seqLen * plan_.model.microBatchSize;
  }

  uint32_t add(Buffer b) {
    rank().buffers.push_back(std::move(b));
    return static_cast<uint32_t>(rank().buffers.size() - 1);
  }

  /// An activation after the previous ones (64-byte aligned).
  uint32_t act(const std::string &name, std::vector<int64_t> shape,
               DType dtype = DType::f32) {
    Buffer b;
    b.name = name;
    b.dtype = dtype;
    b.shape = std::move(shape);
    b.offset = rank().arenaSize;
    b.size = (*tensorBytes(dtype, b.shape) + 63) / 64 * 64;
    rank().arenaSize += b.size;
    return add(b);
  }

  /// A step-long buffer of another role (ids, labels, loss, persistent).
  uint32_t data(const std::string &name, BufferRole role, DType dtype,
                std::vector<int64_t> shape) {
    Buffer b;
    b.name = name;
    b.role = role;
    b.dtype = dtype;
    b.shape = std::move(shape);
    return add(b);
  }

  /// A parameter held by `ranks` (default: the current rank); returns its
  /// index.
  int32_t param(const std::string &name, std::vector<int64_t> shape,
                DType dtype = DType::f32, bool trainable = true,
                std::vector<int32_t> ranks = {}) {
    Parameter p;
    p.name = name;
    p.dtype = dtype;
    p.shape = shape;
    p.ranks = ranks.empty() ? std::vector<int32_t>{rank().rank} : ranks;
    p.trainable = trainable;
    plan_.parameters.push_back(p);
    return static_cast<int32_t>(plan_.parameters.size() - 1);
  }

  /// A buffer bound to parameter `p` in `role` (state for optimizer states).
  uint32_t bound(int32_t p, BufferRole role,
                 OptimizerState state = OptimizerState::none,
                 DType dtype = DType::f32) {
    const Parameter &param = plan_.parameters[p];
    Buffer b;
    b.name = param.name + (role == BufferRole::gradient ? ".grad"
                           : role == BufferRole::optimizer_state
                               ? "." + stateName(state)
                               : "");
    b.role = role;
    b.state = state;
    b.parameter = p;
    b.dtype = role == BufferRole::parameter ? param.dtype : dtype;
    b.shape = param.shape;
    return add(b);
  }

  uint32_t program(const std::string &name, ProgramKind kind) {
    rank().programs.push_back({name, kind, -1, {}});
    return static_cast<uint32_t>(rank().programs.size() - 1);
  }

  Instruction &emit(uint32_t program, Opcode op, std::vector<uint32_t> in,
                    std::vector<uint32_t> out) {
    Instruction i;
    i.op = op;
    i.inputs = std::move(in);
    i.outputs = std::move(out);
    rank().programs[program].instructions.push_back(i);
    return rank().programs[program].instructions.back();
  }

  /// A process group of world ranks; returns its index (for CommSpec).
  int32_t group(const std::string &name, GroupKind kind,
                std::vector<int32_t> ranks) {
    plan_.groups.push_back({name, kind, std::move(ranks)});
    return static_cast<int32_t>(plan_.groups.size() - 1);
  }

  /// A communication instruction on the comm stream: a collective over
  /// group `group`, or (group -1) a send / recv with world rank `peer`.
  Instruction &emitComm(uint32_t program, Opcode op, std::vector<uint32_t> in,
                        std::vector<uint32_t> out, int32_t group,
                        int32_t peer = -1, int32_t tag = 0) {
    Instruction &i = emit(program, op, std::move(in), std::move(out));
    i.comm = CommSpec{group, peer, tag};
    i.stream = plan::Stream::comm;
    return i;
  }

  /// The plan as dsc-run reads it: encoded, then loaded and validated.
  Plan load() { return roundTrip(plan_); }

private:
  Plan plan_;
  size_t current_ = 0;
};

/// Copies `values` into buffer `id` (which must hold exactly as many
/// bytes).
template <typename T>
void set(Executor &e, uint32_t id, const std::vector<T> &values) {
  ASSERT_EQ(e.buffers().bytes(id), values.size() * sizeof(T));
  std::memcpy(e.buffers().data(id), values.data(), e.buffers().bytes(id));
}

/// Buffer `id`'s elements as T, once the executor's streams finished.
template <typename T = float>
std::vector<T> get(Executor &e, uint32_t id) {
  e.synchronize();
  const T *p = e.buffers().as<T>(id);
  return std::vector<T>(p, p + e.buffers().numel(id));
}

/// The message of the ExecError `fn` throws ("" if none).
template <typename Fn> std::string errorOf(Fn fn) {
  try {
    fn();
  } catch (const ExecError &err) {
    return err.what();
  }
  return "";
}

inline std::vector<float> randomFloats(size_t n, uint32_t seed,
                                       float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-scale, scale);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(rng);
  return v;
}

/// A token file (of a vocabulary of 16) with a pattern a bigram model
/// learns: i -> (3 i + 1) mod 11, in `dir`.
inline std::string patternTokens(const std::string &dir) {
  std::vector<uint32_t> ids(200);
  uint32_t t = 0;
  for (uint32_t &id : ids) {
    id = t;
    t = (3 * t + 1) % 11;
  }
  std::string path = dir + "/pattern.tok";
  io::writeTokenFile(path, ids, 16);
  return path;
}

/// A fresh directory under the test's temporary directory.
inline std::string tempDir(const std::string &name) {
  const char *base = std::getenv("TEST_TMPDIR");
  std::string dir = std::string(base ? base : "/tmp") + "/dsc-exec-" + name +
                    "-" + std::to_string(::getpid());
  std::string cmd = "rm -rf '" + dir + "' && mkdir -p '" + dir + "'";
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  return dir;
}

} // namespace dsc::exec::test

#endif // DSC_TEST_RUNTIME_EXEC_TESTPLAN_H
