//===- BalanceLossTest.cpp - DeepSeek-V3's sequence-wise balance loss -----===//

#include "KernelTestUtil.h"
#include "dsc/kernels/cpu/MoE.h"
#include "dsc/kernels/cpu/Threads.h"

#include <algorithm>
#include <numeric>

using namespace dsc::kernels::cpu;
using namespace dsc::kernels::cpu::test;

namespace {

/// V3 §2.1.2 written out term by term: for each sequence and expert, the
/// indicator count over tokens and slots, and the mean of the expert's
/// score divided by the token's score sum.
double referenceLoss(const std::vector<float> &logits,
                     const std::vector<int32_t> &experts, int64_t numExperts,
                     int64_t k, const BalanceLossAttrs &a) {
  int64_t tokens = int64_t(logits.size()) / numExperts;
  int64_t sequences = tokens / a.seqLen;
  auto score = [&](int64_t t, int64_t i) {
    const float *row = &logits[t * numExperts];
    if (a.scoring == ScoringFunc::Sigmoid)
      return 1.0 / (1.0 + std::exp(-double(row[i])));
    double sum = 0;
    for (int64_t j = 0; j < numExperts; ++j)
      sum += std::exp(double(row[j]));
    return std::exp(double(row[i])) / sum;
  };
  double total = 0;
  for (int64_t b = 0; b < sequences; ++b)
    for (int64_t i = 0; i < numExperts; ++i) {
      double chose = 0, p = 0;
      for (int64_t t = b * a.seqLen; t < (b + 1) * a.seqLen; ++t) {
        for (int64_t j = 0; j < k; ++j)
          chose += experts[t * k + j] == i;
        double z = 0;
        for (int64_t j = 0; j < numExperts; ++j)
          z += score(t, j);
        p += score(t, i) / z;
      }
      double f = double(numExperts) / double(k * a.seqLen) * chose;
      total += f * p / double(a.seqLen);
    }
  return a.weight * total / double(sequences);
}

float forward(const std::vector<float> &logits,
              const std::vector<int32_t> &experts, int64_t numExperts,
              int64_t k, const BalanceLossAttrs &a) {
  float loss = -1;
  balanceLossForward(logits.data(), experts.data(), &loss,
                     int64_t(logits.size()) / numExperts, numExperts, k, a);
  return loss;
}

/// k distinct experts per token, drawn at random (the kernel takes any
/// choice; f only counts it).
std::vector<int32_t> randomChoice(int64_t tokens, int64_t numExperts, int64_t k,
                                  uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<int32_t> all(numExperts), experts;
  for (int64_t t = 0; t < tokens; ++t) {
    std::iota(all.begin(), all.end(), 0);
    std::shuffle(all.begin(), all.end(), rng);
    experts.insert(experts.end(), all.begin(), all.begin() + k);
  }
  return experts;
}

} // namespace

TEST(BalanceLoss, TinyCaseByHand) {
  // Softmax over 2 experts, k 1, one sequence of 2 tokens, both with scores
  // (1/4, 3/4) and both choosing expert 1: f = 2 / (1 x 2) x (0, 2) = (0, 2),
  // P = (1/4, 3/4), L = 3/2; weight 0.2.
  std::vector<float> logits = {0.0f, float(std::log(3.0)), 0.0f,
                               float(std::log(3.0))};
  std::vector<int32_t> experts = {1, 1};
  BalanceLossAttrs a;
  a.scoring = ScoringFunc::Softmax;
  a.seqLen = 2;
  a.weight = 0.2f;
  EXPECT_NEAR(forward(logits, experts, 2, 1, a), 0.2 * 1.5, 1e-7);
  // A balanced choice: f = (1, 1), L = sum P = 1.
  experts = {0, 1};
  EXPECT_NEAR(forward(logits, experts, 2, 1, a), 0.2, 1e-7);
  // Two sequences of one token: the mean of (3/4 x 2) and (1/4 x 2).
  a.seqLen = 1;
  EXPECT_NEAR(forward(logits, experts, 2, 1, a), 0.2 * (0.5 + 1.5) / 2, 1e-7);
}

TEST(BalanceLoss, SigmoidScoresAreNormalisedOverAllExperts) {
  // Sigmoid scores do not sum to 1: P uses s / sum(s). One token, 3
  // experts: logits 0 and logit(1/3) give sigmoids (1/2, 1/3, 1/3), which
  // normalise to (3/7, 2/7, 2/7).
  float third = float(std::log(0.5));
  std::vector<float> logits = {0.0f, third, third};
  std::vector<int32_t> experts = {0};
  BalanceLossAttrs a;
  a.seqLen = 1;
  // f = 3 / 1 x (1, 0, 0): L = 3 x 3/7.
  EXPECT_NEAR(forward(logits, experts, 3, 1, a), 9.0 / 7.0, 1e-6);
}

TEST(BalanceLoss, MatchesTheReference) {
  const int64_t numExperts = 8, k = 3, seqLen = 5, tokens = 3 * seqLen;
  std::vector<float> logits = randomVector(tokens * numExperts, 11, -3, 3);
  std::vector<int32_t> experts = randomChoice(tokens, numExperts, k, 12);
  for (ScoringFunc scoring : {ScoringFunc::Sigmoid, ScoringFunc::Softmax}) {
    BalanceLossAttrs a;
    a.scoring = scoring;
    a.seqLen = seqLen;
    a.weight = 0.37f;
    double expected = referenceLoss(logits, experts, numExperts, k, a);
    EXPECT_NEAR(forward(logits, experts, numExperts, k, a), expected,
                1e-6 * std::fabs(expected));
  }
}

TEST(BalanceLoss, BackwardMatchesFiniteDifferences) {
  const int64_t numExperts = 6, k = 2, seqLen = 4, tokens = 2 * seqLen;
  std::vector<int32_t> experts = randomChoice(tokens, numExperts, k, 21);
  for (ScoringFunc scoring : {ScoringFunc::Sigmoid, ScoringFunc::Softmax}) {
    std::vector<float> logits = randomVector(tokens * numExperts, 22, -2, 2);
    BalanceLossAttrs a;
    a.scoring = scoring;
    a.seqLen = seqLen;
    a.weight = 3.0f; // large enough for the differences to resolve
    std::vector<float> dlogits(logits.size(), 99.0f);
    balanceLossBackward(logits.data(), experts.data(), dlogits.data(), tokens,
                        numExperts, k, a);
    // f is a constant (the experts are fixed), so the loss is smooth in the
    // logits: the reference in FP64 is the function differentiated.
    expectMatchesFiniteDifferences(
        logits, dlogits,
        [&] { return referenceLoss(logits, experts, numExperts, k, a); },
        scoring == ScoringFunc::Sigmoid ? "dlogits (sigmoid)"
                                        : "dlogits (softmax)",
        {1e-3, 1e-5, 1e-3});
  }
}

TEST(BalanceLoss, GradientIsZeroWhenBalanced) {
  // Every expert chosen equally often in every sequence: f = 1 for all,
  // L = sum_i P_i = 1 whatever the scores, so no gradient.
  const int64_t numExperts = 4, k = 2, seqLen = 2;
  std::vector<float> logits = randomVector(seqLen * numExperts, 31, -2, 2);
  std::vector<int32_t> experts = {0, 1, 2, 3};
  BalanceLossAttrs a;
  a.seqLen = seqLen;
  EXPECT_NEAR(forward(logits, experts, numExperts, k, a), 1.0, 1e-6);
  std::vector<float> dlogits(logits.size());
  balanceLossBackward(logits.data(), experts.data(), dlogits.data(), seqLen,
                      numExperts, k, a);
  for (float d : dlogits)
    EXPECT_NEAR(d, 0.0f, 1e-7);
}

TEST(BalanceLoss, RejectsPartialSequencesAndUnknownExperts) {
  std::vector<float> logits(3 * 4, 0.0f), dlogits(logits.size());
  std::vector<int32_t> experts = {0, 1, 2};
  BalanceLossAttrs a;
  a.seqLen = 2; // 3 tokens
  EXPECT_THROW(forward(logits, experts, 4, 1, a), std::invalid_argument);
  a.seqLen = 3;
  experts[1] = 4;
  EXPECT_THROW(forward(logits, experts, 4, 1, a), std::out_of_range);
  EXPECT_THROW(balanceLossBackward(logits.data(), experts.data(),
                                   dlogits.data(), 3, 4, 1, a),
               std::out_of_range);
  experts[1] = 1;
  EXPECT_THROW(forward(logits, experts, 4, 5, a), std::invalid_argument);
}

TEST(BalanceLoss, DeterministicAcrossThreadCounts) {
  const int64_t numExperts = 16, k = 4, seqLen = 64, tokens = 8 * seqLen;
  std::vector<float> logits = randomVector(tokens * numExperts, 41, -3, 3);
  std::vector<int32_t> experts = randomChoice(tokens, numExperts, k, 42);
  BalanceLossAttrs a;
  a.seqLen = seqLen;
  a.weight = 1e-4f;
  std::vector<float> d3(logits.size()), d1(logits.size());
  setNumThreads(3);
  float l3 = forward(logits, experts, numExperts, k, a);
  balanceLossBackward(logits.data(), experts.data(), d3.data(), tokens,
                      numExperts, k, a);
  setNumThreads(1);
  float l1 = forward(logits, experts, numExperts, k, a);
  balanceLossBackward(logits.data(), experts.data(), d1.data(), tokens,
                      numExperts, k, a);
  setNumThreads(0);
  EXPECT_EQ(l3, l1);
  EXPECT_TRUE(bitEqual(d3, d1));
}
