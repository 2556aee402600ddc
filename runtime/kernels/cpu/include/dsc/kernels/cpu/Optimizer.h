//===- Optimizer.h - AdamW and expert bias update ---------------*- C++ -*-===//

#ifndef DSC_KERNELS_CPU_OPTIMIZER_H
#define DSC_KERNELS_CPU_OPTIMIZER_H

#include <cstdint>

namespace dsc::kernels::cpu {

struct AdamWAttrs {
  float lr = 1e-3f;
  float beta1 = 0.9f;
  float beta2 = 0.95f;
  float eps = 1e-8f;
  float weightDecay = 0.1f;
  /// 1 for the first update (bias correction 1 - beta^step).
  int64_t step = 1;
};

/// One AdamW step in place (PyTorch's AdamW): p -= lr * wd * p (decoupled);
/// m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
/// p -= lr * (m / (1 - b1^step)) / (sqrt(v / (1 - b2^step)) + eps).
void adamwStep(float *param, const float *grad, float *m, float *v, int64_t n,
               const AdamWAttrs &attrs);
/// The same with BF16 moments (DeepSeek-V3 §3.3): read, updated in FP32,
/// stored rounded to nearest even.
void adamwStepBF16(float *param, const float *grad, uint16_t *m, uint16_t *v,
                   int64_t n, const AdamWAttrs &attrs);

/// DeepSeek-V3's auxiliary-loss-free balancing: bias[e] += gamma *
/// sign(mean(loads) - loads[e]), so overloaded experts get chosen less.
void expertBiasUpdate(float *bias, const float *loads, int64_t numExperts,
                      float gamma);

} // namespace dsc::kernels::cpu

#endif // DSC_KERNELS_CPU_OPTIMIZER_H
