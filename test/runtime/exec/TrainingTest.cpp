//===- TrainingTest.cpp - the training loop, init, weights, checkpoints ---===//
//
// A one-layer language model (embedding, RMSNorm, LM head) built by hand and
// trained by the Trainer on a token file with a learnable pattern: the loss
// must fall, two runs must agree bit for bit, and a run stopped, saved and
// resumed must continue exactly as one that never stopped.
//
//===----------------------------------------------------------------------===//

#include "TestPlan.h"
#include "dsc/exec/ExecError.h"
#include "dsc/exec/Executor.h"
#include "dsc/exec/Init.h"
#include "dsc/exec/TokenBatches.h"
#include "dsc/exec/TrainCheckpoint.h"
#include "dsc/exec/Trainer.h"
#include "dsc/exec/Weights.h"
#include "dsc/io/SafeTensorsWriter.h"
#include "dsc/io/TensorConvert.h"
#include "dsc/io/TokenFile.h"

#include <cmath>
#include <cstring>

namespace dsc::exec::test {
namespace {

constexpr int64_t V = 16, H = 8;

/// The tiny language model; momentDtype picks the AdamW moments' storage.
Plan tinyLM(DType momentDtype = DType::bf16) {
  PlanBuilder b(V, H, /*seqLen=*/4, /*microBatchSize=*/2, /*microBatches=*/2);
  int64_t T = b.tokens();
  int32_t pe = b.param("model.embed_tokens.weight", {V, H});
  int32_t pn = b.param("model.norm.weight", {H});
  int32_t ph = b.param("lm_head.weight", {V, H});
  struct Trainable {
    uint32_t p, g, m, v;
  };
  auto trainable = [&](int32_t p) {
    return Trainable{b.bound(p, BufferRole::parameter),
                     b.bound(p, BufferRole::gradient),
                     b.bound(p, BufferRole::optimizer_state,
                             OptimizerState::exp_avg, momentDtype),
                     b.bound(p, BufferRole::optimizer_state,
                             OptimizerState::exp_avg_sq, momentDtype)};
  };
  Trainable e = trainable(pe), n = trainable(pn), h = trainable(ph);
  uint32_t ids = b.data("input_ids", BufferRole::input_ids, DType::i32, {T});
  uint32_t labels = b.data("labels", BufferRole::labels, DType::i32, {T});
  uint32_t loss = b.data("loss", BufferRole::loss, DType::f32, {});
  uint32_t x = b.act("x", {T, H}), xn = b.act("xn", {T, H}),
           rstd = b.act("rstd", {T}), logits = b.act("logits", {T, V}),
           dlogits = b.act("dlogits", {T, V}), dxn = b.act("dxn", {T, H}),
           dx = b.act("dx", {T, H});
  uint32_t fwd = b.program("fwd", ProgramKind::forward);
  uint32_t bwd = b.program("bwd", ProgramKind::backward);
  uint32_t opt = b.program("opt", ProgramKind::optimizer);
  b.emit(fwd, Opcode::embedding_fwd, {ids, e.p}, {x});
  b.emit(fwd, Opcode::rms_norm_fwd, {x, n.p}, {xn, rstd})
      .floatAttrs.push_back({AttrKey::eps, 1e-6});
  b.emit(fwd, Opcode::linear_fwd, {xn, h.p}, {logits});
  b.emit(fwd, Opcode::cross_entropy_fwd, {logits, labels}, {loss});
  b.emit(bwd, Opcode::cross_entropy_bwd, {logits, labels}, {dlogits});
  b.emit(bwd, Opcode::linear_bwd_input, {dlogits, h.p}, {dxn});
  b.emit(bwd, Opcode::linear_bwd_weight, {dlogits, xn}, {h.g});
  b.emit(bwd, Opcode::rms_norm_bwd, {dxn, x, n.p, rstd}, {dx, n.g});
  b.emit(bwd, Opcode::embedding_bwd, {ids, dx}, {e.g});
  for (const Trainable &t : {e, n, h})
    b.emit(opt, Opcode::adamw, {t.g}, {t.p, t.m, t.v});
  b.emit(opt, Opcode::fill, {}, {e.g, n.g, h.g, loss})
      .floatAttrs.push_back({AttrKey::value, 0});
  b.rank().schedule = {{fwd, 0}, {bwd, 0}, {fwd, 1}, {bwd, 1}, {opt, -1}};
  return b.load();
}

std::vector<double> trainLosses(const Plan &plan, const std::string &data,
                                int steps) {
  Executor exec(plan, 0);
  initParameters(plan, exec.rank(), exec.buffers(), 7);
  TokenBatches batches(data, plan.model, 0);
  Trainer trainer(exec, batches);
  std::vector<double> losses;
  for (int i = 0; i < steps; ++i)
    losses.push_back(trainer.step().loss);
  return losses;
}

TEST(Trainer, TheLossFallsAndRunsRepeatBitForBit) {
  std::string dir = tempDir("train");
  std::string data = patternTokens(dir);
  Plan plan = tinyLM();
  std::vector<double> a = trainLosses(plan, data, 60);
  EXPECT_NEAR(a.front(), std::log(double(V)), 0.3); // near-uniform at init
  EXPECT_LT(a.back(), 0.5 * a.front());
  std::vector<double> b = trainLosses(plan, data, 60);
  EXPECT_EQ(a, b);
}

TEST(Trainer, ResumingFromACheckpointContinuesExactly) {
  std::string dir = tempDir("resume");
  std::string data = patternTokens(dir);
  Plan plan = tinyLM(DType::f32);
  std::vector<double> straight = trainLosses(plan, data, 8);

  std::vector<double> resumed;
  {
    Executor exec(plan, 0);
    initParameters(plan, exec.rank(), exec.buffers(), 7);
    TokenBatches batches(data, plan.model, 0);
    Trainer trainer(exec, batches);
    for (int i = 0; i < 4; ++i)
      resumed.push_back(trainer.step().loss);
    saveTrainingCheckpoint(dir + "/ckpt", plan, exec.rank(), exec.buffers(),
                           trainer.progress());
  }
  ASSERT_TRUE(hasTrainingCheckpoint(dir + "/ckpt"));
  Executor exec(plan, 0);
  TokenBatches batches(data, plan.model, 0);
  Trainer trainer(exec, batches);
  trainer.setProgress(
      loadTrainingCheckpoint(dir + "/ckpt", plan, exec.rank(), exec.buffers()));
  EXPECT_EQ(trainer.progress().step, 4u);
  EXPECT_EQ(trainer.progress().dataPosition, 4u * 16u); // 4 x (2 x 2 x 4)
  for (int i = 0; i < 4; ++i)
    resumed.push_back(trainer.step().loss);
  EXPECT_EQ(resumed, straight);
}

TEST(Trainer, ACheckpointOfAnotherPlanIsRefusedTensorByTensor) {
  std::string dir = tempDir("mismatch");
  Plan plan = tinyLM(DType::bf16);
  {
    Executor exec(plan, 0);
    saveTrainingCheckpoint(dir + "/ckpt", plan, exec.rank(), exec.buffers(),
                           {3, 5});
  }
  Plan other = tinyLM(DType::f32); // f32 moments instead of bf16
  Executor exec(other, 0);
  try {
    loadTrainingCheckpoint(dir + "/ckpt", other, exec.rank(), exec.buffers());
    FAIL() << "loaded a checkpoint of another plan";
  } catch (const ExecError &e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("the checkpoint does not fit the plan"),
              std::string::npos);
    EXPECT_NE(msg.find("tensor 'lm_head.weight.exp_avg' is BF16, expected "
                       "F32"),
              std::string::npos)
        << msg;
  }
}

TEST(Init, DependsOnSeedAndNameOnly) {
  auto a = initialTensor("w", {64, 32}, 1);
  EXPECT_EQ(a, initialTensor("w", {64, 32}, 1));
  EXPECT_NE(a, initialTensor("w", {64, 32}, 2));
  EXPECT_NE(a, initialTensor("v", {64, 32}, 1));
  double sum = 0, sq = 0;
  for (float x : a) {
    sum += x;
    sq += double(x) * x;
  }
  double mean = sum / a.size(), sd = std::sqrt(sq / a.size() - mean * mean);
  EXPECT_NEAR(mean, 0.0, 0.002);
  EXPECT_NEAR(sd, kInitStd, 0.002);
  EXPECT_EQ(initialTensor("model.norm.weight", {4}, 1),
            std::vector<float>(4, 1.0f));
  EXPECT_EQ(initialTensor("mlp.gate.e_score_correction_bias", {4}, 1),
            std::vector<float>(4, 0.0f));
  EXPECT_EQ(initialTensor("o_proj.weight_scale_inv", {2, 1}, 1),
            std::vector<float>(2, 1.0f));
}

TEST(Init, ExpertStacksTakeEachExpertsOwnTensor) {
  PlanBuilder b;
  int32_t p = b.param("experts.{e}.w", {2, 3, 4});
  b.plan().parameters[p].experts = ExpertSlice{2, 2, 4};
  uint32_t w = b.bound(p, BufferRole::parameter);
  Plan plan = b.load();
  std::unique_ptr<Device> device = makeCpuDevice();
  BufferSet buffers(plan.ranks[0], *device);
  initParameters(plan, plan.ranks[0], buffers, 9);
  auto e3 = initialTensor("experts.3.w", {3, 4}, 9);
  EXPECT_EQ(std::memcmp(buffers.as<float>(w) + 12, e3.data(), 48), 0);
}

TEST(Weights, ReadByNameConvertingBF16AndSplittingExperts) {
  std::string dir = tempDir("weights");
  PlanBuilder b;
  int32_t pn = b.param("norm.weight", {4});
  int32_t pe = b.param("experts.{e}.w", {2, 2, 3});
  b.plan().parameters[pe].experts = ExpertSlice{0, 2, 2};
  uint32_t n = b.bound(pn, BufferRole::parameter);
  uint32_t e = b.bound(pe, BufferRole::parameter);
  Plan plan = b.load();

  std::vector<float> norm = {1.5f, -2.0f, 0.25f, 3.0f};
  std::vector<float> e0 = randomFloats(6, 1), e1 = randomFloats(6, 2);
  std::vector<uint8_t> normBF16 =
      io::encodeFromFloat32(io::DType::BF16, norm.data(), 4);
  std::string path = dir + "/w.safetensors";
  io::writeSafeTensors(
      path, {{"norm.weight", io::DType::BF16, {4}, normBF16.data(), 8},
             {"experts.0.w", io::DType::F32, {2, 3}, e0.data(), 24},
             {"experts.1.w", io::DType::F32, {2, 3}, e1.data(), 24},
             {"unused", io::DType::F32, {1}, e0.data(), 4}});
  std::unique_ptr<Device> device = makeCpuDevice();
  BufferSet buffers(plan.ranks[0], *device);
  loadWeights(path, plan, plan.ranks[0], buffers);
  EXPECT_EQ(std::vector<float>(buffers.as<float>(n), buffers.as<float>(n) + 4),
            norm); // exact in BF16
  EXPECT_EQ(std::memcmp(buffers.as<float>(e), e0.data(), 24), 0);
  EXPECT_EQ(std::memcmp(buffers.as<float>(e) + 6, e1.data(), 24), 0);

  // A missing tensor and a wrong shape are both named, with both shapes.
  io::writeSafeTensors(
      path, {{"norm.weight", io::DType::F32, {2, 2}, norm.data(), 16},
             {"experts.0.w", io::DType::F32, {2, 3}, e0.data(), 24}});
  try {
    loadWeights(path, plan, plan.ranks[0], buffers);
    FAIL() << "loaded weights that do not fit";
  } catch (const ExecError &err) {
    std::string msg = err.what();
    EXPECT_NE(msg.find("tensor 'norm.weight' has shape [2, 2], the plan "
                       "expects [4]"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("missing tensor 'experts.1.w' (expected shape [2, 3])"),
              std::string::npos)
        << msg;
  }
}

} // namespace
} // namespace dsc::exec::test
