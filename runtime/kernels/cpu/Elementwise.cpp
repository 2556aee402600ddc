//===- Elementwise.cpp - swiglu and add -----------------------------------===//

#include "dsc/kernels/cpu/Elementwise.h"
#include <cmath>
#include <cstring>

namespace dsc::kernels::cpu {

static float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

void swigluForward(const float *gate, const float *up, float *y, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    y[i] = gate[i] * sigmoid(gate[i]) * up[i];
}

void swigluBackward(const float *dy, const float *gate, const float *up,
                    float *dgate, float *dup, int64_t n) {
  // silu'(g) = sig(g) (1 + g (1 - sig(g))).
  for (int64_t i = 0; i < n; ++i) {
    float g = gate[i], s = sigmoid(g);
    float silu = g * s;
    if (dgate)
      dgate[i] = dy[i] * up[i] * s * (1.0f + g * (1.0f - s));
    if (dup)
      dup[i] = dy[i] * silu;
  }
}

void addForward(const float *a, const float *b, float *y, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    y[i] = a[i] + b[i];
}

void addBackward(const float *dy, float *da, float *db, int64_t n) {
  for (float *d : {da, db})
    if (d && d != dy)
      std::memcpy(d, dy, n * sizeof(float));
}

} // namespace dsc::kernels::cpu
