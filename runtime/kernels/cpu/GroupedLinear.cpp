//===- GroupedLinear.cpp - one GEMM per expert's row segment --------------===//

#include "Blas.h"
#include "dsc/kernels/cpu/MoE.h"
#include <stdexcept>

namespace dsc::kernels::cpu {

static void checkOffsets(const int32_t *offsets, int64_t numExperts) {
  if (offsets[0] != 0)
    throw std::invalid_argument("grouped_linear: offsets must start at 0");
  for (int64_t e = 0; e < numExperts; ++e)
    if (offsets[e + 1] < offsets[e])
      throw std::invalid_argument("grouped_linear: offsets must not decrease");
}

void groupedLinearForward(const float *x, const int32_t *offsets,
                          const float *w, float *y, int64_t numExperts,
                          int64_t in, int64_t out) {
  checkOffsets(offsets, numExperts);
  for (int64_t e = 0; e < numExperts; ++e) {
    int64_t r0 = offsets[e], n = offsets[e + 1] - r0;
    gemm(false, true, n, out, in, 1.0f, x + r0 * in, in, w + e * out * in, in,
         0.0f, y + r0 * out, out);
  }
}

void groupedLinearBackwardInput(const float *dy, const int32_t *offsets,
                                const float *w, float *dx, int64_t numExperts,
                                int64_t in, int64_t out) {
  checkOffsets(offsets, numExperts);
  for (int64_t e = 0; e < numExperts; ++e) {
    int64_t r0 = offsets[e], n = offsets[e + 1] - r0;
    gemm(false, false, n, in, out, 1.0f, dy + r0 * out, out, w + e * out * in,
         in, 0.0f, dx + r0 * in, in);
  }
}

void groupedLinearBackwardWeight(const float *dy, const float *x,
                                 const int32_t *offsets, float *dw,
                                 int64_t numExperts, int64_t in, int64_t out) {
  checkOffsets(offsets, numExperts);
  for (int64_t e = 0; e < numExperts; ++e) {
    int64_t r0 = offsets[e], n = offsets[e + 1] - r0;
    if (n == 0)
      continue; // K = 0 would still scale by beta; skip to leave dw exact
    gemm(true, false, out, in, n, 1.0f, dy + r0 * out, out, x + r0 * in, in,
         1.0f, dw + e * out * in, in);
  }
}

} // namespace dsc::kernels::cpu
