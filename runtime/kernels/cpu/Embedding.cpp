//===- Embedding.cpp - token embedding lookup -----------------------------===//

#include "dsc/kernels/cpu/Dense.h"
#include <cstring>
#include <stdexcept>
#include <string>

namespace dsc::kernels::cpu {

static void checkIds(const int32_t *ids, int64_t tokens, int64_t vocab) {
  for (int64_t t = 0; t < tokens; ++t)
    if (ids[t] < 0 || ids[t] >= vocab)
      throw std::out_of_range("embedding: token id " + std::to_string(ids[t]) +
                              " at " + std::to_string(t) + " outside [0, " +
                              std::to_string(vocab) + ")");
}

void embeddingForward(const int32_t *ids, const float *table, float *y,
                      int64_t tokens, int64_t vocab, int64_t hidden) {
  checkIds(ids, tokens, vocab);
  for (int64_t t = 0; t < tokens; ++t)
    std::memcpy(y + t * hidden, table + int64_t(ids[t]) * hidden,
                hidden * sizeof(float));
}

void embeddingBackward(const int32_t *ids, const float *dy, float *dtable,
                       int64_t tokens, int64_t vocab, int64_t hidden) {
  checkIds(ids, tokens, vocab);
  // Token order fixes the summation order of repeated ids: deterministic.
  for (int64_t t = 0; t < tokens; ++t) {
    float *row = dtable + int64_t(ids[t]) * hidden;
    const float *g = dy + t * hidden;
    for (int64_t c = 0; c < hidden; ++c)
      row[c] += g[c];
  }
}

} // namespace dsc::kernels::cpu
