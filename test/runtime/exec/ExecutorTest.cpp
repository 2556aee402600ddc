//===- ExecutorTest.cpp - instructions run exactly as their kernels -------===//
//
// Hand-built plans whose results are compared bit for bit with direct calls
// of the CPU kernels on the same data, plus the executor's own rules
// (accumulating losses and loads, BF16 staging, AdamW's clock) and the
// errors it must give instead of crashing.
//
//===----------------------------------------------------------------------===//

#include "dsc/exec/Executor.h"
#include "TestPlan.h"
#include "dsc/exec/ExecError.h"
#include "dsc/kernels/cpu/Dense.h"
#include "dsc/kernels/cpu/Loss.h"
#include "dsc/kernels/cpu/MoE.h"
#include "dsc/kernels/cpu/Optimizer.h"
#include "dsc/kernels/cpu/Tensor.h"

#include <cstring>

namespace dsc::exec::test {
namespace {

namespace k = kernels::cpu;

bool bitEqual(const std::vector<float> &a, const std::vector<float> &b) {
  return a.size() == b.size() &&
         std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

/// rms_norm -> linear -> cross_entropy and its backward, one micro-batch.
struct NormLinearLoss {
  static constexpr int64_t T = 8, H = 8, V = 16;
  PlanBuilder b{V, H};
  uint32_t x, nw, w, dw, xn, rstd, logits, labels, loss, dlogits, dxn;
  uint32_t fwd, bwd;

  NormLinearLoss() {
    int32_t pn = b.param("norm.weight", {H});
    int32_t pw = b.param("lm_head.weight", {V, H});
    nw = b.bound(pn, BufferRole::parameter);
    w = b.bound(pw, BufferRole::parameter);
    dw = b.bound(pw, BufferRole::gradient);
    x = b.act("x", {T, H});
    xn = b.act("xn", {T, H});
    rstd = b.act("rstd", {T});
    logits = b.act("logits", {T, V});
    dlogits = b.act("dlogits", {T, V});
    dxn = b.act("dxn", {T, H});
    labels = b.data("labels", BufferRole::labels, DType::i32, {T});
    loss = b.data("loss", BufferRole::loss, DType::f32, {});
    fwd = b.program("fwd", ProgramKind::forward);
    bwd = b.program("bwd", ProgramKind::backward);
    b.emit(fwd, Opcode::rms_norm_fwd, {x, nw}, {xn, rstd})
        .floatAttrs.push_back({AttrKey::eps, 1e-5});
    b.emit(fwd, Opcode::linear_fwd, {xn, w}, {logits});
    b.emit(fwd, Opcode::cross_entropy_fwd, {logits, labels}, {loss});
    b.emit(bwd, Opcode::cross_entropy_bwd, {logits, labels}, {dlogits});
    b.emit(bwd, Opcode::linear_bwd_input, {dlogits, w}, {dxn});
    b.emit(bwd, Opcode::linear_bwd_weight, {dlogits, xn}, {dw});
    b.rank().schedule = {{fwd, 0}, {bwd, 0}};
  }
};

TEST(Executor, NormLinearCrossEntropyMatchTheKernels) {
  NormLinearLoss t;
  constexpr int64_t T = NormLinearLoss::T, H = NormLinearLoss::H,
                    V = NormLinearLoss::V;
  Plan plan = t.b.load();
  Executor e(plan, 0);
  auto x = randomFloats(T * H, 1), nw = randomFloats(H, 2, 2.0f),
       w = randomFloats(V * H, 3);
  std::vector<int32_t> labels = {0, 3, 15, k::kIgnoreLabel, 7, 7, 1, 2};
  set(e, t.x, x);
  set(e, t.nw, nw);
  set(e, t.w, w);
  set(e, t.labels, labels);
  e.run(t.fwd, 0);

  std::vector<float> xn(T * H), rstd(T), logits(T * V), loss(1);
  k::rmsNormForward(x.data(), nw.data(), xn.data(), rstd.data(), T, H, 1e-5f);
  k::linearForward(xn.data(), w.data(), logits.data(), T, H, V);
  k::crossEntropyForward(logits.data(), labels.data(), loss.data(), T, V, 1.0f);
  EXPECT_TRUE(bitEqual(get(e, t.xn), xn));
  EXPECT_TRUE(bitEqual(get(e, t.rstd), rstd));
  EXPECT_TRUE(bitEqual(get(e, t.logits), logits));
  EXPECT_TRUE(bitEqual(get(e, t.loss), loss));
  EXPECT_GT(loss[0], 1.0f); // random logits over 16 classes: about ln 16

  e.run(t.bwd, 0);
  std::vector<float> dlogits(T * V), dxn(T * H), dw(V * H, 0.0f);
  k::crossEntropyBackward(logits.data(), labels.data(), dlogits.data(), T, V,
                          1.0f);
  k::linearBackwardInput(dlogits.data(), w.data(), dxn.data(), T, H, V);
  k::linearBackwardWeight(dlogits.data(), xn.data(), dw.data(), T, H, V);
  EXPECT_TRUE(bitEqual(get(e, t.dlogits), dlogits));
  EXPECT_TRUE(bitEqual(get(e, t.dxn), dxn));
  EXPECT_TRUE(bitEqual(get(e, t.dw), dw));

  // Weight gradients and losses accumulate over micro-batches.
  e.run(t.fwd, 1);
  e.run(t.bwd, 1);
  EXPECT_EQ(get(e, t.loss)[0], 2 * loss[0]);
  for (int64_t i = 0; i < V * H; ++i)
    ASSERT_EQ(get(e, t.dw)[i], dw[i] + dw[i]) << i;
}

TEST(Executor, PerHeadViewsFeedLinearsAsRows) {
  // Attention's output [T, heads, d] feeds o_proj [N, heads * d].
  PlanBuilder b;
  int32_t pw = b.param("o_proj.weight", {5, 8});
  uint32_t w = b.bound(pw, BufferRole::parameter);
  uint32_t x = b.act("o", {8, 2, 4}), y = b.act("y", {8, 5});
  uint32_t fwd = b.program("fwd", ProgramKind::forward);
  b.emit(fwd, Opcode::linear_fwd, {x, w}, {y});
  Plan plan = b.load();
  Executor e(plan, 0);
  auto xv = randomFloats(64, 4), wv = randomFloats(40, 5);
  set(e, x, xv);
  set(e, w, wv);
  e.run(fwd);
  std::vector<float> y2(40);
  k::linearForward(xv.data(), wv.data(), y2.data(), 8, 8, 5);
  EXPECT_TRUE(bitEqual(get(e, y), y2));
}

TEST(Executor, BF16OperandsRunInFP32) {
  PlanBuilder b;
  int32_t pw = b.param("w", {4, 8}, DType::bf16);
  uint32_t w = b.bound(pw, BufferRole::parameter);
  uint32_t x = b.act("x", {8, 8}), y = b.act("y", {8, 4}, DType::bf16);
  uint32_t fwd = b.program("fwd", ProgramKind::forward);
  b.emit(fwd, Opcode::linear_fwd, {x, w}, {y});
  Plan plan = b.load();
  Executor e(plan, 0);
  auto xv = randomFloats(64, 6), wv = randomFloats(32, 7);
  std::vector<uint16_t> wbits(32);
  for (size_t i = 0; i < wv.size(); ++i) {
    wbits[i] = k::floatToBF16(wv[i]);
    wv[i] = k::bf16ToFloat(wbits[i]);
  }
  set(e, x, xv);
  set(e, w, wbits);
  e.run(fwd);
  std::vector<float> expect(32);
  k::linearForward(xv.data(), wv.data(), expect.data(), 8, 8, 4);
  const uint16_t *ybits = e.buffers().as<uint16_t>(y);
  for (size_t i = 0; i < expect.size(); ++i)
    ASSERT_EQ(ybits[i], k::floatToBF16(expect[i])) << i;
}

TEST(Executor, AdamWTakesTheClocksStepAndRateThenFillZeroes) {
  PlanBuilder b;
  b.plan().optimizer.weightDecay = 0.1;
  int32_t p = b.param("w", {300});
  uint32_t w = b.bound(p, BufferRole::parameter);
  uint32_t g = b.bound(p, BufferRole::gradient);
  uint32_t m = b.bound(p, BufferRole::optimizer_state, OptimizerState::exp_avg,
                       DType::bf16);
  uint32_t v = b.bound(p, BufferRole::optimizer_state,
                       OptimizerState::exp_avg_sq, DType::bf16);
  uint32_t opt = b.program("opt", ProgramKind::optimizer);
  b.emit(opt, Opcode::adamw, {g}, {w, m, v})
      .floatAttrs.push_back({AttrKey::lr_scale, 0.5});
  b.emit(opt, Opcode::fill, {}, {g}).floatAttrs.push_back({AttrKey::value, 0});
  Plan plan = b.load();
  Executor e(plan, 0);
  auto wv = randomFloats(300, 8), gv = randomFloats(300, 9);
  set(e, w, wv);
  set(e, g, gv);
  std::vector<uint16_t> mv(300, 0), vv(300, 0);
  k::AdamWAttrs attrs;
  attrs.beta1 = 0.9f;
  attrs.beta2 = 0.95f;
  attrs.eps = 1e-8f;
  attrs.weightDecay = 0.1f;
  for (int64_t step = 1; step <= 3; ++step) {
    set(e, g, gv);
    e.setOptimizerStep(step, 0.004 * step);
    e.run(opt);
    attrs.step = step;
    attrs.lr = float(0.004 * step * 0.5);
    k::adamwStepBF16(wv.data(), gv.data(), mv.data(), vv.data(), 300, attrs);
    ASSERT_TRUE(bitEqual(get(e, w), wv)) << "step " << step;
    ASSERT_EQ(std::memcmp(e.buffers().data(m), mv.data(), 600), 0);
    ASSERT_EQ(std::memcmp(e.buffers().data(v), vv.data(), 600), 0);
    EXPECT_EQ(get(e, g), std::vector<float>(300, 0.0f));
  }
}

TEST(Executor, RoutedExpertsMatchTheKernelsAndLoadsAccumulate) {
  constexpr int64_t T = 8, H = 8, E = 4, K = 2, F = 6;
  PlanBuilder b;
  int32_t pe = b.param("experts.{e}.w", {E, F, H});
  b.plan().parameters[pe].experts = ExpertSlice{0, E, E};
  int32_t pb = b.param("gate.bias", {E}, DType::f32, false);
  uint32_t we = b.bound(pe, BufferRole::parameter);
  uint32_t bias = b.bound(pb, BufferRole::parameter);
  uint32_t logits = b.act("logits", {T, E}), x = b.act("x", {T, H});
  uint32_t experts = b.act("experts", {T, K}, DType::i32),
           weights = b.act("weights", {T, K}), rows = b.act("rows", {T * K, H}),
           offsets = b.act("offsets", {E + 1}, DType::i32),
           yrows = b.act("yrows", {T * K, F}), y = b.act("y", {T, F});
  uint32_t loads = b.data("loads", BufferRole::persistent, DType::f32, {E});
  uint32_t fwd = b.program("fwd", ProgramKind::forward);
  Instruction &route =
      b.emit(fwd, Opcode::route_fwd, {logits, bias}, {experts, weights, loads});
  route.intAttrs = {
      {AttrKey::k, K}, {AttrKey::scoring, 1}, {AttrKey::topk_method, 0}};
  b.emit(fwd, Opcode::dispatch_fwd, {x, experts}, {rows, offsets});
  b.emit(fwd, Opcode::grouped_linear_fwd, {rows, offsets, we}, {yrows});
  b.emit(fwd, Opcode::combine_fwd, {yrows, weights, experts}, {y});
  Plan plan = b.load();
  Executor e(plan, 0);
  auto lv = randomFloats(T * E, 10), xv = randomFloats(T * H, 11),
       wv = randomFloats(E * F * H, 12), bv = randomFloats(E, 13, 0.1f);
  set(e, logits, lv);
  set(e, x, xv);
  set(e, we, wv);
  set(e, bias, bv);
  e.run(fwd, 0);

  k::RouteAttrs ra;
  ra.k = K;
  std::vector<int32_t> ex(T * K), off(E + 1);
  std::vector<float> wt(T * K), ld(E), rw(T * K * H), yr(T * K * F), yy(T * F);
  k::routeForward(lv.data(), bv.data(), ex.data(), wt.data(), ld.data(), T, E,
                  ra);
  k::dispatchForward(xv.data(), ex.data(), rw.data(), off.data(), T, H, K, E);
  k::groupedLinearForward(rw.data(), off.data(), wv.data(), yr.data(), E, H, F);
  k::combineForward(yr.data(), wt.data(), ex.data(), yy.data(), T, F, K, E);
  EXPECT_EQ(std::memcmp(e.buffers().data(experts), ex.data(), T * K * 4), 0);
  EXPECT_TRUE(bitEqual(get(e, y), yy));
  EXPECT_TRUE(bitEqual(get(e, loads), ld));
  // A second micro-batch adds its loads (the compiler sums them this way).
  e.run(fwd, 1);
  for (int64_t i = 0; i < E; ++i)
    EXPECT_EQ(get(e, loads)[i], 2 * ld[i]);
}

TEST(Executor, FP8RoutedExpertsRunTheFP8GroupedKernels) {
  // Three experts (the middle one without rows), 4-wide tiles and blocks
  // and power-of-two scales: every attribute differs from its default, so
  // the results match the kernels only if the binder passes them all.
  constexpr int64_t E = 3, H = 8, F = 6, R = 10;
  const std::vector<int32_t> off = {0, 4, 4, R};
  const k::FP8LinearAttrs attrs{4, 4, numerics::ScaleFormat::UE8M0};
  PlanBuilder b;
  int32_t pe = b.param("experts.{e}.w", {E, F, H});
  b.plan().parameters[pe].experts = ExpertSlice{0, E, E};
  uint32_t we = b.bound(pe, BufferRole::parameter);
  uint32_t dwe = b.bound(pe, BufferRole::gradient);
  uint32_t rows = b.act("rows", {R, H}),
           offsets = b.act("offsets", {E + 1}, DType::i32),
           y = b.act("y", {R, F}), dy = b.act("dy", {R, F}),
           drows = b.act("drows", {R, H});
  uint32_t fwd = b.program("fwd", ProgramKind::forward);
  uint32_t bwd = b.program("bwd", ProgramKind::backward);
  b.emit(fwd, Opcode::fp8_grouped_linear_fwd, {rows, offsets, we}, {y});
  b.emit(bwd, Opcode::fp8_grouped_linear_bwd_input, {dy, offsets, we}, {drows});
  b.emit(bwd, Opcode::fp8_grouped_linear_bwd_weight, {dy, rows, offsets},
         {dwe});
  for (Program &program : b.rank().programs)
    for (Instruction &i : program.instructions)
      i.intAttrs = {{AttrKey::tile, attrs.tile},
                    {AttrKey::block, attrs.block},
                    {AttrKey::scale_format, 1}};
  Plan plan = b.load();
  Executor e(plan, 0);
  auto rv = randomFloats(R * H, 20), wv = randomFloats(E * F * H, 21),
       dyv = randomFloats(R * F, 22);
  set(e, rows, rv);
  set(e, offsets, off);
  set(e, we, wv);
  set(e, dy, dyv);
  e.run(fwd, 0);
  e.run(bwd, 0);

  std::vector<float> yy(R * F), dr(R * H), dw(E * F * H, 0.0f);
  k::fp8GroupedLinearForward(rv.data(), off.data(), wv.data(), yy.data(), E, H,
                             F, attrs);
  k::fp8GroupedLinearBackwardInput(dyv.data(), off.data(), wv.data(), dr.data(),
                                   E, H, F, attrs);
  k::fp8GroupedLinearBackwardWeight(dyv.data(), rv.data(), off.data(),
                                    dw.data(), E, H, F, attrs);
  EXPECT_TRUE(bitEqual(get(e, y), yy));
  EXPECT_TRUE(bitEqual(get(e, drows), dr));
  EXPECT_TRUE(bitEqual(get(e, dwe), dw));
  // FP32 scales would give other results: scale_format reached the kernel.
  k::FP8LinearAttrs fp32Scales = attrs;
  fp32Scales.scaleFormat = numerics::ScaleFormat::FP32;
  k::fp8GroupedLinearForward(rv.data(), off.data(), wv.data(), yy.data(), E, H,
                             F, fp32Scales);
  EXPECT_FALSE(bitEqual(get(e, y), yy));
}

TEST(Executor, FP8RowsTravelAsE4M3CodesAndUE8M0Bytes) {
  // The FP8 dispatch's two ends: BF16 rows (staged through FP32) to E4M3
  // codes and one UE8M0 byte per 1 x 4 tile (a ragged last one), and back
  // to BF16, exactly the fake quantization of the rows.
  constexpr int64_t T = 5, H = 10, tile = 4, tiles = 3;
  PlanBuilder b;
  uint32_t x = b.act("x", {T, H}, DType::bf16),
           codes = b.act("codes", {T, H}, DType::fp8_e4m3),
           scales = b.act("scales", {T, tiles}, DType::ue8m0),
           y = b.act("y", {T, H}, DType::bf16);
  uint32_t fwd = b.program("fwd", ProgramKind::forward);
  b.emit(fwd, Opcode::quantize_fp8, {x}, {codes, scales})
      .intAttrs.push_back({AttrKey::tile, tile});
  b.emit(fwd, Opcode::dequantize_fp8, {codes, scales}, {y})
      .intAttrs.push_back({AttrKey::tile, tile});
  Plan plan = b.load();
  Executor e(plan, 0);
  std::vector<float> values = randomFloats(T * H, 30);
  std::vector<uint16_t> stored(T * H);
  k::floatToBF16(values.data(), stored.data(), T * H);
  set(e, x, stored);
  e.run(fwd, 0);
  std::vector<float> rows(T * H), expected(T * H);
  k::bf16ToFloat(stored.data(), rows.data(), T * H);
  k::fakeQuantizeFP8(rows.data(), expected.data(), T, H, {1, tile},
                     numerics::ScaleFormat::UE8M0);
  std::vector<uint16_t> back = get<uint16_t>(e, y);
  std::vector<float> got(T * H);
  k::bf16ToFloat(back.data(), got.data(), T * H);
  EXPECT_TRUE(bitEqual(got, expected));
  for (uint8_t code : get<uint8_t>(e, scales))
    EXPECT_GT(code, 0u) << "a power of two's exponent, biased by 127";

  // Scales of the wrong size are refused when the plan is bound.
  PlanBuilder bad;
  uint32_t bx = bad.act("x", {T, H}),
           bc = bad.act("codes", {T, H}, DType::fp8_e4m3),
           bs = bad.act("scales", {T, 2}, DType::ue8m0);
  uint32_t p = bad.program("fwd", ProgramKind::forward);
  bad.emit(p, Opcode::quantize_fp8, {bx}, {bc, bs})
      .intAttrs.push_back({AttrKey::tile, tile});
  Plan badPlan = bad.load();
  EXPECT_NE(errorOf([&] { Executor e(badPlan, 0); })
                .find("(quantize_fp8): output 1 (scales) b2 'scales' ue8m0 "
                      "[5, 2]"),
            std::string::npos);
}

TEST(Executor, RefusesShapesItsKernelsCannotRunNamingTheInstruction) {
  PlanBuilder b;
  int32_t pw = b.param("w", {4, 3});
  uint32_t w = b.bound(pw, BufferRole::parameter);
  uint32_t x = b.act("x", {8, 8}), y = b.act("y", {8, 4});
  uint32_t fwd = b.program("fwd", ProgramKind::forward);
  b.emit(fwd, Opcode::linear_fwd, {x, w}, {y});
  Plan plan = b.load();
  std::string msg = errorOf([&] { Executor e(plan, 0); });
  EXPECT_EQ(msg.find("rank 0, program 'fwd' (#0), instruction 0 "
                     "(linear_fwd): input 0 (x) b1 'x' f32 [8, 8] is not a "
                     "whole number of rows of 3"),
            0u)
      << msg;
}

TEST(Executor, RefusesMismatchedNormAndAttentionShapes) {
  PlanBuilder b;
  int32_t pn = b.param("norm.weight", {6});
  uint32_t nw = b.bound(pn, BufferRole::parameter);
  uint32_t x = b.act("x", {8, 8}), y = b.act("y", {8, 8}),
           r = b.act("rstd", {8});
  uint32_t norm = b.program("norm", ProgramKind::forward);
  b.emit(norm, Opcode::rms_norm_fwd, {x, nw}, {y, r})
      .floatAttrs.push_back({AttrKey::eps, 1e-6});
  Plan plan = b.load();
  EXPECT_NE(errorOf([&] { Executor e(plan, 0); })
                .find("input 0 (x) b1 'x' f32 [8, 8] must end in the "
                      "weight's 6 channels"),
            std::string::npos);

  PlanBuilder b2;
  uint32_t q = b2.act("q", {8, 2, 4}), kk = b2.act("k", {8, 1, 4}),
           v = b2.act("v", {8, 2, 4}), o = b2.act("o", {8, 2, 4}),
           lse = b2.act("lse", {8, 2});
  uint32_t attn = b2.program("attn", ProgramKind::forward);
  Instruction &a = b2.emit(attn, Opcode::attention_fwd, {q, kk, v}, {o, lse});
  a.intAttrs = {{AttrKey::seq, 4}};
  a.floatAttrs = {{AttrKey::scale, 0.5}};
  Plan plan2 = b2.load();
  EXPECT_NE(errorOf([&] { Executor e(plan2, 0); })
                .find("(attention_fwd): input 1 (k) b1 'k' f32 [8, 1, 4] "
                      "must have q's shape [8, 2, 4]"),
            std::string::npos);
}

TEST(Executor, KernelDataErrorsNameTheInstructionAndMicroBatch) {
  NormLinearLoss t;
  Plan plan = t.b.load();
  Executor e(plan, 0);
  set(e, t.labels, std::vector<int32_t>{0, 1, 2, 99, 0, 0, 0, 0});
  std::string msg = errorOf([&] { e.run(t.fwd, 3); });
  EXPECT_EQ(msg,
            "rank 0, program 'fwd' (#0), instruction 2 (cross_entropy_fwd), "
            "micro-batch 3: cross_entropy: label 99 at 3 outside [0, 16)");
}

TEST(Executor, EveryBufferStartsOnA64ByteBoundary) {
  // The arena and every other allocation: with the validator's dtype
  // alignment of arena offsets, every element access is aligned.
  NormLinearLoss t;
  Plan plan = t.b.load();
  Executor e(plan, 0);
  for (uint32_t id = 0; id < e.buffers().count(); ++id) {
    const plan::Buffer &b = e.buffers().buffer(id);
    auto address = reinterpret_cast<uintptr_t>(e.buffers().data(id));
    uint64_t offset = b.role == BufferRole::activation ? b.offset : 0;
    EXPECT_EQ((address - offset) % 64, 0u) << "b" << id << " " << b.name;
  }
}

TEST(Executor, NoRankNoExecutor) {
  NormLinearLoss t;
  Plan plan = t.b.load();
  EXPECT_EQ(errorOf([&] { Executor e(plan, 5); }), "the plan has no rank 5");
}

} // namespace
} // namespace dsc::exec::test
