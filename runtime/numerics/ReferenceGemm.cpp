//===- ReferenceGemm.cpp - reference FP8 block-scaled GEMM ----------------===//

#include "dsc/numerics/ReferenceGemm.h"
#include <algorithm>
#include <cmath>
#include <cstring>

namespace dsc::numerics {

/// Truncates `value` to `bits` mantissa bits, as a limited accumulator does.
static float truncateMantissa(float value, int bits) {
  if (bits >= 23)
    return value;
  uint32_t raw;
  std::memcpy(&raw, &value, sizeof raw);
  raw &= ~((1u << (23 - bits)) - 1);
  std::memcpy(&value, &raw, sizeof value);
  return value;
}

static std::vector<float> decodeAll(const QuantizedTensor &t) {
  std::vector<float> values(t.codes.size());
  const float *table = decodeTable(t.format);
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = table[t.codes[i]];
  return values;
}

std::vector<float> fp8Gemm(const QuantizedTensor &a, const QuantizedTensor &b,
                           const GemmOptions &options) {
  int64_t m = a.rows, n = b.rows, k = a.cols;
  std::vector<float> av = decodeAll(a), bv = decodeAll(b);
  std::vector<float> c(m * n);
  int64_t interval =
      options.promotionInterval > 0 ? options.promotionInterval : k;
  // Inside one scale block the scales are common factors and are applied at
  // promotion; an interval spanning blocks must scale every product.
  bool scaleAtPromotion =
      a.tile.cols % interval == 0 && b.tile.cols % interval == 0;
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      const float *ar = &av[i * k], *br = &bv[j * k];
      float total = 0;
      for (int64_t start = 0; start < k; start += interval) {
        int64_t end = std::min(k, start + interval);
        float partial = 0;
        for (int64_t x = start; x < end; ++x) {
          float product = ar[x] * br[x];
          if (!scaleAtPromotion)
            product *= a.scaleAt(i, x) * b.scaleAt(j, x);
          partial = truncateMantissa(partial + product,
                                     options.accumulatorMantissaBits);
        }
        if (scaleAtPromotion)
          partial *= a.scaleAt(i, start) * b.scaleAt(j, start);
        total += partial;
      }
      c[i * n + j] = total;
    }
  }
  return c;
}

std::vector<double> referenceGemm(const float *a, const float *b, int64_t m,
                                  int64_t n, int64_t k) {
  std::vector<double> c(m * n, 0.0);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double sum = 0;
      for (int64_t x = 0; x < k; ++x)
        sum += double(a[i * k + x]) * double(b[j * k + x]);
      c[i * n + j] = sum;
    }
  return c;
}

ErrorMetrics compare(const std::vector<float> &actual,
                     const std::vector<double> &expected) {
  ErrorMetrics metrics;
  double scale = 0, xy = 0, squares = 0;
  for (size_t i = 0; i < actual.size(); ++i) {
    double x = actual[i], y = expected[i];
    metrics.maxAbs = std::max(metrics.maxAbs, std::fabs(x - y));
    scale = std::max(scale, std::fabs(y));
    xy += x * y;
    squares += x * x + y * y;
  }
  metrics.maxRel = scale > 0 ? metrics.maxAbs / scale : 0;
  metrics.calcDiff = squares > 0 ? 1 - 2 * xy / squares : 0;
  return metrics;
}

} // namespace dsc::numerics
