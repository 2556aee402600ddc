//===- ReferenceGemm.h - reference FP8 block-scaled GEMM --------*- C++ -*-===//
//
// C[M, N] = (A * sA)(B * sB)^T in DeepGEMM's layout: A [M, K] quantized per
// 1 x 128 tile (scales [M, K/128]), B [N, K] per 128 x 128 block (scales
// [N/128, K/128]). Tensor cores accumulate FP8 products with a limited
// mantissa (about 14 bits on H800); DeepSeek-V3 (§3.3) promotes the partial
// sum to FP32 on CUDA cores every N_C = 128 elements of K and applies the
// scales there. Both behaviours are modelled, to reproduce the error the
// paper reports without promotion.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_NUMERICS_REFERENCEGEMM_H
#define DSC_NUMERICS_REFERENCEGEMM_H

#include "dsc/numerics/BlockQuantize.h"
#include <vector>

namespace dsc::numerics {

struct GemmOptions {
  /// Elements of K accumulated before promotion to FP32; 0 never promotes
  /// (the whole K in the limited accumulator).
  int64_t promotionInterval = 128;
  /// Mantissa bits the accumulator keeps between promotions (truncated);
  /// 23 is an exact FP32 accumulator.
  int accumulatorMantissaBits = 14;
};

/// FP8 GEMM of quantized A [M, K] and B [N, K]; FP32 result [M, N].
std::vector<float> fp8Gemm(const QuantizedTensor &a, const QuantizedTensor &b,
                           const GemmOptions &options = {});

/// C = A B^T in FP64 for A [M, K], B [N, K].
std::vector<double> referenceGemm(const float *a, const float *b, int64_t m,
                                  int64_t n, int64_t k);

struct ErrorMetrics {
  double maxAbs = 0;
  /// max |x - y| / max |y|: error relative to the output's magnitude.
  double maxRel = 0;
  /// DeepGEMM's 1 - 2 sum(xy) / sum(x^2 + y^2).
  double calcDiff = 0;
};

ErrorMetrics compare(const std::vector<float> &actual,
                     const std::vector<double> &expected);

} // namespace dsc::numerics

#endif // DSC_NUMERICS_REFERENCEGEMM_H
