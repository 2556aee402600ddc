//===- ReferenceGemmTest.cpp - reference FP8 block-scaled GEMM ------------===//

#include "dsc/numerics/ReferenceGemm.h"
#include "gtest/gtest.h"
#include <random>

using namespace dsc::numerics;

namespace {

std::vector<float> randomMatrix(int64_t rows, int64_t cols, unsigned seed) {
  std::vector<float> x(rows * cols);
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  for (float &v : x)
    v = normal(rng);
  return x;
}

/// calc_diff of the promoted FP8 GEMM against FP64 on the unquantized data.
ErrorMetrics promotedError(int64_t m, int64_t n, int64_t k) {
  std::vector<float> a = randomMatrix(m, k, 1), b = randomMatrix(n, k, 2);
  QuantizedTensor qa = quantize(a.data(), m, k, {1, 128});
  QuantizedTensor qb = quantize(b.data(), n, k, {128, 128});
  return compare(fp8Gemm(qa, qb), referenceGemm(a.data(), b.data(), m, n, k));
}

// DeepSeek-V3's GEMM shapes (K kept, M and N scaled down for a CPU).
TEST(ReferenceGemm, PromotedMatchesFP64) {
  for (auto [k, n] :
       {std::pair<int64_t, int64_t>{7168, 2112}, {1536, 24576}, {2048, 7168}}) {
    ErrorMetrics error = promotedError(64, 32, k);
    EXPECT_LT(error.calcDiff, 1e-3) << "K " << k << " (N " << n << ")";
  }
  // Ragged M and N (not multiples of 128).
  EXPECT_LT(promotedError(77, 130, 512).calcDiff, 1e-3);
}

// Without promotion a 14-bit accumulator loses more the longer K is; with
// promotion every 128 elements it stays tiny. Measured against FP64 on the
// dequantized inputs, so only the accumulation error remains.
TEST(ReferenceGemm, ErrorGrowsWithKWithoutPromotion) {
  double previous = 0;
  for (int64_t k : {512, 2048, 8192}) {
    std::vector<float> a(16 * k), b(16 * k);
    std::mt19937 rng(k);
    std::uniform_real_distribution<float> uniform(0, 1);
    for (float &v : a)
      v = uniform(rng);
    for (float &v : b)
      v = uniform(rng);
    QuantizedTensor qa = quantize(a.data(), 16, k, {1, 128});
    QuantizedTensor qb = quantize(b.data(), 16, k, {128, 128});
    std::vector<float> da = dequantize(qa), db = dequantize(qb);
    std::vector<double> exact = referenceGemm(da.data(), db.data(), 16, 16, k);
    GemmOptions none;
    none.promotionInterval = 0;
    double unpromoted = compare(fp8Gemm(qa, qb, none), exact).maxRel;
    double promoted = compare(fp8Gemm(qa, qb), exact).maxRel;
    EXPECT_GT(unpromoted, 2 * previous) << "K " << k;
    EXPECT_GT(unpromoted, 10 * promoted) << "K " << k;
    EXPECT_LT(promoted, 1e-3) << "K " << k;
    previous = unpromoted;
  }
  EXPECT_GT(previous, 0.01); // percent-level at long K, as V3 §3.3 reports
}

TEST(ReferenceGemm, ExactAccumulatorIsFP32) {
  std::vector<float> a = randomMatrix(4, 256, 3), b = randomMatrix(4, 256, 4);
  QuantizedTensor qa = quantize(a.data(), 4, 256, {1, 128});
  QuantizedTensor qb = quantize(b.data(), 4, 256, {128, 128});
  GemmOptions exact;
  exact.accumulatorMantissaBits = 23;
  // Against FP64 on the dequantized inputs, only FP32 rounding remains.
  std::vector<float> da = dequantize(qa), db = dequantize(qb);
  ErrorMetrics error = compare(fp8Gemm(qa, qb, exact),
                               referenceGemm(da.data(), db.data(), 4, 4, 256));
  EXPECT_LT(error.maxRel, 1e-5);
}

} // namespace
