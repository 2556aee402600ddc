//===- DenseTest.cpp - BF16, embedding, RMSNorm, linear, FP8 linear -------===//

#include "dsc/kernels/cpu/Dense.h"
#include "KernelTestUtil.h"
#include "dsc/kernels/cpu/Tensor.h"
#include "dsc/numerics/ReferenceGemm.h"

#include <limits>

using namespace dsc::kernels::cpu;
using namespace dsc::kernels::cpu::test;

//===-- BF16 --------------------------------------------------------------===//

TEST(BF16, RoundsToNearestEven) {
  // BF16 keeps 7 mantissa bits: the ulp at 1 is 2^-7.
  EXPECT_EQ(bf16ToFloat(floatToBF16(1.0f)), 1.0f);
  // Halfway between 1 and 1 + 2^-7: ties to the even mantissa (1).
  EXPECT_EQ(bf16ToFloat(floatToBF16(1.0f + 0x1p-8f)), 1.0f);
  // Halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even): up.
  EXPECT_EQ(bf16ToFloat(floatToBF16(1.0f + 0x1p-7f + 0x1p-8f)), 1.0f + 0x1p-6f);
  // Just above halfway rounds up, just below rounds down.
  EXPECT_EQ(bf16ToFloat(floatToBF16(1.0f + 0x1p-8f + 0x1p-20f)),
            1.0f + 0x1p-7f);
  EXPECT_EQ(bf16ToFloat(floatToBF16(1.0f + 0x1p-8f - 0x1p-20f)), 1.0f);
  EXPECT_EQ(bf16ToFloat(floatToBF16(-3.0f)), -3.0f);
  EXPECT_EQ(floatToBF16(1.0f), 0x3f80);
  // Overflow rounds to infinity; infinities and NaN survive.
  EXPECT_EQ(bf16ToFloat(floatToBF16(std::numeric_limits<float>::max())),
            std::numeric_limits<float>::infinity());
  EXPECT_EQ(bf16ToFloat(floatToBF16(-std::numeric_limits<float>::infinity())),
            -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(
      bf16ToFloat(floatToBF16(std::numeric_limits<float>::quiet_NaN()))));
}

TEST(BF16, BulkMatchesScalar) {
  std::vector<float> values = randomVector(257, 1, -100.0f, 100.0f);
  std::vector<uint16_t> bits(values.size());
  floatToBF16(values.data(), bits.data(), int64_t(values.size()));
  std::vector<float> back(values.size());
  bf16ToFloat(bits.data(), back.data(), int64_t(values.size()));
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(bits[i], floatToBF16(values[i]));
    EXPECT_LE(std::fabs(back[i] - values[i]), std::fabs(values[i]) * 0x1p-8f);
  }
}

//===-- embedding ---------------------------------------------------------===//

TEST(Embedding, ForwardGathersRows) {
  const int64_t vocab = 5, hidden = 3;
  std::vector<float> table = randomVector(vocab * hidden, 2);
  std::vector<int32_t> ids = {4, 0, 4, 2};
  std::vector<float> y(ids.size() * hidden);
  embeddingForward(ids.data(), table.data(), y.data(), int64_t(ids.size()),
                   vocab, hidden);
  for (size_t t = 0; t < ids.size(); ++t)
    for (int64_t c = 0; c < hidden; ++c)
      EXPECT_EQ(y[t * hidden + c], table[ids[t] * hidden + c]);
}

TEST(Embedding, BackwardMatchesFiniteDifferences) {
  const int64_t vocab = 6, hidden = 4, tokens = 7;
  std::vector<float> table = randomVector(vocab * hidden, 3);
  std::vector<int32_t> ids = {1, 5, 1, 0, 3, 1, 5}; // repeats scatter-add
  std::vector<float> dy = randomVector(tokens * hidden, 4);
  std::vector<float> dtable(vocab * hidden, 0.5f); // accumulates onto this
  embeddingBackward(ids.data(), dy.data(), dtable.data(), tokens, vocab,
                    hidden);
  for (float &value : dtable)
    value -= 0.5f;
  std::vector<float> y(tokens * hidden);
  expectMatchesFiniteDifferences(
      table, dtable,
      [&] {
        embeddingForward(ids.data(), table.data(), y.data(), tokens, vocab,
                         hidden);
        return dot(dy, y);
      },
      "dtable");
}

TEST(Embedding, RejectsIdsOutsideTheVocabulary) {
  std::vector<float> table(4 * 2), y(2 * 2);
  std::vector<int32_t> ids = {1, 4};
  EXPECT_THROW(embeddingForward(ids.data(), table.data(), y.data(), 2, 4, 2),
               std::out_of_range);
  ids[1] = -1;
  EXPECT_THROW(embeddingBackward(ids.data(), y.data(), table.data(), 2, 4, 2),
               std::out_of_range);
}

//===-- rms_norm ----------------------------------------------------------===//

TEST(RMSNorm, ForwardByHand) {
  // x = (3, 4): mean(x^2) = 12.5, eps 0.5 -> rstd = 1/sqrt(13).
  std::vector<float> x = {3.0f, 4.0f}, w = {1.0f, 2.0f}, y(2), rstd(1);
  rmsNormForward(x.data(), w.data(), y.data(), rstd.data(), 1, 2, 0.5f);
  float expected = 1.0f / std::sqrt(13.0f);
  EXPECT_NEAR(rstd[0], expected, 1e-7);
  EXPECT_NEAR(y[0], 3.0f * expected, 1e-6);
  EXPECT_NEAR(y[1], 8.0f * expected, 1e-6);
}

TEST(RMSNorm, BackwardMatchesFiniteDifferences) {
  const int64_t rows = 5, dim = 8;
  const float eps = 1e-6f;
  std::vector<float> x = randomVector(rows * dim, 5);
  std::vector<float> w = randomVector(dim, 6, 0.5f, 1.5f);
  std::vector<float> dy = randomVector(rows * dim, 7);
  std::vector<float> y(rows * dim), rstd(rows);
  rmsNormForward(x.data(), w.data(), y.data(), rstd.data(), rows, dim, eps);
  std::vector<float> dx(rows * dim), dw(dim, 0.0f);
  rmsNormBackward(dy.data(), x.data(), w.data(), rstd.data(), dx.data(),
                  dw.data(), rows, dim);
  auto loss = [&] {
    rmsNormForward(x.data(), w.data(), y.data(), rstd.data(), rows, dim, eps);
    return dot(dy, y);
  };
  expectMatchesFiniteDifferences(x, dx, loss, "dx", {1e-3, 2e-3, 1e-2});
  expectMatchesFiniteDifferences(w, dw, loss, "dw");
  // dw accumulates.
  std::vector<float> again = dw;
  rmsNormBackward(dy.data(), x.data(), w.data(), rstd.data(), nullptr,
                  again.data(), rows, dim);
  for (int64_t c = 0; c < dim; ++c)
    EXPECT_FLOAT_EQ(again[c], 2 * dw[c]);
}

//===-- linear ------------------------------------------------------------===//

TEST(Linear, ForwardMatchesNaiveProduct) {
  const int64_t rows = 3, in = 5, out = 4;
  std::vector<float> x = randomVector(rows * in, 8),
                     w = randomVector(out * in, 9);
  std::vector<float> y(rows * out);
  linearForward(x.data(), w.data(), y.data(), rows, in, out);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t n = 0; n < out; ++n) {
      double sum = 0;
      for (int64_t c = 0; c < in; ++c)
        sum += double(x[r * in + c]) * w[n * in + c];
      EXPECT_NEAR(y[r * out + n], sum, 1e-5);
    }
}

TEST(Linear, BackwardMatchesFiniteDifferences) {
  const int64_t rows = 4, in = 6, out = 3;
  std::vector<float> x = randomVector(rows * in, 10);
  std::vector<float> w = randomVector(out * in, 11);
  std::vector<float> dy = randomVector(rows * out, 12);
  std::vector<float> dx(rows * in), dw(out * in, 0.0f), y(rows * out);
  linearBackwardInput(dy.data(), w.data(), dx.data(), rows, in, out);
  linearBackwardWeight(dy.data(), x.data(), dw.data(), rows, in, out);
  auto loss = [&] {
    linearForward(x.data(), w.data(), y.data(), rows, in, out);
    return dot(dy, y);
  };
  expectMatchesFiniteDifferences(x, dx, loss, "dx");
  expectMatchesFiniteDifferences(w, dw, loss, "dw");
  // The weight gradient accumulates (micro-batches, deferred W passes).
  std::vector<float> twice = dw;
  linearBackwardWeight(dy.data(), x.data(), twice.data(), rows, in, out);
  for (size_t i = 0; i < dw.size(); ++i)
    EXPECT_FLOAT_EQ(twice[i], 2 * dw[i]);
}

//===-- fp8_linear --------------------------------------------------------===//

namespace {

struct FP8Case {
  int64_t rows = 48, in = 320, out = 200; // ragged tiles and blocks
  std::vector<float> x = randomVector(rows * in, 13, -2.0f, 2.0f);
  std::vector<float> w = randomVector(out * in, 14, -0.1f, 0.1f);
  FP8LinearAttrs attrs;

  std::vector<float> dequantizedX() const {
    std::vector<float> xq(x.size());
    fakeQuantizeFP8(x.data(), xq.data(), rows, in, {1, attrs.tile},
                    attrs.scaleFormat);
    return xq;
  }
  std::vector<float> dequantizedW() const {
    std::vector<float> wq(w.size());
    fakeQuantizeFP8(w.data(), wq.data(), out, in, {attrs.block, attrs.block},
                    attrs.scaleFormat);
    return wq;
  }
};

} // namespace

TEST(FP8Linear, CloseToFP32Linear) {
  FP8Case c;
  std::vector<float> y(c.rows * c.out);
  fp8LinearForward(c.x.data(), c.w.data(), y.data(), c.rows, c.in, c.out,
                   c.attrs);
  std::vector<double> exact =
      dsc::numerics::referenceGemm(c.x.data(), c.w.data(), c.rows, c.out, c.in);
  dsc::numerics::ErrorMetrics error = dsc::numerics::compare(y, exact);
  EXPECT_LT(error.calcDiff, 1e-3);
  EXPECT_GT(error.maxAbs, 0.0); // it did quantize
}

TEST(FP8Linear, EqualsSgemmOnDequantizedOperands) {
  for (auto scaleFormat :
       {dsc::numerics::ScaleFormat::FP32, dsc::numerics::ScaleFormat::UE8M0}) {
    FP8Case c;
    c.attrs.scaleFormat = scaleFormat;
    std::vector<float> xq = c.dequantizedX(), wq = c.dequantizedW();
    // Dequantized values are what the numerics library gives.
    dsc::numerics::QuantizedTensor qx =
        dsc::numerics::quantize(c.x.data(), c.rows, c.in, {1, 128},
                                dsc::numerics::FP8Format::E4M3FN, scaleFormat);
    EXPECT_TRUE(bitEqual(xq, dsc::numerics::dequantize(qx)));

    std::vector<float> y(c.rows * c.out), yRef(c.rows * c.out);
    fp8LinearForward(c.x.data(), c.w.data(), y.data(), c.rows, c.in, c.out,
                     c.attrs);
    linearForward(xq.data(), wq.data(), yRef.data(), c.rows, c.in, c.out);
    EXPECT_TRUE(bitEqual(y, yRef));

    // Backward: straight through, on the dequantized other operand.
    std::vector<float> dy = randomVector(c.rows * c.out, 15);
    std::vector<float> dx(c.rows * c.in), dxRef(c.rows * c.in);
    fp8LinearBackwardInput(dy.data(), c.w.data(), dx.data(), c.rows, c.in,
                           c.out, c.attrs);
    linearBackwardInput(dy.data(), wq.data(), dxRef.data(), c.rows, c.in,
                        c.out);
    EXPECT_TRUE(bitEqual(dx, dxRef));
    std::vector<float> dw(c.out * c.in, 0.25f), dwRef(c.out * c.in, 0.25f);
    fp8LinearBackwardWeight(dy.data(), c.x.data(), dw.data(), c.rows, c.in,
                            c.out, c.attrs);
    linearBackwardWeight(dy.data(), xq.data(), dwRef.data(), c.rows, c.in,
                         c.out);
    EXPECT_TRUE(bitEqual(dw, dwRef));
  }
}

TEST(FP8Linear, PowerOfTwoScalesStayClose) {
  FP8Case c;
  c.attrs.scaleFormat = dsc::numerics::ScaleFormat::UE8M0;
  std::vector<float> y(c.rows * c.out);
  fp8LinearForward(c.x.data(), c.w.data(), y.data(), c.rows, c.in, c.out,
                   c.attrs);
  dsc::numerics::ErrorMetrics error = dsc::numerics::compare(
      y, dsc::numerics::referenceGemm(c.x.data(), c.w.data(), c.rows, c.out,
                                      c.in));
  EXPECT_LT(error.calcDiff, 1e-3);
}
