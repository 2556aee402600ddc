//===- AdamW.cpp - AdamW step and expert bias update ----------------------===//

#include "Parallel.h"
#include "dsc/kernels/cpu/Optimizer.h"
#include "dsc/kernels/cpu/Tensor.h"
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace dsc::kernels::cpu {

namespace {

/// The per-step constants of the update.
struct AdamWCoefficients {
  float lr, beta1, beta2, eps, decay;
  float correction1, correction2; // 1 - beta^step
};

AdamWCoefficients coefficients(const AdamWAttrs &a) {
  if (a.step < 1)
    throw std::invalid_argument("adamw: step counts from 1");
  return {a.lr,
          a.beta1,
          a.beta2,
          a.eps,
          1.0f - a.lr * a.weightDecay,
          float(1.0 - std::pow(double(a.beta1), double(a.step))),
          float(1.0 - std::pow(double(a.beta2), double(a.step)))};
}

/// Updates one parameter and its moments (FP32 math, whatever the storage).
inline void update(float &p, float g, float &m, float &v,
                   const AdamWCoefficients &c) {
  p *= c.decay;
  m = c.beta1 * m + (1.0f - c.beta1) * g;
  v = c.beta2 * v + (1.0f - c.beta2) * g * g;
  float mHat = m / c.correction1;
  float vHat = v / c.correction2;
  p -= c.lr * mHat / (std::sqrt(vHat) + c.eps);
}

} // namespace

// Elementwise, so splitting over the threads changes no bit; on the tiny
// model the optimizer is a third of a step.
constexpr int64_t kAdamWGrain = 1 << 16;

void adamwStep(float *param, const float *grad, float *m, float *v, int64_t n,
               const AdamWAttrs &attrs) {
  AdamWCoefficients c = coefficients(attrs);
  parallelFor(n, kAdamWGrain, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      update(param[i], grad[i], m[i], v[i], c);
  });
}

void adamwStepBF16(float *param, const float *grad, uint16_t *m, uint16_t *v,
                   int64_t n, const AdamWAttrs &attrs) {
  AdamWCoefficients c = coefficients(attrs);
  parallelFor(n, kAdamWGrain, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      float mi = bf16ToFloat(m[i]), vi = bf16ToFloat(v[i]);
      update(param[i], grad[i], mi, vi, c);
      m[i] = floatToBF16(mi);
      v[i] = floatToBF16(vi);
    }
  });
}

void expertBiasUpdate(float *bias, const float *loads, int64_t numExperts,
                      float gamma) {
  if (numExperts <= 0)
    return;
  double mean =
      std::accumulate(loads, loads + numExperts, 0.0) / double(numExperts);
  for (int64_t e = 0; e < numExperts; ++e) {
    double gap = mean - double(loads[e]);
    float sign = gap > 0 ? 1.0f : (gap < 0 ? -1.0f : 0.0f);
    bias[e] += gamma * sign;
  }
}

} // namespace dsc::kernels::cpu
