//===- CrossEntropy.cpp - mean token cross-entropy over FP32 logits -------===//

#include "Parallel.h"
#include "dsc/kernels/cpu/Loss.h"
#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace dsc::kernels::cpu {

namespace {

/// Checks the labels; returns how many count.
int64_t countLabels(const int32_t *labels, int64_t tokens, int64_t vocab) {
  int64_t count = 0;
  for (int64_t t = 0; t < tokens; ++t) {
    if (labels[t] == kIgnoreLabel)
      continue;
    if (labels[t] < 0 || labels[t] >= vocab)
      throw std::out_of_range(
          "cross_entropy: label " + std::to_string(labels[t]) + " at " +
          std::to_string(t) + " outside [0, " + std::to_string(vocab) + ")");
    ++count;
  }
  return count;
}

/// Max and log-sum-exp of one row, the sum in FP64.
void rowLse(const float *row, int64_t vocab, float &maxLogit, double &lse) {
  maxLogit = *std::max_element(row, row + vocab);
  double sum = 0;
  for (int64_t c = 0; c < vocab; ++c)
    sum += std::exp(double(row[c] - maxLogit));
  lse = double(maxLogit) + std::log(sum);
}

// Rows per thread: a vocabulary row is already long.
constexpr int64_t kRowGrain = 8;

} // namespace

int64_t crossEntropyForward(const float *logits, const int32_t *labels,
                            float *loss, int64_t tokens, int64_t vocab,
                            float weight) {
  int64_t count = countLabels(labels, tokens, vocab);
  std::vector<double> nll(tokens, 0.0);
  parallelFor(tokens, kRowGrain, [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) {
      if (labels[t] == kIgnoreLabel)
        continue;
      const float *row = logits + t * vocab;
      float maxLogit;
      double lse;
      rowLse(row, vocab, maxLogit, lse);
      nll[t] = lse - double(row[labels[t]]);
    }
  });
  double total = 0; // in token order: independent of the thread split
  for (double value : nll)
    total += value;
  *loss = count ? float(double(weight) * total / double(count)) : 0.0f;
  return count;
}

void crossEntropyBackward(const float *logits, const int32_t *labels,
                          float *dlogits, int64_t tokens, int64_t vocab,
                          float weight) {
  int64_t count = countLabels(labels, tokens, vocab);
  double scale = count ? double(weight) / double(count) : 0.0;
  parallelFor(tokens, kRowGrain, [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) {
      float *d = dlogits + t * vocab;
      if (labels[t] == kIgnoreLabel) {
        std::memset(d, 0, vocab * sizeof(float));
        continue;
      }
      const float *row = logits + t * vocab;
      float maxLogit;
      double lse;
      rowLse(row, vocab, maxLogit, lse);
      for (int64_t c = 0; c < vocab; ++c)
        d[c] = float(scale * std::exp(double(row[c]) - lse));
      d[labels[t]] =
          float(scale * (std::exp(double(row[labels[t]]) - lse) - 1.0));
    }
  });
}

} // namespace dsc::kernels::cpu
