//===- LossOptimizerTest.cpp - cross-entropy, AdamW, expert bias ----------===//

#include "KernelTestUtil.h"
#include "dsc/kernels/cpu/Loss.h"
#include "dsc/kernels/cpu/Optimizer.h"
#include "dsc/kernels/cpu/Tensor.h"
#include "dsc/kernels/cpu/Threads.h"

using namespace dsc::kernels::cpu;
using namespace dsc::kernels::cpu::test;

//===-- cross_entropy -----------------------------------------------------===//

TEST(CrossEntropy, TinyCaseByHand) {
  // Row 0: logits (0, ln 3), label 1 -> -log(3/4). Row 1 ignored. Row 2:
  // uniform over 2, label 0 -> log 2. Mean over 2 counted tokens, weight 0.3.
  std::vector<float> logits = {0.0f, float(std::log(3.0)), 5.0f, -5.0f, 1.0f,
                               1.0f};
  std::vector<int32_t> labels = {1, kIgnoreLabel, 0};
  float loss = 0;
  int64_t counted =
      crossEntropyForward(logits.data(), labels.data(), &loss, 3, 2, 0.3f);
  EXPECT_EQ(counted, 2);
  double expected = 0.3 * (-std::log(0.75) + std::log(2.0)) / 2;
  EXPECT_NEAR(loss, expected, 1e-7);

  std::vector<float> dlogits(6);
  crossEntropyBackward(logits.data(), labels.data(), dlogits.data(), 3, 2,
                       0.3f);
  EXPECT_NEAR(dlogits[0], 0.15 * 0.25, 1e-7);
  EXPECT_NEAR(dlogits[1], 0.15 * (0.75 - 1), 1e-7);
  EXPECT_EQ(dlogits[2], 0.0f);
  EXPECT_EQ(dlogits[3], 0.0f);
  EXPECT_NEAR(dlogits[4], 0.15 * (0.5 - 1), 1e-7);
}

TEST(CrossEntropy, StableForLargeLogitsAndZeroWhenAllIgnored) {
  std::vector<float> logits = {1000.0f, 0.0f};
  std::vector<int32_t> labels = {1};
  float loss = 0;
  crossEntropyForward(logits.data(), labels.data(), &loss, 1, 2, 1.0f);
  EXPECT_NEAR(loss, 1000.0f, 1e-3);
  labels[0] = kIgnoreLabel;
  EXPECT_EQ(crossEntropyForward(logits.data(), labels.data(), &loss, 1, 2, 1),
            0);
  EXPECT_EQ(loss, 0.0f);
  labels[0] = 2;
  EXPECT_THROW(
      crossEntropyForward(logits.data(), labels.data(), &loss, 1, 2, 1),
      std::out_of_range);
}

TEST(CrossEntropy, BackwardMatchesFiniteDifferences) {
  const int64_t tokens = 6, vocab = 7;
  std::vector<float> logits = randomVector(tokens * vocab, 90, -3, 3);
  std::vector<int32_t> labels = {3, kIgnoreLabel, 0, 6, 6, kIgnoreLabel};
  std::vector<float> dlogits(logits.size());
  crossEntropyBackward(logits.data(), labels.data(), dlogits.data(), tokens,
                       vocab, 0.7f);
  expectMatchesFiniteDifferences(logits, dlogits,
                                 [&] {
                                   float loss;
                                   crossEntropyForward(logits.data(),
                                                       labels.data(), &loss,
                                                       tokens, vocab, 0.7f);
                                   return double(loss);
                                 },
                                 "dlogits", {1e-2, 2e-4, 1e-2});
}

TEST(CrossEntropy, DeterministicAcrossThreadCounts) {
  const int64_t tokens = 64, vocab = 1000;
  std::vector<float> logits = randomVector(tokens * vocab, 91, -5, 5);
  std::vector<int32_t> labels(tokens);
  for (int64_t t = 0; t < tokens; ++t)
    labels[t] = t % 5 == 0 ? kIgnoreLabel : int32_t((t * 37) % vocab);
  auto run = [&](int threads, float &loss, std::vector<float> &d) {
    setNumThreads(threads);
    crossEntropyForward(logits.data(), labels.data(), &loss, tokens, vocab, 1);
    d.resize(logits.size());
    crossEntropyBackward(logits.data(), labels.data(), d.data(), tokens, vocab,
                         1);
  };
  float l1, l2, l3;
  std::vector<float> d1, d2, d3;
  run(3, l1, d1);
  run(3, l2, d2);
  run(1, l3, d3);
  setNumThreads(0);
  EXPECT_EQ(l1, l2);
  EXPECT_EQ(l1, l3);
  EXPECT_TRUE(bitEqual(d1, d2));
  EXPECT_TRUE(bitEqual(d1, d3));
}

//===-- adamw -------------------------------------------------------------===//

TEST(AdamW, TwoStepsByHand) {
  AdamWAttrs attrs;
  attrs.lr = 0.1f;
  attrs.beta1 = 0.9f;
  attrs.beta2 = 0.99f;
  attrs.eps = 1e-8f;
  attrs.weightDecay = 0.5f;
  std::vector<float> p = {1.0f, -2.0f}, m = {0, 0}, v = {0, 0};
  std::vector<float> g1 = {0.5f, -0.25f}, g2 = {-1.0f, 0.5f};

  attrs.step = 1;
  adamwStep(p.data(), g1.data(), m.data(), v.data(), 2, attrs);
  // Step 1: bias correction makes m_hat = g, v_hat = g^2, so the update is
  // lr * g / (|g| + eps) after decay by (1 - lr * wd) = 0.95.
  double p0 = 1.0 * 0.95 - 0.1 * 0.5 / (0.5 + 1e-8);
  double p1 = -2.0 * 0.95 - 0.1 * -0.25 / (0.25 + 1e-8);
  EXPECT_NEAR(p[0], p0, 1e-6);
  EXPECT_NEAR(p[1], p1, 1e-6);
  EXPECT_NEAR(m[0], 0.05, 1e-7);
  EXPECT_NEAR(v[0], 0.01 * 0.25, 1e-8); // 1 - 0.99f is not exact

  attrs.step = 2;
  adamwStep(p.data(), g2.data(), m.data(), v.data(), 2, attrs);
  double m0 = 0.9 * 0.05 + 0.1 * -1.0;    // -0.055
  double v0 = 0.99 * 0.0025 + 0.01 * 1.0; // 0.012475
  double mHat = m0 / (1 - 0.81), vHat = v0 / (1 - 0.9801);
  double expected = p0 * 0.95 - 0.1 * mHat / (std::sqrt(vHat) + 1e-8);
  EXPECT_NEAR(m[0], m0, 1e-7);
  EXPECT_NEAR(v[0], v0, 5e-8);
  EXPECT_NEAR(p[0], expected, 1e-6);
}

TEST(AdamW, BF16MomentsRoundAfterTheFP32Update) {
  AdamWAttrs attrs;
  attrs.lr = 0.01f;
  attrs.step = 3;
  const int64_t n = 64;
  std::vector<float> grad = randomVector(n, 92);
  std::vector<float> mInit = randomVector(n, 93, -0.1f, 0.1f);
  std::vector<float> vInit = randomVector(n, 94, 0.0f, 0.01f);
  std::vector<uint16_t> m16(n), v16(n);
  floatToBF16(mInit.data(), m16.data(), n);
  floatToBF16(vInit.data(), v16.data(), n);
  // Reference: FP32 update from the same (BF16-representable) moments.
  std::vector<float> m32(n), v32(n);
  bf16ToFloat(m16.data(), m32.data(), n);
  bf16ToFloat(v16.data(), v32.data(), n);
  std::vector<float> p16 = randomVector(n, 95), p32 = p16;
  adamwStepBF16(p16.data(), grad.data(), m16.data(), v16.data(), n, attrs);
  adamwStep(p32.data(), grad.data(), m32.data(), v32.data(), n, attrs);
  EXPECT_TRUE(bitEqual(p16, p32));
  for (int64_t i = 0; i < n; ++i) {
    EXPECT_EQ(m16[i], floatToBF16(m32[i]));
    EXPECT_EQ(v16[i], floatToBF16(v32[i]));
  }
}

TEST(AdamW, RejectsStepZero) {
  AdamWAttrs attrs;
  attrs.step = 0;
  float p = 0, g = 0, m = 0, v = 0;
  EXPECT_THROW(adamwStep(&p, &g, &m, &v, 1, attrs), std::invalid_argument);
}

//===-- expert_bias_update ------------------------------------------------===//

TEST(ExpertBiasUpdate, SignOfMeanMinusLoad) {
  // Mean load 4: expert 0 is under (+gamma), 1 balanced, 2 and 3 over.
  std::vector<float> bias = {0.1f, 0.2f, 0.3f, 0.0f};
  std::vector<float> loads = {1, 4, 6, 5};
  expertBiasUpdate(bias.data(), loads.data(), 4, 0.001f);
  EXPECT_FLOAT_EQ(bias[0], 0.101f);
  EXPECT_FLOAT_EQ(bias[1], 0.2f);
  EXPECT_FLOAT_EQ(bias[2], 0.299f);
  EXPECT_FLOAT_EQ(bias[3], -0.001f);
}
