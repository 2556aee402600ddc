//===- Dispatch.cpp - group token copies by expert, combine them back -----===//

#include "Parallel.h"
#include "dsc/kernels/cpu/MoE.h"
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace dsc::kernels::cpu {

void dispatchLayout(const int32_t *experts, int32_t *positions,
                    int32_t *offsets, int64_t tokens, int64_t k,
                    int64_t numExperts) {
  int64_t copies = tokens * k;
  if (copies > std::numeric_limits<int32_t>::max())
    throw std::invalid_argument("dispatch: more rows than int32 offsets hold");
  // Counting sort: stable, so each expert's rows stay in (token, slot) order.
  std::vector<int64_t> next(numExperts + 1, 0);
  for (int64_t i = 0; i < copies; ++i) {
    int32_t e = experts[i];
    if (e < 0 || e >= numExperts)
      throw std::out_of_range("dispatch: expert id " + std::to_string(e) +
                              " outside [0, " + std::to_string(numExperts) +
                              ")");
    ++next[e + 1];
  }
  for (int64_t e = 0; e < numExperts; ++e)
    next[e + 1] += next[e];
  for (int64_t e = 0; e <= numExperts; ++e)
    offsets[e] = int32_t(next[e]);
  for (int64_t i = 0; i < copies; ++i)
    positions[i] = int32_t(next[experts[i]]++);
}

static std::vector<int32_t> layout(const int32_t *experts, int32_t *offsets,
                                   int64_t tokens, int64_t k,
                                   int64_t numExperts) {
  std::vector<int32_t> positions(tokens * k);
  std::vector<int32_t> scratch;
  if (!offsets) {
    scratch.resize(numExperts + 1);
    offsets = scratch.data();
  }
  dispatchLayout(experts, positions.data(), offsets, tokens, k, numExperts);
  return positions;
}

void dispatchForward(const float *x, const int32_t *experts, float *rows,
                     int32_t *offsets, int64_t tokens, int64_t hidden,
                     int64_t k, int64_t numExperts) {
  std::vector<int32_t> pos = layout(experts, offsets, tokens, k, numExperts);
  for (int64_t t = 0; t < tokens; ++t)
    for (int64_t j = 0; j < k; ++j)
      std::memcpy(rows + int64_t(pos[t * k + j]) * hidden, x + t * hidden,
                  hidden * sizeof(float));
}

void dispatchBackward(const float *drows, const int32_t *experts, float *dx,
                      int64_t tokens, int64_t hidden, int64_t k,
                      int64_t numExperts) {
  std::vector<int32_t> pos = layout(experts, nullptr, tokens, k, numExperts);
  // Each token sums its own k rows in slot order: tokens are independent.
  parallelFor(tokens, 256, [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) {
      float *d = dx + t * hidden;
      std::memset(d, 0, hidden * sizeof(float));
      for (int64_t j = 0; j < k; ++j) {
        const float *src = drows + int64_t(pos[t * k + j]) * hidden;
        for (int64_t c = 0; c < hidden; ++c)
          d[c] += src[c];
      }
    }
  });
}

void combineForward(const float *rows, const float *weights,
                    const int32_t *experts, float *y, int64_t tokens,
                    int64_t hidden, int64_t k, int64_t numExperts) {
  std::vector<int32_t> pos = layout(experts, nullptr, tokens, k, numExperts);
  parallelFor(tokens, 256, [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) {
      float *out = y + t * hidden;
      std::memset(out, 0, hidden * sizeof(float));
      for (int64_t j = 0; j < k; ++j) {
        const float *src = rows + int64_t(pos[t * k + j]) * hidden;
        float w = weights[t * k + j];
        for (int64_t c = 0; c < hidden; ++c)
          out[c] += w * src[c];
      }
    }
  });
}

void combineBackward(const float *dy, const float *rows, const float *weights,
                     const int32_t *experts, float *drows, float *dweights,
                     int64_t tokens, int64_t hidden, int64_t k,
                     int64_t numExperts) {
  std::vector<int32_t> pos = layout(experts, nullptr, tokens, k, numExperts);
  parallelFor(tokens, 256, [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) {
      const float *g = dy + t * hidden;
      for (int64_t j = 0; j < k; ++j) {
        int64_t row = pos[t * k + j];
        if (drows) {
          float w = weights[t * k + j];
          float *d = drows + row * hidden;
          for (int64_t c = 0; c < hidden; ++c)
            d[c] = w * g[c];
        }
        if (dweights) {
          const float *src = rows + row * hidden;
          double dot = 0;
          for (int64_t c = 0; c < hidden; ++c)
            dot += double(g[c]) * src[c];
          dweights[t * k + j] = float(dot);
        }
      }
    }
  });
}

} // namespace dsc::kernels::cpu
