//===- AttentionTest.cpp - RoPE, YaRN and causal attention ----------------===//

#include "dsc/kernels/cpu/Attention.h"
#include "KernelTestUtil.h"
#include "dsc/kernels/cpu/Threads.h"

using namespace dsc::kernels::cpu;
using namespace dsc::kernels::cpu::test;

//===-- rope --------------------------------------------------------------===//

TEST(Rope, RotatesInterleavedPairsAtAKnownPosition) {
  // headDim 6, ropeDim 4: channels 0-1 pass, pairs (2,3) and (4,5) rotate by
  // pos * 1 and pos * 10000^(-2/4) = pos * 0.01. Token 11 with seq 8 sits at
  // position 3.
  RopeAttrs attrs;
  attrs.seq = 8;
  attrs.ropeDim = 4;
  const int64_t tokens = 12, headDim = 6;
  std::vector<float> x = randomVector(tokens * headDim, 40), y(x.size());
  ropeForward(x.data(), y.data(), tokens, 1, headDim, attrs);
  const float *xt = &x[11 * headDim], *yt = &y[11 * headDim];
  EXPECT_EQ(yt[0], xt[0]);
  EXPECT_EQ(yt[1], xt[1]);
  double a0 = 3.0, a1 = 0.03;
  EXPECT_NEAR(yt[2], xt[2] * std::cos(a0) - xt[3] * std::sin(a0), 1e-6);
  EXPECT_NEAR(yt[3], xt[2] * std::sin(a0) + xt[3] * std::cos(a0), 1e-6);
  EXPECT_NEAR(yt[4], xt[4] * std::cos(a1) - xt[5] * std::sin(a1), 1e-6);
  EXPECT_NEAR(yt[5], xt[4] * std::sin(a1) + xt[5] * std::cos(a1), 1e-6);
  // Position 0 (tokens 0 and 8) is the identity.
  for (int64_t c = 0; c < headDim; ++c) {
    EXPECT_EQ(y[c], x[c]);
    EXPECT_EQ(y[8 * headDim + c], x[8 * headDim + c]);
  }
}

TEST(Rope, YarnMscaleIsDeepSeekV3s) {
  EXPECT_EQ(yarnMscale(1.0, 1.0), 1.0);
  EXPECT_NEAR(yarnMscale(40.0, 1.0), 0.1 * std::log(40.0) + 1.0, 1e-15);
  // V3: qk head dim 128 + 64, factor 40, mscale_all_dim 1 -> 0.13523.
  double m = yarnMscale(40.0, 1.0);
  EXPECT_NEAR(std::pow(192.0, -0.5) * m * m, 0.13523, 5e-6);
}

TEST(Rope, YarnFrequenciesForDeepSeekV3) {
  RopeAttrs attrs;
  attrs.seq = 1;
  attrs.ropeDim = 64;
  attrs.theta = 10000;
  attrs.factor = 40;
  attrs.originalMaxPositions = 4096;
  attrs.betaFast = 32;
  attrs.betaSlow = 1;
  std::vector<double> freqs = ropeFrequencies(attrs);
  ASSERT_EQ(freqs.size(), 32u);
  // Correction range: floor(10.47) = 10 .. ceil(22.51) = 23.
  auto base = [](int i) { return std::pow(10000.0, -2.0 * i / 64.0); };
  for (int i = 0; i <= 10; ++i)
    EXPECT_NEAR(freqs[i], base(i), 1e-12 * base(i)) << i;
  for (int i = 23; i < 32; ++i)
    EXPECT_NEAR(freqs[i], base(i) / 40, 1e-12 * base(i)) << i;
  double ramp = (16.0 - 10.0) / 13.0;
  EXPECT_NEAR(freqs[16], base(16) * (1 - ramp) + base(16) / 40 * ramp,
              1e-12 * base(16));
  // Without scaling (factor 1) plain RoPE frequencies.
  attrs.factor = 1;
  EXPECT_NEAR(ropeFrequencies(attrs)[31], base(31), 1e-15);
}

TEST(Rope, YarnScalesCosAndSin) {
  // mscale 0.8 against mscale_all_dim 0.5 at factor 4: position 0 multiplies
  // by yarnMscale(4, 0.8) / yarnMscale(4, 0.5).
  RopeAttrs attrs;
  attrs.seq = 4;
  attrs.ropeDim = 2;
  attrs.factor = 4;
  attrs.originalMaxPositions = 16;
  attrs.mscale = 0.8f;
  attrs.mscaleAllDim = 0.5f;
  std::vector<float> x = {0.5f, -2.0f}, y(2);
  ropeForward(x.data(), y.data(), 1, 1, 2, attrs);
  double scale = yarnMscale(4, 0.8) / yarnMscale(4, 0.5);
  EXPECT_NEAR(y[0], 0.5 * scale, 1e-6);
  EXPECT_NEAR(y[1], -2.0 * scale, 1e-6);
}

TEST(Rope, BackwardMatchesFiniteDifferences) {
  const int64_t tokens = 10, heads = 3, headDim = 12;
  for (float factor : {1.0f, 4.0f}) {
    RopeAttrs attrs;
    attrs.seq = 5;
    attrs.ropeDim = 8;
    attrs.factor = factor;
    attrs.originalMaxPositions = 16;
    attrs.mscale = 0.8f;
    attrs.mscaleAllDim = 0.5f;
    std::vector<float> x = randomVector(tokens * heads * headDim, 41);
    std::vector<float> dy = randomVector(x.size(), 42), dx(x.size()),
                       y(x.size());
    ropeBackward(dy.data(), dx.data(), tokens, heads, headDim, attrs);
    expectMatchesFiniteDifferences(
        x, dx,
        [&] {
          ropeForward(x.data(), y.data(), tokens, heads, headDim, attrs);
          return dot(dy, y);
        },
        factor > 1 ? "dx (YaRN)" : "dx");
    // In place gives the same.
    std::vector<float> inPlace = x;
    ropeForward(inPlace.data(), inPlace.data(), tokens, heads, headDim, attrs);
    ropeForward(x.data(), y.data(), tokens, heads, headDim, attrs);
    EXPECT_TRUE(bitEqual(inPlace, y));
  }
}

//===-- attention ---------------------------------------------------------===//

namespace {

struct AttentionCase {
  int64_t tokens, heads, qkDim, vDim;
  AttentionAttrs attrs;
  std::vector<float> q, k, v;

  AttentionCase(int64_t sequences, int64_t seq, int64_t heads, int64_t qkDim,
                int64_t vDim, uint32_t seed)
      : tokens(sequences * seq), heads(heads), qkDim(qkDim),
        vDim(vDim), attrs{seq, float(1.0 / std::sqrt(double(qkDim)))},
        q(randomVector(tokens * heads * qkDim, seed, -2.0f, 2.0f)),
        k(randomVector(tokens * heads * qkDim, seed + 1, -2.0f, 2.0f)),
        v(randomVector(tokens * heads * vDim, seed + 2)) {}

  void forward(std::vector<float> &o, std::vector<float> &lse) const {
    o.assign(tokens * heads * vDim, 0.0f);
    lse.assign(tokens * heads, 0.0f);
    attentionForward(q.data(), k.data(), v.data(), o.data(), lse.data(), tokens,
                     heads, qkDim, vDim, attrs);
  }

  /// The textbook loops in FP64.
  void naive(std::vector<double> &o, std::vector<double> &lse) const {
    o.assign(tokens * heads * vDim, 0.0);
    lse.assign(tokens * heads, 0.0);
    int64_t seq = attrs.seq;
    for (int64_t t = 0; t < tokens; ++t)
      for (int64_t h = 0; h < heads; ++h) {
        int64_t first = t / seq * seq;
        std::vector<double> s;
        for (int64_t u = first; u <= t; ++u) {
          double dotQK = 0;
          for (int64_t c = 0; c < qkDim; ++c)
            dotQK += double(q[(t * heads + h) * qkDim + c]) *
                     k[(u * heads + h) * qkDim + c];
          s.push_back(attrs.scale * dotQK);
        }
        double maxS = *std::max_element(s.begin(), s.end()), sum = 0;
        for (double value : s)
          sum += std::exp(value - maxS);
        lse[t * heads + h] = maxS + std::log(sum);
        for (int64_t u = first; u <= t; ++u) {
          double p = std::exp(s[u - first] - lse[t * heads + h]);
          for (int64_t c = 0; c < vDim; ++c)
            o[(t * heads + h) * vDim + c] += p * v[(u * heads + h) * vDim + c];
        }
      }
  }
};

} // namespace

TEST(Attention, ForwardMatchesNaiveLoops) {
  // seq 70 spans two query blocks of 64; three sequences; dq != dv (MLA).
  AttentionCase c(3, 70, 2, 12, 8, 50);
  std::vector<float> o, lse;
  c.forward(o, lse);
  std::vector<double> oRef, lseRef;
  c.naive(oRef, lseRef);
  for (size_t i = 0; i < o.size(); ++i)
    ASSERT_NEAR(o[i], oRef[i], 2e-5) << i;
  for (size_t i = 0; i < lse.size(); ++i)
    ASSERT_NEAR(lse[i], lseRef[i], 2e-5) << i;
  // The first token of every sequence sees only itself.
  for (int64_t b = 0; b < 3; ++b)
    for (int64_t c2 = 0; c2 < c.vDim; ++c2)
      EXPECT_NEAR(o[(b * 70 * c.heads) * c.vDim + c2],
                  c.v[(b * 70 * c.heads) * c.vDim + c2], 1e-6);
}

TEST(Attention, StableForLargeScores) {
  // Scores in the hundreds would overflow a naive exp.
  AttentionCase c(1, 6, 1, 4, 3, 51);
  for (float &value : c.q)
    value *= 100.0f;
  std::vector<float> o, lse;
  c.forward(o, lse);
  std::vector<double> oRef, lseRef;
  c.naive(oRef, lseRef);
  for (size_t i = 0; i < o.size(); ++i) {
    ASSERT_TRUE(std::isfinite(o[i]));
    EXPECT_NEAR(o[i], oRef[i], 1e-4);
  }
}

TEST(Attention, BackwardMatchesFiniteDifferences) {
  AttentionCase c(2, 5, 2, 6, 4, 52);
  std::vector<float> o, lse;
  c.forward(o, lse);
  std::vector<float> dout = randomVector(o.size(), 53);
  std::vector<float> dq(c.q.size()), dk(c.k.size()), dv(c.v.size());
  attentionBackward(dout.data(), c.q.data(), c.k.data(), c.v.data(), o.data(),
                    lse.data(), dq.data(), dk.data(), dv.data(), c.tokens,
                    c.heads, c.qkDim, c.vDim, c.attrs);
  std::vector<float> o2, lse2;
  auto loss = [&] {
    c.forward(o2, lse2);
    return dot(dout, o2);
  };
  FDOptions options{1e-2, 2e-3, 1e-2};
  expectMatchesFiniteDifferences(c.q, dq, loss, "dq", options);
  expectMatchesFiniteDifferences(c.k, dk, loss, "dk", options);
  expectMatchesFiniteDifferences(c.v, dv, loss, "dv", options);
}

TEST(Attention, BackwardAcrossQueryBlocksMatchesFiniteDifferences) {
  // seq 66: the second query block's gradients reach keys of the first.
  AttentionCase c(1, 66, 1, 3, 2, 54);
  std::vector<float> o, lse;
  c.forward(o, lse);
  std::vector<float> dout = randomVector(o.size(), 55);
  std::vector<float> dq(c.q.size()), dk(c.k.size()), dv(c.v.size());
  attentionBackward(dout.data(), c.q.data(), c.k.data(), c.v.data(), o.data(),
                    lse.data(), dq.data(), dk.data(), dv.data(), c.tokens,
                    c.heads, c.qkDim, c.vDim, c.attrs);
  std::vector<float> o2, lse2;
  auto loss = [&] {
    c.forward(o2, lse2);
    return dot(dout, o2);
  };
  expectMatchesFiniteDifferences(c.k, dk, loss, "dk");
  expectMatchesFiniteDifferences(c.v, dv, loss, "dv");
  expectMatchesFiniteDifferences(c.q, dq, loss, "dq");
}

TEST(Attention, DeterministicAcrossRunsAndThreadCounts) {
  AttentionCase c(4, 40, 4, 16, 8, 56);
  struct Result {
    std::vector<float> o, dq, dk, dv;
  };
  auto run = [&](int threads) {
    setNumThreads(threads);
    Result r;
    std::vector<float> lse;
    c.forward(r.o, lse);
    std::vector<float> dout = randomVector(r.o.size(), 57);
    r.dq.assign(c.q.size(), 0.0f);
    r.dk.assign(c.k.size(), 0.0f);
    r.dv.assign(c.v.size(), 0.0f);
    attentionBackward(dout.data(), c.q.data(), c.k.data(), c.v.data(),
                      r.o.data(), lse.data(), r.dq.data(), r.dk.data(),
                      r.dv.data(), c.tokens, c.heads, c.qkDim, c.vDim, c.attrs);
    return r;
  };
  auto expectSame = [](const Result &a, const Result &b) {
    EXPECT_TRUE(bitEqual(a.o, b.o));
    EXPECT_TRUE(bitEqual(a.dq, b.dq));
    EXPECT_TRUE(bitEqual(a.dk, b.dk));
    EXPECT_TRUE(bitEqual(a.dv, b.dv));
  };
  // Tasks on the kernels' threads (single-threaded OpenBLAS), then tasks in
  // order with OpenBLAS's threads.
  int blasThreads = blasNumThreads();
  setBlasNumThreads(1);
  Result threaded = run(3);
  expectSame(threaded, run(3));
  expectSame(threaded, run(1));
  setBlasNumThreads(2);
  Result blasThreaded = run(3);
  expectSame(blasThreaded, run(3));
  setBlasNumThreads(blasThreads);
  setNumThreads(0);
}

TEST(Attention, RejectsSeqNotDividingTokens) {
  std::vector<float> x(10), o(10), lse(10);
  EXPECT_THROW(attentionForward(x.data(), x.data(), x.data(), o.data(),
                                lse.data(), 10, 1, 1, 1, {3, 1.0f}),
               std::invalid_argument);
}
