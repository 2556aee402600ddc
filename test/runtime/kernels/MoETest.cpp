//===- MoETest.cpp - route, dispatch, combine, grouped linear -------------===//

#include "dsc/kernels/cpu/MoE.h"
#include "KernelTestUtil.h"
#include "dsc/kernels/cpu/Threads.h"

#include <algorithm>
#include <numeric>
#include <tuple>

using namespace dsc::kernels::cpu;
using namespace dsc::kernels::cpu::test;

namespace {

float logit(double p) { return float(std::log(p / (1 - p))); }

struct RouteResult {
  std::vector<int32_t> experts;
  std::vector<float> weights, loads;
};

RouteResult route(const std::vector<float> &logits,
                  const std::vector<float> &bias, int64_t numExperts,
                  const RouteAttrs &attrs) {
  int64_t tokens = int64_t(logits.size()) / numExperts;
  RouteResult r{std::vector<int32_t>(tokens * attrs.k),
                std::vector<float>(tokens * attrs.k),
                std::vector<float>(numExperts)};
  routeForward(logits.data(), bias.empty() ? nullptr : bias.data(),
               r.experts.data(), r.weights.data(), r.loads.data(), tokens,
               numExperts, attrs);
  return r;
}

} // namespace

//===-- route -------------------------------------------------------------===//

TEST(Route, NoauxTcHandWorkedExample) {
  // 8 experts in 4 groups of 2, sigmoid scores s, bias for selection only.
  //   s      = .9  .1 | .6  .55 | .3   .8 | .2  .7
  //   bias   =  0   0 |  0   0  | .55   0 |  0 -.4
  //   s+bias = .9  .1 | .6  .55 | .85  .8 | .2  .3
  // Group score (best two): 1.0, 1.15, 1.65, 0.5 -> groups 2 and 1 stay, so
  // expert 0 (the best score) is out. Top 3 of {2,3,4,5} on s+bias: 4, 5, 2.
  // Weights: unbiased .3, .8, .6 normalised by 1.7, times 2.5.
  std::vector<double> s = {.9, .1, .6, .55, .3, .8, .2, .7};
  std::vector<float> logits;
  for (double p : s)
    logits.push_back(logit(p));
  std::vector<float> bias = {0, 0, 0, 0, .55f, 0, 0, -.4f};
  RouteAttrs attrs;
  attrs.scoring = ScoringFunc::Sigmoid;
  attrs.method = TopkMethod::NoauxTc;
  attrs.nGroup = 4;
  attrs.topkGroup = 2;
  attrs.k = 3;
  attrs.normTopkProb = true;
  attrs.routedScalingFactor = 2.5f;
  RouteResult r = route(logits, bias, 8, attrs);
  EXPECT_EQ(r.experts, (std::vector<int32_t>{4, 5, 2}));
  EXPECT_NEAR(r.weights[0], .3 / 1.7 * 2.5, 1e-6);
  EXPECT_NEAR(r.weights[1], .8 / 1.7 * 2.5, 1e-6);
  EXPECT_NEAR(r.weights[2], .6 / 1.7 * 2.5, 1e-6);
  EXPECT_EQ(r.loads, (std::vector<float>{0, 0, 1, 0, 1, 1, 0, 0}));

  // Greedy on the same scores ignores groups: 0, 4, 5.
  attrs.method = TopkMethod::Greedy;
  r = route(logits, bias, 8, attrs);
  EXPECT_EQ(r.experts, (std::vector<int32_t>{0, 4, 5}));
  EXPECT_NEAR(r.weights[0], .9 / 2.0 * 2.5, 1e-6);
}

TEST(Route, GroupScoreBestOneVersusBestTwo) {
  // Softmax over logits 1.0, 0.9 | 1.2, -3: group_limited_greedy scores a
  // group by its best expert (group 1 wins, 1.2 > 1.0), noaux_tc by its best
  // two (group 0 wins).
  std::vector<float> logits = {1.0f, 0.9f, 1.2f, -3.0f};
  double z = std::exp(1.0) + std::exp(0.9) + std::exp(1.2) + std::exp(-3.0);
  RouteAttrs attrs;
  attrs.scoring = ScoringFunc::Softmax;
  attrs.method = TopkMethod::GroupLimitedGreedy;
  attrs.nGroup = 2;
  attrs.topkGroup = 1;
  attrs.k = 2;
  attrs.routedScalingFactor = 16.0f; // V2: no normalisation, factor 16
  RouteResult r = route(logits, {}, 4, attrs);
  EXPECT_EQ(r.experts, (std::vector<int32_t>{2, 3}));
  EXPECT_NEAR(r.weights[0], 16 * std::exp(1.2) / z, 1e-5);
  EXPECT_NEAR(r.weights[1], 16 * std::exp(-3.0) / z, 1e-6);
  attrs.method = TopkMethod::NoauxTc;
  r = route(logits, {}, 4, attrs);
  EXPECT_EQ(r.experts, (std::vector<int32_t>{0, 1}));
}

TEST(Route, TiesGoToTheLowerIndexAndLoadsCount) {
  std::vector<float> logits = {0, 0, 0, 0, /*token 1*/ 1, 2, 2, 1};
  RouteAttrs attrs;
  attrs.k = 2;
  RouteResult r = route(logits, {}, 4, attrs);
  EXPECT_EQ(r.experts, (std::vector<int32_t>{0, 1, 1, 2}));
  EXPECT_EQ(r.loads, (std::vector<float>{1, 2, 1, 0}));
}

TEST(Route, RejectsBadAttributes) {
  std::vector<float> logits(6);
  RouteAttrs attrs;
  attrs.method = TopkMethod::NoauxTc;
  attrs.nGroup = 4; // does not divide 6
  EXPECT_THROW(route(logits, {}, 6, attrs), std::invalid_argument);
  attrs.nGroup = 3;
  attrs.topkGroup = 1;
  attrs.k = 3; // more than one group of 2 holds
  EXPECT_THROW(route(logits, {}, 6, attrs), std::invalid_argument);
}

namespace {

/// Logits a clear margin apart, so a finite-difference step never changes
/// the selection.
std::vector<float> separatedLogits(int64_t tokens, int64_t numExperts,
                                   uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<float> noise =
      randomVector(tokens * numExperts, seed, -.05f, .05f);
  std::vector<float> logits(tokens * numExperts);
  std::vector<int> order(numExperts);
  for (int64_t t = 0; t < tokens; ++t) {
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    for (int64_t e = 0; e < numExperts; ++e)
      logits[t * numExperts + e] =
          -2.0f + 0.3f * order[e] + noise[t * numExperts + e];
  }
  return logits;
}

void checkRouteGradient(const RouteAttrs &attrs, bool withBias, uint32_t seed) {
  const int64_t tokens = 4, numExperts = 12;
  std::vector<float> logits = separatedLogits(tokens, numExperts, seed);
  std::vector<float> bias;
  if (withBias)
    for (int64_t e = 0; e < numExperts; ++e)
      bias.push_back(0.01f * float((e * 7) % 5)); // small: keeps the margins
  RouteResult base = route(logits, bias, numExperts, attrs);
  std::vector<float> dweights = randomVector(base.weights.size(), seed + 1);
  std::vector<float> dlogits(logits.size());
  routeBackward(dweights.data(), logits.data(), base.experts.data(),
                dlogits.data(), tokens, numExperts, attrs);
  expectMatchesFiniteDifferences(logits, dlogits,
                                 [&] {
                                   RouteResult r =
                                       route(logits, bias, numExperts, attrs);
                                   EXPECT_EQ(r.experts, base.experts)
                                       << "selection moved";
                                   return dot(dweights, r.weights);
                                 },
                                 "dlogits", {1e-2, 1e-3, 1e-2});
}

} // namespace

TEST(Route, BackwardMatchesFiniteDifferencesSigmoidNoauxTc) {
  RouteAttrs attrs;
  attrs.scoring = ScoringFunc::Sigmoid;
  attrs.method = TopkMethod::NoauxTc;
  attrs.nGroup = 4;
  attrs.topkGroup = 2;
  attrs.k = 4;
  attrs.normTopkProb = true;
  attrs.routedScalingFactor = 2.5f;
  checkRouteGradient(attrs, /*withBias=*/true, 60);
}

TEST(Route, BackwardMatchesFiniteDifferencesSoftmaxGroupLimited) {
  RouteAttrs attrs;
  attrs.scoring = ScoringFunc::Softmax;
  attrs.method = TopkMethod::GroupLimitedGreedy;
  attrs.nGroup = 3;
  attrs.topkGroup = 2;
  attrs.k = 3;
  attrs.routedScalingFactor = 16.0f;
  checkRouteGradient(attrs, /*withBias=*/false, 61);
}

TEST(Route, BackwardMatchesFiniteDifferencesGreedyVariants) {
  RouteAttrs attrs;
  attrs.k = 3;
  for (ScoringFunc scoring : {ScoringFunc::Softmax, ScoringFunc::Sigmoid})
    for (bool norm : {false, true}) {
      attrs.scoring = scoring;
      attrs.normTopkProb = norm;
      checkRouteGradient(attrs, /*withBias=*/true, 62);
    }
}

TEST(Route, DeterministicAcrossThreadCounts) {
  const int64_t tokens = 3000, numExperts = 64;
  std::vector<float> logits = randomVector(tokens * numExperts, 63, -3, 3);
  std::vector<float> bias = randomVector(numExperts, 64, -.1f, .1f);
  RouteAttrs attrs;
  attrs.method = TopkMethod::NoauxTc;
  attrs.nGroup = 8;
  attrs.topkGroup = 4;
  attrs.k = 8;
  attrs.normTopkProb = true;
  attrs.routedScalingFactor = 2.5f;
  setNumThreads(3);
  RouteResult a = route(logits, bias, numExperts, attrs);
  RouteResult b = route(logits, bias, numExperts, attrs);
  setNumThreads(1);
  RouteResult c = route(logits, bias, numExperts, attrs);
  setNumThreads(0);
  EXPECT_EQ(a.experts, b.experts);
  EXPECT_TRUE(bitEqual(a.weights, b.weights));
  EXPECT_EQ(a.experts, c.experts);
  EXPECT_TRUE(bitEqual(a.weights, c.weights));
  EXPECT_EQ(std::accumulate(a.loads.begin(), a.loads.end(), 0.0f),
            float(tokens * attrs.k));
}

//===-- dispatch / combine ------------------------------------------------===//

namespace {

struct DispatchCase {
  int64_t tokens = 5, k = 2, numExperts = 3, hidden = 4;
  std::vector<int32_t> experts = {2, 0, 1, 2, 0, 1, 2, 1, 0, 2};
  std::vector<float> x = randomVector(tokens * hidden, 70);
};

} // namespace

TEST(Dispatch, GroupsStablyByExpert) {
  DispatchCase c;
  std::vector<float> rows(c.tokens * c.k * c.hidden);
  std::vector<int32_t> offsets(c.numExperts + 1);
  dispatchForward(c.x.data(), c.experts.data(), rows.data(), offsets.data(),
                  c.tokens, c.hidden, c.k, c.numExperts);
  EXPECT_EQ(offsets, (std::vector<int32_t>{0, 3, 6, 10}));
  // expert 0: tokens 0, 2, 4; expert 1: 1, 2, 3; expert 2: 0, 1, 3, 4.
  std::vector<int> source = {0, 2, 4, 1, 2, 3, 0, 1, 3, 4};
  for (int64_t r = 0; r < 10; ++r)
    for (int64_t c2 = 0; c2 < c.hidden; ++c2)
      EXPECT_EQ(rows[r * c.hidden + c2], c.x[source[r] * c.hidden + c2]);
}

TEST(Dispatch, BackwardMatchesFiniteDifferences) {
  DispatchCase c;
  int64_t copies = c.tokens * c.k;
  std::vector<float> rows(copies * c.hidden);
  std::vector<float> drows = randomVector(rows.size(), 71), dx(c.x.size());
  std::vector<int32_t> offsets(c.numExperts + 1);
  dispatchBackward(drows.data(), c.experts.data(), dx.data(), c.tokens,
                   c.hidden, c.k, c.numExperts);
  expectMatchesFiniteDifferences(
      c.x, dx,
      [&] {
        dispatchForward(c.x.data(), c.experts.data(), rows.data(),
                        offsets.data(), c.tokens, c.hidden, c.k, c.numExperts);
        return dot(drows, rows);
      },
      "dx");
}

TEST(Dispatch, RejectsUnknownExperts) {
  DispatchCase c;
  c.experts[3] = 3;
  std::vector<float> rows(c.tokens * c.k * c.hidden);
  std::vector<int32_t> offsets(c.numExperts + 1);
  EXPECT_THROW(dispatchForward(c.x.data(), c.experts.data(), rows.data(),
                               offsets.data(), c.tokens, c.hidden, c.k,
                               c.numExperts),
               std::out_of_range);
}

TEST(Combine, WeightedSumAndBackward) {
  DispatchCase c;
  int64_t copies = c.tokens * c.k;
  std::vector<float> rows = randomVector(copies * c.hidden, 72);
  std::vector<float> weights = randomVector(copies, 73, 0.0f, 1.0f);
  std::vector<float> y(c.tokens * c.hidden);
  combineForward(rows.data(), weights.data(), c.experts.data(), y.data(),
                 c.tokens, c.hidden, c.k, c.numExperts);
  // Token 2 went to experts 0 (row 1) and 1 (row 4).
  for (int64_t c2 = 0; c2 < c.hidden; ++c2)
    EXPECT_NEAR(y[2 * c.hidden + c2],
                weights[4] * rows[1 * c.hidden + c2] +
                    weights[5] * rows[4 * c.hidden + c2],
                1e-6);
  // Dispatch then combine with weights summing to one is the identity.
  std::vector<float> dispatched(copies * c.hidden), half(copies, 0.5f);
  std::vector<int32_t> offsets(c.numExperts + 1);
  dispatchForward(c.x.data(), c.experts.data(), dispatched.data(),
                  offsets.data(), c.tokens, c.hidden, c.k, c.numExperts);
  combineForward(dispatched.data(), half.data(), c.experts.data(), y.data(),
                 c.tokens, c.hidden, c.k, c.numExperts);
  for (size_t i = 0; i < y.size(); ++i)
    EXPECT_FLOAT_EQ(y[i], c.x[i]);

  std::vector<float> dy = randomVector(y.size(), 74);
  std::vector<float> drows(rows.size()), dweights(weights.size());
  combineBackward(dy.data(), rows.data(), weights.data(), c.experts.data(),
                  drows.data(), dweights.data(), c.tokens, c.hidden, c.k,
                  c.numExperts);
  auto loss = [&] {
    combineForward(rows.data(), weights.data(), c.experts.data(), y.data(),
                   c.tokens, c.hidden, c.k, c.numExperts);
    return dot(dy, y);
  };
  expectMatchesFiniteDifferences(rows, drows, loss, "drows");
  expectMatchesFiniteDifferences(weights, dweights, loss, "dweights");
}

//===-- grouped_linear ----------------------------------------------------===//

TEST(GroupedLinear, PerExpertProductsAndBackward) {
  const int64_t numExperts = 3, in = 5, out = 4;
  std::vector<int32_t> offsets = {0, 3, 3, 7}; // expert 1 got no rows
  int64_t rows = offsets.back();
  std::vector<float> x = randomVector(rows * in, 80);
  std::vector<float> w = randomVector(numExperts * out * in, 81);
  std::vector<float> y(rows * out);
  groupedLinearForward(x.data(), offsets.data(), w.data(), y.data(), numExperts,
                       in, out);
  for (int64_t r = 0; r < rows; ++r) {
    int64_t e = r < 3 ? 0 : 2;
    for (int64_t n = 0; n < out; ++n) {
      double sum = 0;
      for (int64_t c = 0; c < in; ++c)
        sum += double(x[r * in + c]) * w[(e * out + n) * in + c];
      EXPECT_NEAR(y[r * out + n], sum, 1e-5);
    }
  }
  std::vector<float> dy = randomVector(y.size(), 82);
  std::vector<float> dx(x.size()), dw(w.size(), 1.0f);
  groupedLinearBackwardInput(dy.data(), offsets.data(), w.data(), dx.data(),
                             numExperts, in, out);
  groupedLinearBackwardWeight(dy.data(), x.data(), offsets.data(), dw.data(),
                              numExperts, in, out);
  for (int64_t i = 0; i < out * in; ++i) // the empty group is untouched
    EXPECT_EQ(dw[(1 * out * in) + i], 1.0f);
  for (float &value : dw)
    value -= 1.0f;
  auto loss = [&] {
    groupedLinearForward(x.data(), offsets.data(), w.data(), y.data(),
                         numExperts, in, out);
    return dot(dy, y);
  };
  expectMatchesFiniteDifferences(x, dx, loss, "dx");
  expectMatchesFiniteDifferences(w, dw, loss, "dw");
}

TEST(GroupedLinear, RejectsDecreasingOffsets) {
  std::vector<int32_t> offsets = {0, 2, 1};
  std::vector<float> x(8), w(8), y(8);
  EXPECT_THROW(groupedLinearForward(x.data(), offsets.data(), w.data(),
                                    y.data(), 2, 2, 2),
               std::invalid_argument);
}

//===-- fp8 grouped_linear ------------------------------------------------===//

namespace {

using dsc::numerics::ScaleFormat;
using dsc::numerics::TileShape;

/// Four experts, expert 1 without rows; 16-wide tiles and blocks so that
/// groups of 37, 13 and 40 rows span several ragged Wgrad tiles that do not
/// start at multiples of 16 in the stacked rows, and 24 output channels so
/// that blocks of the stacked weights [E * 24, 40] would straddle experts.
struct FP8GroupedCase {
  static constexpr int64_t numExperts = 4, in = 40, out = 24;
  std::vector<int32_t> offsets = {0, 37, 37, 50, 90};
  int64_t rows = offsets.back();
  std::vector<float> x = randomNormalVector(rows * in, 90);
  std::vector<float> w = randomNormalVector(numExperts * out * in, 91, 0.1f);
  std::vector<float> dy = randomNormalVector(rows * out, 92);
  FP8LinearAttrs attrs{16, 16, ScaleFormat::FP32};
  float dw0 = 0.5f; // dw accumulates onto this

  struct Results {
    std::vector<float> y, dx, dw;
  };
  Results empty() const {
    return {std::vector<float>(rows * out), std::vector<float>(rows * in),
            std::vector<float>(numExperts * out * in, dw0)};
  }
  Results fp8() const {
    Results r = empty();
    fp8GroupedLinearForward(x.data(), offsets.data(), w.data(), r.y.data(),
                            numExperts, in, out, attrs);
    fp8GroupedLinearBackwardInput(dy.data(), offsets.data(), w.data(),
                                  r.dx.data(), numExperts, in, out, attrs);
    fp8GroupedLinearBackwardWeight(dy.data(), x.data(), offsets.data(),
                                   r.dw.data(), numExperts, in, out, attrs);
    return r;
  }
  /// The grouped FP32 kernels on the given operands.
  Results fp32(const std::vector<float> &fpropX, const std::vector<float> &wq,
               const std::vector<float> &dgradDy,
               const std::vector<float> &wgradDy,
               const std::vector<float> &wgradX) const {
    Results r = empty();
    groupedLinearForward(fpropX.data(), offsets.data(), wq.data(), r.y.data(),
                         numExperts, in, out);
    groupedLinearBackwardInput(dgradDy.data(), offsets.data(), wq.data(),
                               r.dx.data(), numExperts, in, out);
    groupedLinearBackwardWeight(wgradDy.data(), wgradX.data(), offsets.data(),
                                r.dw.data(), numExperts, in, out);
    return r;
  }
};

/// dsc_numerics' E4M3 quantize then dequantize of [rows, cols].
std::vector<float> e4m3(const float *values, int64_t rows, int64_t cols,
                        TileShape tile) {
  return dsc::numerics::dequantize(dsc::numerics::quantize(
      values, rows, cols, tile, dsc::numerics::FP8Format::E4M3FN,
      ScaleFormat::FP32));
}

/// `values` [offsets.back(), cols] quantized group by group with `tile`.
std::vector<float> e4m3PerGroup(const std::vector<float> &values,
                                const std::vector<int32_t> &offsets,
                                int64_t cols, TileShape tile) {
  std::vector<float> out(values.size());
  for (size_t e = 0; e + 1 < offsets.size(); ++e) {
    int64_t r0 = offsets[e], n = offsets[e + 1] - r0;
    if (n == 0)
      continue;
    std::vector<float> q = e4m3(values.data() + r0 * cols, n, cols, tile);
    std::copy(q.begin(), q.end(), out.begin() + r0 * cols);
  }
  return out;
}

} // namespace

TEST(FP8GroupedLinear, EachGroupIsADenseFP8Linear) {
  FP8GroupedCase c;
  constexpr int64_t in = FP8GroupedCase::in, out = FP8GroupedCase::out;
  FP8GroupedCase::Results got = c.fp8(), want = c.empty();
  for (int64_t e = 0; e < FP8GroupedCase::numExperts; ++e) {
    int64_t r0 = c.offsets[e], n = c.offsets[e + 1] - r0;
    if (n == 0)
      continue;
    const float *we = c.w.data() + e * out * in;
    fp8LinearForward(c.x.data() + r0 * in, we, want.y.data() + r0 * out, n, in,
                     out, c.attrs);
    fp8LinearBackwardInput(c.dy.data() + r0 * out, we, want.dx.data() + r0 * in,
                           n, in, out, c.attrs);
    fp8LinearBackwardWeight(c.dy.data() + r0 * out, c.x.data() + r0 * in,
                            want.dw.data() + e * out * in, n, in, out, c.attrs);
  }
  EXPECT_TRUE(bitEqual(got.y, want.y));
  EXPECT_TRUE(bitEqual(got.dx, want.dx));
  EXPECT_TRUE(bitEqual(got.dw, want.dw));
  for (int64_t i = 0; i < out * in; ++i) // the empty group is untouched
    ASSERT_EQ(got.dw[1 * out * in + i], c.dw0) << i;
}

TEST(FP8GroupedLinear, TilesStayInsideEachExpert) {
  // The explicit recipe: x and dy per 1 x 16 (rows: the grouping does not
  // matter), every expert's weight per its own 16 x 16 blocks, Wgrad's
  // 16 x 1 tiles along each expert's own rows. Same FP32 GEMMs on the same
  // operands as the kernels: bit-identical.
  FP8GroupedCase c;
  constexpr int64_t in = FP8GroupedCase::in, out = FP8GroupedCase::out,
                    E = FP8GroupedCase::numExperts;
  const TileShape row{1, 16}, token{16, 1}, block{16, 16};
  std::vector<float> wq(c.w.size());
  for (int64_t e = 0; e < E; ++e) {
    std::vector<float> q = e4m3(c.w.data() + e * out * in, out, in, block);
    std::copy(q.begin(), q.end(), wq.begin() + e * out * in);
  }
  std::vector<float> xRow = e4m3(c.x.data(), c.rows, in, row);
  std::vector<float> dyRow = e4m3(c.dy.data(), c.rows, out, row);
  std::vector<float> dyTok = e4m3PerGroup(c.dy, c.offsets, out, token);
  std::vector<float> xTok = e4m3PerGroup(c.x, c.offsets, in, token);
  FP8GroupedCase::Results got = c.fp8(),
                          want = c.fp32(xRow, wq, dyRow, dyTok, xTok);
  EXPECT_TRUE(bitEqual(got.y, want.y));
  EXPECT_TRUE(bitEqual(got.dx, want.dx));
  EXPECT_TRUE(bitEqual(got.dw, want.dw));

  // Tiles over the stacked rows or blocks over the stacked weights would
  // mix experts and give other results.
  std::vector<float> dyStacked = e4m3(c.dy.data(), c.rows, out, token);
  std::vector<float> xStacked = e4m3(c.x.data(), c.rows, in, token);
  std::vector<float> wStacked = e4m3(c.w.data(), E * out, in, block);
  EXPECT_FALSE(
      bitEqual(got.dw, c.fp32(xRow, wq, dyRow, dyStacked, xStacked).dw));
  EXPECT_FALSE(bitEqual(got.y, c.fp32(xRow, wStacked, dyRow, dyTok, xTok).y));
}

TEST(FP8GroupedLinear, WithinE4M3ErrorOfFP32) {
  // As for the dense FP8 linear (DenseTest.cpp): E4M3's 3 mantissa bits give
  // 3-4 %; 10 % is the bound, above 0.1 % shows every GEMM quantized.
  for (ScaleFormat format : {ScaleFormat::FP32, ScaleFormat::UE8M0}) {
    SCOPED_TRACE(format == ScaleFormat::FP32 ? "fp32 scales" : "ue8m0 scales");
    FP8GroupedCase c;
    c.attrs.scaleFormat = format;
    c.dw0 = 0.0f;
    FP8GroupedCase::Results got = c.fp8(),
                            exact = c.fp32(c.x, c.w, c.dy, c.dy, c.x);
    for (auto [name, a, b] : {std::tuple{"y", &got.y, &exact.y},
                              std::tuple{"dx", &got.dx, &exact.dx},
                              std::tuple{"dw", &got.dw, &exact.dw}}) {
      double error = relativeError(*a, *b);
      EXPECT_LT(error, 0.1) << name;
      EXPECT_GT(error, 1e-3) << name;
    }
  }
}
