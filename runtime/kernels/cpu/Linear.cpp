//===- Linear.cpp - y = x w^T and its input/weight gradients --------------===//

#include "Blas.h"
#include "dsc/kernels/cpu/Dense.h"

namespace dsc::kernels::cpu {

void linearForward(const float *x, const float *w, float *y, int64_t rows,
                   int64_t in, int64_t out) {
  gemm(false, true, rows, out, in, 1.0f, x, in, w, in, 0.0f, y, out);
}

void linearBackwardInput(const float *dy, const float *w, float *dx,
                         int64_t rows, int64_t in, int64_t out) {
  gemm(false, false, rows, in, out, 1.0f, dy, out, w, in, 0.0f, dx, in);
}

void linearBackwardWeight(const float *dy, const float *x, float *dw,
                          int64_t rows, int64_t in, int64_t out) {
  // beta = 1 accumulates over micro-batches (and zero-bubble deferrals).
  gemm(true, false, out, in, rows, 1.0f, dy, out, x, in, 1.0f, dw, in);
}

} // namespace dsc::kernels::cpu
