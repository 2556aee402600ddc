//===- TestPlan.h - hand-built one-rank plans for the executor tests ------===//
//
// Builds plans through the Plan structs and round-trips them through
// encodePlan / loadPlan, so every test runs a plan the validator accepted,
// exactly as dsc-run would read it.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_TEST_RUNTIME_EXEC_TESTPLAN_H
#define DSC_TEST_RUNTIME_EXEC_TESTPLAN_H

#include "dsc/plan/PlanFile.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

namespace dsc::exec::test {

using namespace dsc::plan;

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

  Plan &plan() { return plan_; }
  Rank &rank() { return plan_.ranks[0]; }
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

  /// A parameter and its parameter buffer; returns the parameter index.
  int32_t param(const std::string &name, std::vector<int64_t> shape,
                DType dtype = DType::f32, bool trainable = true) {
    Parameter p;
    p.name = name;
    p.dtype = dtype;
    p.shape = shape;
    p.ranks = {0};
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

  /// The plan as dsc-run reads it: encoded, then loaded and validated.
  Plan load() {
    std::vector<uint8_t> bytes = encodePlan(plan_);
    Plan out;
    std::string error;
    EXPECT_TRUE(loadPlan(bytes.data(), bytes.size(), out, error)) << error;
    return out;
  }

private:
  Plan plan_;
};

inline std::vector<float> randomFloats(size_t n, uint32_t seed,
                                       float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-scale, scale);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(rng);
  return v;
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
