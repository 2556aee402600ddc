//===- Blas.h - the OpenBLAS GEMM the kernels use (private) ---------------===//

#ifndef DSC_KERNELS_CPU_BLAS_H
#define DSC_KERNELS_CPU_BLAS_H

#include <cblas.h>
#include <cstdint>
#include <limits>
#include <stdexcept>

namespace dsc::kernels::cpu {

inline blasint blasSize(int64_t value) {
  if (value < 0 || value > std::numeric_limits<blasint>::max())
    throw std::invalid_argument("dsc cpu kernels: GEMM size out of range");
  return static_cast<blasint>(value);
}

/// Row-major C [m, n] = alpha * op(A) op(B) + beta * C, op(X) = X or X^T;
/// lda/ldb/ldc are row strides in elements.
inline void gemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k,
                 float alpha, const float *a, int64_t lda, const float *b,
                 int64_t ldb, float beta, float *c, int64_t ldc) {
  if (m == 0 || n == 0)
    return;
  cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans,
              transB ? CblasTrans : CblasNoTrans, blasSize(m), blasSize(n),
              blasSize(k), alpha, a, blasSize(lda), b, blasSize(ldb), beta, c,
              blasSize(ldc));
}

} // namespace dsc::kernels::cpu

#endif // DSC_KERNELS_CPU_BLAS_H
