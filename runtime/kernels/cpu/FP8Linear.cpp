//===- FP8Linear.cpp - FP8 linear by fake quantization --------------------===//
//
// The CPU has no FP8 GEMM: each GEMM's operands are quantized to E4M3 with
// DeepSeek-V3's tiles for that GEMM (Dense.h) and dequantized
// (dsc_numerics), then the FP32 GEMM runs on them. The result carries
// exactly the quantization error of the operands; the FP32 accumulation
// stands in for the GPU's promoted one.
//
//===----------------------------------------------------------------------===//

#include "dsc/kernels/cpu/Dense.h"
#include <cstring>
#include <stdexcept>
#include <vector>

namespace dsc::kernels::cpu {

using numerics::ScaleFormat;
using numerics::TileShape;

void fakeQuantizeFP8(const float *in, float *out, int64_t rows, int64_t cols,
                     TileShape tile, ScaleFormat scaleFormat) {
  if (tile.rows <= 0 || tile.cols <= 0)
    throw std::invalid_argument("fp8_linear: tile sizes must be positive");
  numerics::QuantizedTensor q = numerics::quantize(
      in, rows, cols, tile, numerics::FP8Format::E4M3FN, scaleFormat);
  std::vector<float> values = numerics::dequantize(q);
  std::memcpy(out, values.data(), values.size() * sizeof(float));
}

namespace {

/// The fake-quantized copy of [rows, cols] with `tile` scales.
std::vector<float> quantized(const float *values, int64_t rows, int64_t cols,
                             TileShape tile, const FP8LinearAttrs &attrs) {
  std::vector<float> q(rows * cols);
  fakeQuantizeFP8(values, q.data(), rows, cols, tile, attrs.scaleFormat);
  return q;
}

/// An operand whose K runs along its rows (x in Fprop, dy in Dgrad).
std::vector<float> alongRows(const float *values, int64_t rows, int64_t cols,
                             const FP8LinearAttrs &attrs) {
  return quantized(values, rows, cols, TileShape{1, attrs.tile}, attrs);
}

/// An operand whose K is the tokens (dy and x in Wgrad).
std::vector<float> alongTokens(const float *values, int64_t rows, int64_t cols,
                               const FP8LinearAttrs &attrs) {
  return quantized(values, rows, cols, TileShape{attrs.tile, 1}, attrs);
}

std::vector<float> weightBlocks(const float *w, int64_t in, int64_t out,
                                const FP8LinearAttrs &attrs) {
  return quantized(w, out, in, TileShape{attrs.block, attrs.block}, attrs);
}

} // namespace

void fp8LinearForward(const float *x, const float *w, float *y, int64_t rows,
                      int64_t in, int64_t out, const FP8LinearAttrs &attrs) {
  std::vector<float> wq = weightBlocks(w, in, out, attrs);
  if (attrs.quantizedInput) {
    linearForward(x, wq.data(), y, rows, in, out);
    return;
  }
  std::vector<float> xq = alongRows(x, rows, in, attrs);
  linearForward(xq.data(), wq.data(), y, rows, in, out);
}

void fp8LinearBackwardInput(const float *dy, const float *w, float *dx,
                            int64_t rows, int64_t in, int64_t out,
                            const FP8LinearAttrs &attrs) {
  std::vector<float> dyq = alongRows(dy, rows, out, attrs);
  std::vector<float> wq = weightBlocks(w, in, out, attrs);
  linearBackwardInput(dyq.data(), wq.data(), dx, rows, in, out);
}

void fp8LinearBackwardWeight(const float *dy, const float *x, float *dw,
                             int64_t rows, int64_t in, int64_t out,
                             const FP8LinearAttrs &attrs) {
  std::vector<float> dyq = alongTokens(dy, rows, out, attrs);
  std::vector<float> xq = alongTokens(x, rows, in, attrs);
  linearBackwardWeight(dyq.data(), xq.data(), dw, rows, in, out);
}

} // namespace dsc::kernels::cpu
