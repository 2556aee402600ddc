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

/// DeepSeek-V3's FP8 GEMM inputs (§3.3): activations per 1 x `tile` tile,
/// weights per `block` x `block` block, E4M3.
struct FP8LinearAttrs {
  int64_t tile = 128;
  int64_t block = 128;
  /// UE8M0 rounds every scale up to a power of two.
  numerics::ScaleFormat scaleFormat = numerics::ScaleFormat::FP32;
};

/// Quantizes [rows, cols] to E4M3 with `tile` scales and writes the
/// dequantized values (fake quantization); `out` may alias `in`.
void fakeQuantizeFP8(const float *in, float *out, int64_t rows, int64_t cols,
                     numerics::TileShape tile,
                     numerics::ScaleFormat scaleFormat);

/// linearForward on fake-quantized x (1 x tile) and w (block x block).
void fp8LinearForward(const float *x, const float *w, float *y, int64_t rows,
                      int64_t in, int64_t out, const FP8LinearAttrs &attrs);
/// Straight-through: linearBackwardInput with the dequantized w.
void fp8LinearBackwardInput(const float *dy, const float *w, float *dx,
                            int64_t rows, int64_t in, int64_t out,
                            const FP8LinearAttrs &attrs);
/// Straight-through: linearBackwardWeight with the dequantized x (+=).
void fp8LinearBackwardWeight(const float *dy, const float *x, float *dw,
                             int64_t rows, int64_t in, int64_t out,
                             const FP8LinearAttrs &attrs);

} // namespace dsc::kernels::cpu

#endif // DSC_KERNELS_CPU_DENSE_H
