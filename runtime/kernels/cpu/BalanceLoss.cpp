//===- BalanceLoss.cpp - DeepSeek-V3's sequence-wise balance loss ---------===//
//
// Each sequence is independent: its expert counts give f, its normalised
// scores P. Sequences run in parallel and their losses are summed in
// sequence order, so the result does not depend on the thread count.
//
//===----------------------------------------------------------------------===//

#include "Parallel.h"
#include "RouterScores.h"
#include "dsc/kernels/cpu/MoE.h"
#include <stdexcept>
#include <string>
#include <vector>

namespace dsc::kernels::cpu {

namespace {

/// The number of sequences; throws on shapes or expert ids that do not fit.
int64_t checkShapes(const int32_t *experts, int64_t tokens, int64_t numExperts,
                    int64_t k, const BalanceLossAttrs &a) {
  auto fail = [](const std::string &what) {
    throw std::invalid_argument("balance_loss: " + what);
  };
  if (numExperts < 1 || k < 1 || k > numExperts)
    fail("k must lie in [1, experts]");
  if (a.seqLen < 1 || tokens % a.seqLen != 0)
    fail(std::to_string(tokens) + " tokens are not whole sequences of " +
         std::to_string(a.seqLen));
  for (int64_t i = 0; i < tokens * k; ++i)
    if (experts[i] < 0 || experts[i] >= numExperts)
      throw std::out_of_range("balance_loss: expert id " +
                              std::to_string(experts[i]) + " outside [0, " +
                              std::to_string(numExperts) + ")");
  return tokens / a.seqLen;
}

/// f [E] of the sequence starting at token `first`: E / (k T) x the tokens
/// that chose each expert.
void expertFractions(const int32_t *experts, int64_t first, int64_t numExperts,
                     int64_t k, int64_t seqLen, std::vector<double> &f) {
  f.assign(numExperts, 0.0);
  for (int64_t i = first * k; i < (first + seqLen) * k; ++i)
    f[experts[i]] += 1.0;
  double scale = double(numExperts) / double(k * seqLen);
  for (double &value : f)
    value *= scale;
}

/// s'_t = s_t / sum_j s_{j,t} of one token; returns the sum.
double normalisedScores(const float *logits, std::vector<float> &s,
                        std::vector<double> &normalised, int64_t numExperts,
                        ScoringFunc scoring) {
  scoreRow(logits, s.data(), numExperts, scoring);
  double sum = 0;
  for (int64_t e = 0; e < numExperts; ++e)
    sum += s[e];
  for (int64_t e = 0; e < numExperts; ++e)
    normalised[e] = s[e] / sum;
  return sum;
}

} // namespace

void balanceLossForward(const float *logits, const int32_t *experts,
                        float *loss, int64_t tokens, int64_t numExperts,
                        int64_t k, const BalanceLossAttrs &attrs) {
  int64_t sequences = checkShapes(experts, tokens, numExperts, k, attrs);
  int64_t seqLen = attrs.seqLen;
  std::vector<double> perSequence(sequences, 0.0);
  parallelFor(sequences, 1, [&](int64_t begin, int64_t end) {
    std::vector<double> f, p(numExperts), normalised(numExperts);
    std::vector<float> s(numExperts);
    for (int64_t b = begin; b < end; ++b) {
      int64_t first = b * seqLen;
      expertFractions(experts, first, numExperts, k, seqLen, f);
      std::fill(p.begin(), p.end(), 0.0);
      for (int64_t t = first; t < first + seqLen; ++t) {
        normalisedScores(logits + t * numExperts, s, normalised, numExperts,
                         attrs.scoring);
        for (int64_t e = 0; e < numExperts; ++e)
          p[e] += normalised[e];
      }
      double sum = 0;
      for (int64_t e = 0; e < numExperts; ++e)
        sum += f[e] * p[e] / double(seqLen);
      perSequence[b] = sum;
    }
  });
  double total = 0;
  for (double value : perSequence)
    total += value;
  *loss = sequences ? float(double(attrs.weight) * total / double(sequences))
                    : 0.0f;
}

void balanceLossBackward(const float *logits, const int32_t *experts,
                         float *dlogits, int64_t tokens, int64_t numExperts,
                         int64_t k, const BalanceLossAttrs &attrs) {
  int64_t sequences = checkShapes(experts, tokens, numExperts, k, attrs);
  int64_t seqLen = attrs.seqLen;
  if (sequences == 0)
    return;
  // dL/ds'_{i,t} = g_i = weight / (sequences T) x f_i; through s' = s / Z:
  // dL/ds_{j,t} = (g_j - sum_i g_i s'_{i,t}) / Z.
  double scale = double(attrs.weight) / double(sequences * seqLen);
  parallelFor(sequences, 1, [&](int64_t begin, int64_t end) {
    std::vector<double> f, normalised(numExperts), ds(numExperts);
    std::vector<float> s(numExperts);
    for (int64_t b = begin; b < end; ++b) {
      int64_t first = b * seqLen;
      expertFractions(experts, first, numExperts, k, seqLen, f);
      for (int64_t t = first; t < first + seqLen; ++t) {
        double z = normalisedScores(logits + t * numExperts, s, normalised,
                                    numExperts, attrs.scoring);
        double mean = 0;
        for (int64_t e = 0; e < numExperts; ++e)
          mean += scale * f[e] * normalised[e];
        for (int64_t e = 0; e < numExperts; ++e)
          ds[e] = (scale * f[e] - mean) / z;
        scoreBackwardRow(ds.data(), s.data(), dlogits + t * numExperts,
                         numExperts, attrs.scoring);
      }
    }
  });
}

} // namespace dsc::kernels::cpu
