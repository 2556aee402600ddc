//===- DenseTest.cpp - BF16, embedding, RMSNorm, linear, FP8 linear -------===//

#include "dsc/kernels/cpu/Dense.h"
#include "KernelTestUtil.h"
#include "dsc/kernels/cpu/Tensor.h"
#include "dsc/numerics/BlockQuantize.h"

#include <limits>
#include <tuple>

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

using dsc::numerics::ScaleFormat;
using dsc::numerics::TileShape;

/// The reference quantizer: dsc_numerics' E4M3 quantize then dequantize,
/// called directly rather than through the kernels' fakeQuantizeFP8.
std::vector<float> e4m3(const std::vector<float> &values, int64_t rows,
                        int64_t cols, TileShape tile, ScaleFormat format) {
  return dsc::numerics::dequantize(
      dsc::numerics::quantize(values.data(), rows, cols, tile,
                              dsc::numerics::FP8Format::E4M3FN, format));
}

/// The operands of a layer's three GEMMs: Fprop (x, w), Dgrad (dy, w) and
/// Wgrad (dy, x), each GEMM with its own copies.
struct GemmOperands {
  std::vector<float> fpropX, w, dgradDy, wgradDy, wgradX;
};

/// The three GEMMs' results.
struct LinearResults {
  std::vector<float> y, dx, dw;
};

struct FP8Case {
  // 160 tokens: a full 128-token Wgrad tile and a ragged one; 320 and 200
  // channels: ragged 1 x 128 tiles and 128 x 128 blocks.
  int64_t rows = 160, in = 320, out = 200;
  std::vector<float> x = randomNormalVector(rows * in, 13);
  std::vector<float> w = randomNormalVector(out * in, 14, 0.05f);
  std::vector<float> dy = randomNormalVector(rows * out, 15);
  FP8LinearAttrs attrs;
  /// What dw holds before the (accumulating) Wgrad.
  float dw0 = 0.25f;

  LinearResults empty() const {
    return {std::vector<float>(rows * out), std::vector<float>(rows * in),
            std::vector<float>(out * in, dw0)};
  }
  LinearResults fp8() const {
    LinearResults r = empty();
    fp8LinearForward(x.data(), w.data(), r.y.data(), rows, in, out, attrs);
    fp8LinearBackwardInput(dy.data(), w.data(), r.dx.data(), rows, in, out,
                           attrs);
    fp8LinearBackwardWeight(dy.data(), x.data(), r.dw.data(), rows, in, out,
                            attrs);
    return r;
  }
  LinearResults fp32(const GemmOperands &o) const {
    LinearResults r = empty();
    linearForward(o.fpropX.data(), o.w.data(), r.y.data(), rows, in, out);
    linearBackwardInput(o.dgradDy.data(), o.w.data(), r.dx.data(), rows, in,
                        out);
    linearBackwardWeight(o.wgradDy.data(), o.wgradX.data(), r.dw.data(), rows,
                         in, out);
    return r;
  }
  /// The operands as quantized with these activation / gradient tiles.
  GemmOperands quantized(TileShape fpropTile, TileShape wgradTile,
                         bool quantizeGradients) const {
    ScaleFormat f = attrs.scaleFormat;
    GemmOperands o{e4m3(x, rows, in, fpropTile, f),
                   e4m3(w, out, in, {attrs.block, attrs.block}, f), dy, dy,
                   e4m3(x, rows, in, wgradTile, f)};
    if (quantizeGradients) {
      o.dgradDy = e4m3(dy, rows, out, fpropTile, f);
      o.wgradDy = e4m3(dy, rows, out, wgradTile, f);
    }
    return o;
  }
};

const char *formatName(ScaleFormat format) {
  return format == ScaleFormat::FP32 ? "fp32 scales" : "ue8m0 scales";
}

} // namespace

TEST(FP8Linear, GemmsRunOnTheirRecipesQuantizedOperands) {
  // DeepSeek-V3 §3.3: Fprop x 1 x 128, w 128 x 128; Dgrad dy 1 x 128 (along
  // its K = out), w 128 x 128; Wgrad dy and x 128 x 1 (along K = tokens).
  // The kernels run the same FP32 GEMMs on the same quantized operands as
  // the reference, so the results are bit-identical.
  const TileShape row{1, 128}, token{128, 1};
  for (ScaleFormat format : {ScaleFormat::FP32, ScaleFormat::UE8M0}) {
    SCOPED_TRACE(formatName(format));
    FP8Case c;
    c.attrs.scaleFormat = format;
    LinearResults got = c.fp8();
    LinearResults want = c.fp32(c.quantized(row, token, true));
    EXPECT_TRUE(bitEqual(got.y, want.y));
    EXPECT_TRUE(bitEqual(got.dx, want.dx));
    EXPECT_TRUE(bitEqual(got.dw, want.dw));

    // Not the straight-through gradients of unquantized dy, and not Fprop's
    // tiles for Wgrad: the reference tells the recipes apart.
    LinearResults straight = c.fp32(c.quantized(row, row, false));
    EXPECT_FALSE(bitEqual(got.dx, straight.dx));
    EXPECT_FALSE(bitEqual(got.dw, straight.dw));
    LinearResults rowTiled = c.fp32(c.quantized(row, row, true));
    EXPECT_FALSE(bitEqual(got.dw, rowTiled.dw));
  }
}

TEST(FP8Linear, WithinE4M3ErrorOfFP32) {
  // E4M3 keeps 3 mantissa bits: an element's rounding error is at most 2^-4
  // of its value (RMS about 2.6 %), and a dot product of two such operands
  // of random data about sqrt(2) times that (3-4 % measured here). 10 %
  // leaves room for power-of-two scales (up to 2x coarser) and ragged tiles;
  // above 0.1 % shows every GEMM quantized.
  for (ScaleFormat format : {ScaleFormat::FP32, ScaleFormat::UE8M0}) {
    SCOPED_TRACE(formatName(format));
    FP8Case c;
    c.attrs.scaleFormat = format;
    c.dw0 = 0.0f; // compare the gradient itself
    LinearResults got = c.fp8();
    LinearResults exact = c.fp32({c.x, c.w, c.dy, c.dy, c.x});
    for (auto [name, a, b] : {std::tuple{"y", &got.y, &exact.y},
                              std::tuple{"dx", &got.dx, &exact.dx},
                              std::tuple{"dw", &got.dw, &exact.dw}}) {
      double error = relativeError(*a, *b);
      EXPECT_LT(error, 0.1) << name;
      EXPECT_GT(error, 1e-3) << name;
    }
  }
}

TEST(FP8Linear, RejectsEmptyTiles) {
  FP8Case c;
  c.attrs.tile = 0;
  EXPECT_THROW(c.fp8(), std::invalid_argument);
}

//===-- FP8 rows (the FP8 dispatch) ---------------------------------------===//

TEST(FP8Rows, RoundTripIsTheFakeQuantization) {
  // Codes and scales that travel, dequantized, are exactly the fake
  // quantization the FP8 GEMMs apply (1 x tile tiles, a ragged last one),
  // so a GEMM may read dispatched rows as they are.
  const int64_t rows = 5, cols = 200, tile = 128, tiles = 2;
  std::vector<float> x = randomVector(rows * cols, 7, -3.0f, 3.0f);
  x[3] = 0; // a tile of one zero among others
  for (ScaleFormat format : {ScaleFormat::FP32, ScaleFormat::UE8M0}) {
    SCOPED_TRACE(formatName(format));
    std::vector<uint8_t> codes(rows * cols), bytes(rows * tiles);
    std::vector<float> scales(rows * tiles), back(rows * cols),
        expected(rows * cols);
    RowScales where = format == ScaleFormat::UE8M0
                          ? RowScales{nullptr, bytes.data()}
                          : RowScales{scales.data(), nullptr};
    quantizeRowsFP8(x.data(), codes.data(), where, rows, cols, tile);
    dequantizeRowsFP8(codes.data(), where, back.data(), rows, cols, tile);
    fakeQuantizeFP8(x.data(), expected.data(), rows, cols, {1, tile}, format);
    EXPECT_EQ(back, expected);
    // A second pass changes nothing: dispatched rows are on the FP8 grid.
    std::vector<float> again(rows * cols);
    fakeQuantizeFP8(back.data(), again.data(), rows, cols, {1, tile}, format);
    if (format == ScaleFormat::UE8M0)
      EXPECT_EQ(again, back);
  }
}

TEST(FP8Rows, RejectsBadTilesAndScales) {
  float x[4] = {1, 2, 3, 4};
  uint8_t codes[4], bytes[2];
  float scales[2];
  EXPECT_THROW(quantizeRowsFP8(x, codes, {scales, nullptr}, 1, 4, 0),
               std::invalid_argument);
  EXPECT_THROW(quantizeRowsFP8(x, codes, {scales, bytes}, 1, 4, 2),
               std::invalid_argument);
  EXPECT_THROW(dequantizeRowsFP8(codes, {nullptr, nullptr}, x, 1, 4, 2),
               std::invalid_argument);
}
