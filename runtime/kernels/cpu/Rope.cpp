//===- Rope.cpp - rotary position embedding with YaRN ---------------------===//

#include "dsc/kernels/cpu/Attention.h"
#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace dsc::kernels::cpu {

static constexpr double kPi = 3.14159265358979323846;

double yarnMscale(double factor, double mscale) {
  return factor <= 1.0 ? 1.0 : 0.1 * mscale * std::log(factor) + 1.0;
}

std::vector<double> ropeFrequencies(const RopeAttrs &attrs) {
  int64_t dim = attrs.ropeDim;
  double theta = attrs.theta;
  std::vector<double> freqs(dim / 2);
  for (int64_t i = 0; i < dim / 2; ++i)
    freqs[i] = std::pow(theta, -double(2 * i) / double(dim));
  if (attrs.factor <= 1.0f)
    return freqs;
  // YaRN: the pair index whose wavelength fits `rotations` turns into the
  // original context; pairs rotating faster than betaFast turns keep their
  // frequency, slower than betaSlow are interpolated by 1/factor, a linear
  // ramp between (bounds floored/ceiled and clamped as DeepSeek-V3 does).
  auto correctionDim = [&](double rotations) {
    return dim *
           std::log(double(attrs.originalMaxPositions) /
                    (rotations * 2 * kPi)) /
           (2 * std::log(theta));
  };
  double low = std::max(std::floor(correctionDim(attrs.betaFast)), 0.0);
  double high =
      std::min(std::ceil(correctionDim(attrs.betaSlow)), double(dim - 1));
  if (low == high)
    high += 0.001; // avoid a zero-width ramp
  for (int64_t i = 0; i < dim / 2; ++i) {
    double ramp = std::clamp((double(i) - low) / (high - low), 0.0, 1.0);
    // ramp 0: extrapolate (keep), ramp 1: interpolate (divide by factor).
    freqs[i] = freqs[i] * (1.0 - ramp) + freqs[i] / attrs.factor * ramp;
  }
  return freqs;
}

namespace {

/// cos and sin (times YaRN's scale) per position in a sequence and pair.
struct RopeTable {
  int64_t pairs;
  std::vector<float> cos, sin;
};

RopeTable makeTable(int64_t headDim, const RopeAttrs &attrs) {
  if (attrs.seq <= 0)
    throw std::invalid_argument("rope: seq must be positive");
  if (attrs.ropeDim < 0 || attrs.ropeDim % 2 != 0 || attrs.ropeDim > headDim)
    throw std::invalid_argument(
        "rope: rope_dim must be even and at most the head dimension");
  std::vector<double> freqs = ropeFrequencies(attrs);
  double scale = yarnMscale(attrs.factor, attrs.mscale) /
                 yarnMscale(attrs.factor, attrs.mscaleAllDim);
  RopeTable table{attrs.ropeDim / 2, {}, {}};
  table.cos.resize(attrs.seq * table.pairs);
  table.sin.resize(attrs.seq * table.pairs);
  for (int64_t p = 0; p < attrs.seq; ++p)
    for (int64_t i = 0; i < table.pairs; ++i) {
      double angle = double(p) * freqs[i];
      table.cos[p * table.pairs + i] = float(std::cos(angle) * scale);
      table.sin[p * table.pairs + i] = float(std::sin(angle) * scale);
    }
  return table;
}

/// Rotates every head's pairs by +angle (forward) or applies the transpose
/// (backward: -angle).
void rotate(const float *in, float *out, int64_t tokens, int64_t heads,
            int64_t headDim, const RopeAttrs &attrs, bool transpose) {
  RopeTable table = makeTable(headDim, attrs);
  int64_t pass = headDim - attrs.ropeDim;
  float sign = transpose ? -1.0f : 1.0f;
  for (int64_t t = 0; t < tokens; ++t) {
    const float *c = &table.cos[(t % attrs.seq) * table.pairs];
    const float *s = &table.sin[(t % attrs.seq) * table.pairs];
    for (int64_t h = 0; h < heads; ++h) {
      const float *x = in + (t * heads + h) * headDim;
      float *y = out + (t * heads + h) * headDim;
      if (x != y)
        std::memcpy(y, x, pass * sizeof(float));
      for (int64_t i = 0; i < table.pairs; ++i) {
        float x0 = x[pass + 2 * i], x1 = x[pass + 2 * i + 1];
        float si = sign * s[i];
        y[pass + 2 * i] = x0 * c[i] - x1 * si;
        y[pass + 2 * i + 1] = x0 * si + x1 * c[i];
      }
    }
  }
}

} // namespace

void ropeForward(const float *x, float *y, int64_t tokens, int64_t heads,
                 int64_t headDim, const RopeAttrs &attrs) {
  rotate(x, y, tokens, heads, headDim, attrs, /*transpose=*/false);
}

void ropeBackward(const float *dy, float *dx, int64_t tokens, int64_t heads,
                  int64_t headDim, const RopeAttrs &attrs) {
  rotate(dy, dx, tokens, heads, headDim, attrs, /*transpose=*/true);
}

} // namespace dsc::kernels::cpu
