//===- FP8Linear.cpp - FP8 linear by fake quantization --------------------===//
//
// The CPU has no FP8 GEMM: both operands are quantized to E4M3 with
// DeepSeek-V3's tile/block scales and dequantized (dsc_numerics), then the
// FP32 GEMM runs on them. The result carries exactly the quantization error of
// the operands; the FP32 accumulation stands in for the GPU's promoted one.
// The backward passes gradients straight through the quantizer (its Jacobian
// taken as the identity) and multiplies by the dequantized other operand.
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

static std::vector<float> quantizedActivations(const float *x, int64_t rows,
                                               int64_t in,
                                               const FP8LinearAttrs &attrs) {
  std::vector<float> xq(rows * in);
  fakeQuantizeFP8(x, xq.data(), rows, in, TileShape{1, attrs.tile},
                  attrs.scaleFormat);
  return xq;
}

static std::vector<float> quantizedWeights(const float *w, int64_t in,
                                           int64_t out,
                                           const FP8LinearAttrs &attrs) {
  std::vector<float> wq(out * in);
  fakeQuantizeFP8(w, wq.data(), out, in, TileShape{attrs.block, attrs.block},
                  attrs.scaleFormat);
  return wq;
}

void fp8LinearForward(const float *x, const float *w, float *y, int64_t rows,
                      int64_t in, int64_t out, const FP8LinearAttrs &attrs) {
  std::vector<float> xq = quantizedActivations(x, rows, in, attrs);
  std::vector<float> wq = quantizedWeights(w, in, out, attrs);
  linearForward(xq.data(), wq.data(), y, rows, in, out);
}

void fp8LinearBackwardInput(const float *dy, const float *w, float *dx,
                            int64_t rows, int64_t in, int64_t out,
                            const FP8LinearAttrs &attrs) {
  std::vector<float> wq = quantizedWeights(w, in, out, attrs);
  linearBackwardInput(dy, wq.data(), dx, rows, in, out);
}

void fp8LinearBackwardWeight(const float *dy, const float *x, float *dw,
                             int64_t rows, int64_t in, int64_t out,
                             const FP8LinearAttrs &attrs) {
  std::vector<float> xq = quantizedActivations(x, rows, in, attrs);
  linearBackwardWeight(dy, xq.data(), dw, rows, in, out);
}

} // namespace dsc::kernels::cpu
