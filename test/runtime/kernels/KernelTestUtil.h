//===- KernelTestUtil.h - random data and finite-difference checks --------===//
//
// Every backward kernel is checked against central differences of the scalar
// loss L = sum(dy * y) for a random dy, evaluated with the FP32 forward kernel
// and summed in FP64. With h around 1e-2 the truncation error is O(h^2) and
// the FP32 rounding noise about 1e-7 * sum|dy y| / h, so small shapes agree
// to a few 1e-3.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_TEST_RUNTIME_KERNELS_KERNELTESTUTIL_H
#define DSC_TEST_RUNTIME_KERNELS_KERNELTESTUTIL_H

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <random>
#include <vector>

namespace dsc::kernels::cpu::test {

inline std::vector<float> randomVector(int64_t n, uint32_t seed,
                                       float lo = -1.0f, float hi = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> values(n);
  for (float &value : values)
    value = dist(rng);
  return values;
}

inline std::vector<float> randomNormalVector(int64_t n, uint32_t seed,
                                             float stddev = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, stddev);
  std::vector<float> values(n);
  for (float &value : values)
    value = dist(rng);
  return values;
}

/// ||actual - expected|| / ||expected|| (Euclidean norms, in FP64).
inline double relativeError(const std::vector<float> &actual,
                            const std::vector<float> &expected) {
  double diff = 0, norm = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    double d = double(actual[i]) - expected[i];
    diff += d * d;
    norm += double(expected[i]) * expected[i];
  }
  return std::sqrt(diff / norm);
}

/// sum(a * b) in FP64.
inline double dot(const std::vector<float> &a, const std::vector<float> &b) {
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i)
    sum += double(a[i]) * b[i];
  return sum;
}

inline bool bitEqual(const std::vector<float> &a, const std::vector<float> &b) {
  return a.size() == b.size() &&
         std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

struct FDOptions {
  double h = 1e-2;
  double atol = 2e-3;
  double rtol = 1e-2;
};

/// Compares `analytic` with central differences of `loss` over every element
/// of `x` (perturbed in place and restored).
inline void expectMatchesFiniteDifferences(std::vector<float> &x,
                                           const std::vector<float> &analytic,
                                           const std::function<double()> &loss,
                                           const char *what,
                                           FDOptions options = {}) {
  ASSERT_EQ(x.size(), analytic.size()) << what;
  int failures = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    float saved = x[i];
    x[i] = float(saved + options.h);
    double plus = loss();
    x[i] = float(saved - options.h);
    double minus = loss();
    double step =
        double(float(saved + options.h)) - double(float(saved - options.h));
    x[i] = saved;
    double numeric = (plus - minus) / step;
    double tolerance = options.atol + options.rtol * std::fabs(numeric);
    if (std::fabs(numeric - analytic[i]) > tolerance && failures++ < 5)
      ADD_FAILURE() << what << "[" << i << "]: analytic " << analytic[i]
                    << " vs finite differences " << numeric;
  }
  EXPECT_EQ(failures, 0) << what << ": elements off";
}

} // namespace dsc::kernels::cpu::test

#endif // DSC_TEST_RUNTIME_KERNELS_KERNELTESTUTIL_H
