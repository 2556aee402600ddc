//===- Dense.h - embedding, RMSNorm, linear and FP8 linear ------*- C++ -*-===//
//
// Token-major activations: T rows (tokens) of a feature dimension. Weights of
// linears are [N, K] (out x in), as in the checkpoints: y = x w^T.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_KERNELS_CPU_DENSE_H
#define DSC_KERNELS_CPU_DENSE_H

#include "dsc/numerics/BlockQuantize.h"
#include <cstdint>

namespace dsc::kernels::cpu {

//===-- embedding ---------------------------------------------------------===//

/// y[t] = table[ids[t]]; ids [T] must lie in [0, vocab).
void embeddingForward(const int32_t *ids, const float *table, float *y,
                      int64_t tokens, int64_t vocab, int64_t hidden);
/// dtable[ids[t]] += dy[t] (scatter-add, in token order).
void embeddingBackward(const int32_t *ids, const float *dy, float *dtable,
                       int64_t tokens, int64_t vocab, int64_t hidden);

//===-- rms_norm ----------------------------------------------------------===//

/// y = x * rstd * w with rstd = 1 / sqrt(mean(x^2) + eps) per row; rstd [rows]
/// is saved for the backward.
void rmsNormForward(const float *x, const float *w, float *y, float *rstd,
                    int64_t rows, int64_t dim, float eps);
/// dx = (written), dw += (accumulated); either may be null to skip it.
void rmsNormBackward(const float *dy, const float *x, const float *w,
                     const float *rstd, float *dx, float *dw, int64_t rows,
                     int64_t dim);

//===-- linear ------------------------------------------------------------===//

/// y [rows, out] = x [rows, in] * w [out, in]^T.
void linearForward(const float *x, const float *w, float *y, int64_t rows,
                   int64_t in, int64_t out);
/// dx [rows, in] = dy [rows, out] * w [out, in].
void linearBackwardInput(const float *dy, const float *w, float *dx,
                         int64_t rows, int64_t in, int64_t out);
/// dw [out, in] += dy^T * x.
void linearBackwardWeight(const float *dy, const float *x, float *dw,
                          int64_t rows, int64_t in, int64_t out);

//===-- fp8_linear --------------------------------------------------------===//
//
// DeepSeek-V3 runs all three GEMMs of a linear layer in FP8 (§3.3), each
// operand quantized to E4M3 with the tiling that suits the GEMM's inner
// dimension K:
//   Fprop  y  = x · wᵀ   (K = in):     x per 1 x tile, w per block x block;
//   Dgrad  dx = dy · w   (K = out):    dy per 1 x tile, w per block x block;
//   Wgrad  dw = dyᵀ · x  (K = tokens): dy and x per tile x 1 (the activations
//          and gradients re-tiled along the tokens for this GEMM).
// The CPU has no FP8 GEMM: the kernels fake-quantize (quantize, dequantize)
// and run the FP32 GEMM, so results carry exactly the operands' quantization
// error. Gradients pass straight through the quantizers (their Jacobian
// taken as the identity): the backward GEMMs are those of `linear` on the
// quantized operands.

/// The tile width and weight block of DeepSeek-V3's recipe, E4M3.
struct FP8LinearAttrs {
  /// Activations and gradients: 1 x tile tiles along K, tile x 1 in Wgrad.
  int64_t tile = 128;
  /// Weights: block x block.
  int64_t block = 128;
  /// UE8M0 rounds every scale up to a power of two.
  numerics::ScaleFormat scaleFormat = numerics::ScaleFormat::FP32;
  /// Fprop only: x already holds FP8 values on its 1 x tile grid (an FP8
  /// dispatch delivered them), so it is read as it is.
  bool quantizedInput = false;
};

/// Quantizes [rows, cols] to E4M3 with `tile` scales and writes the
/// dequantized values (fake quantization); `out` may alias `in`.
void fakeQuantizeFP8(const float *in, float *out, int64_t rows, int64_t cols,
                     numerics::TileShape tile,
                     numerics::ScaleFormat scaleFormat);

/// Fprop: linearForward on x (1 x tile) and w (block x block).
void fp8LinearForward(const float *x, const float *w, float *y, int64_t rows,
                      int64_t in, int64_t out, const FP8LinearAttrs &attrs);
/// Dgrad: linearBackwardInput on dy (1 x tile) and w (block x block).
void fp8LinearBackwardInput(const float *dy, const float *w, float *dx,
                            int64_t rows, int64_t in, int64_t out,
                            const FP8LinearAttrs &attrs);
/// Wgrad: linearBackwardWeight (+=) on dy and x, both tile x 1.
void fp8LinearBackwardWeight(const float *dy, const float *x, float *dw,
                             int64_t rows, int64_t in, int64_t out,
                             const FP8LinearAttrs &attrs);

//===-- FP8 rows (DeepSeek-V3's FP8 dispatch) -----------------------------===//
//
// Rows [rows, cols] as they travel to the experts: E4M3 codes with one scale
// per 1 x tile tile (the rule of dsc_numerics' quantize: max(amax, 1e-4) /
// 448, rounded up to a power of two for UE8M0).

/// Where a tile's scales live: FP32 values, or UE8M0 codes (one byte each).
struct RowScales {
  float *f32 = nullptr;
  uint8_t *ue8m0 = nullptr;
};

/// Scales: [rows, ceil(cols / tile)], in the one of `scales` that is set.
void quantizeRowsFP8(const float *x, uint8_t *codes, RowScales scales,
                     int64_t rows, int64_t cols, int64_t tile);
void dequantizeRowsFP8(const uint8_t *codes, RowScales scales, float *y,
                       int64_t rows, int64_t cols, int64_t tile);

} // namespace dsc::kernels::cpu

#endif // DSC_KERNELS_CPU_DENSE_H
