//===- Attention.h - RoPE (with YaRN) and causal attention ------*- C++ -*-===//
//
// Token-major [T, heads, d] tensors; T = micro-batch x seq tokens, split into
// sequences of `seq` tokens: positions restart at 0 every `seq` tokens and
// attention is causal within each sequence.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_KERNELS_CPU_ATTENTION_H
#define DSC_KERNELS_CPU_ATTENTION_H

#include <cstdint>
#include <vector>

namespace dsc::kernels::cpu {

//===-- rope --------------------------------------------------------------===//

/// RoPE over the last `ropeDim` channels of every head, rotating interleaved
/// pairs (2i, 2i+1) by position * freq_i, freq_i = theta^(-2i / ropeDim).
/// With factor > 1, YaRN as DeepSeek-V3 defines it: frequencies interpolated
/// by 1/factor below the correction range of (betaFast, betaSlow) rotations
/// over originalMaxPositions, linearly ramped inside it, and cos/sin scaled by
/// yarnMscale(factor, mscale) / yarnMscale(factor, mscaleAllDim). factor <= 1
/// is plain RoPE.
struct RopeAttrs {
  int64_t seq = 0;
  int64_t ropeDim = 0;
  float theta = 10000.0f;
  float factor = 1.0f;
  int64_t originalMaxPositions = 4096;
  float betaFast = 32.0f;
  float betaSlow = 1.0f;
  float mscale = 1.0f;
  float mscaleAllDim = 0.0f;
};

/// YaRN's attention temperature: 0.1 * mscale * ln(factor) + 1, or 1 for
/// factor <= 1. The softmax scale of MLA is (d_qk)^-0.5 * yarnMscale(factor,
/// mscale_all_dim)^2 (DeepSeek-V3: 0.13523); the caller passes it to
/// attention as `scale`.
double yarnMscale(double factor, double mscale);

/// The ropeDim / 2 frequencies (radians per position) after YaRN.
std::vector<double> ropeFrequencies(const RopeAttrs &attrs);

/// y = rope(x) for x, y [tokens, heads, headDim]; the first headDim - ropeDim
/// channels are copied. y may alias x.
void ropeForward(const float *x, float *y, int64_t tokens, int64_t heads,
                 int64_t headDim, const RopeAttrs &attrs);
/// dx = R^T dy, the inverse rotation (times the YaRN cos/sin scale). dx may
/// alias dy.
void ropeBackward(const float *dy, float *dx, int64_t tokens, int64_t heads,
                  int64_t headDim, const RopeAttrs &attrs);

//===-- attention ---------------------------------------------------------===//

struct AttentionAttrs {
  int64_t seq = 0;
  float scale = 1.0f;
};

/// o [T, heads, vDim] = softmax(scale * q k^T, causal per sequence) v for q, k
/// [T, heads, qkDim], v [T, heads, vDim]; lse [T, heads] is the logsumexp of
/// each softmax row (of the scaled scores), saved for the backward.
void attentionForward(const float *q, const float *k, const float *v, float *o,
                      float *lse, int64_t tokens, int64_t heads, int64_t qkDim,
                      int64_t vDim, const AttentionAttrs &attrs);
/// dq, dk, dv (written) from dO; recomputes the probabilities from lse.
void attentionBackward(const float *dout, const float *q, const float *k,
                       const float *v, const float *o, const float *lse,
                       float *dq, float *dk, float *dv, int64_t tokens,
                       int64_t heads, int64_t qkDim, int64_t vDim,
                       const AttentionAttrs &attrs);

} // namespace dsc::kernels::cpu

#endif // DSC_KERNELS_CPU_ATTENTION_H
