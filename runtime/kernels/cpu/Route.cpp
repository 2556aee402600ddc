//===- Route.cpp - MoE gate: scores, group-limited top-k, weights ---------===//
//
// DeepSeek's gates (V2 group_limited_greedy over softmax, V3 noaux_tc over
// sigmoid with a selection-only bias, V2-Lite greedy). Choice scores are
// score + bias; weights are the unbiased scores of the chosen experts.
// Masked-out groups are removed from the candidates rather than given a
// sentinel score, so negative biased scores cannot pick a masked expert.
//
//===----------------------------------------------------------------------===//

#include "Parallel.h"
#include "RouterScores.h"
#include "dsc/kernels/cpu/MoE.h"
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

namespace dsc::kernels::cpu {

namespace {

/// Keeps the normalised weights finite when every chosen score underflows.
constexpr double kNormEps = 1e-20;

void checkAttrs(int64_t numExperts, const RouteAttrs &a) {
  auto fail = [](const std::string &what) {
    throw std::invalid_argument("route: " + what);
  };
  if (a.k < 1 || a.k > numExperts)
    fail("k must lie in [1, experts]");
  if (a.method == TopkMethod::Greedy)
    return;
  if (a.nGroup < 1 || numExperts % a.nGroup != 0)
    fail("n_group must divide the expert count");
  if (a.topkGroup < 1 || a.topkGroup > a.nGroup)
    fail("topk_group must lie in [1, n_group]");
  if (a.k > a.topkGroup * (numExperts / a.nGroup))
    fail("k exceeds the experts of topk_group groups");
}

/// NaN ranks below everything so the order stays a strict weak order.
float rankKey(float value) {
  return std::isnan(value) ? -std::numeric_limits<float>::infinity() : value;
}

/// Sorts the best `count` of `candidates` to the front: higher key first,
/// the lower index on ties.
void topCount(std::vector<int32_t> &candidates, int64_t count,
              const std::vector<float> &key) {
  std::partial_sort(candidates.begin(), candidates.begin() + count,
                    candidates.end(), [&](int32_t a, int32_t b) {
                      float ka = rankKey(key[a]), kb = rankKey(key[b]);
                      return ka > kb || (ka == kb && a < b);
                    });
}

/// The chosen experts of one token, best first.
void chooseExperts(const std::vector<float> &choice, int64_t numExperts,
                   const RouteAttrs &a, int32_t *experts) {
  std::vector<int32_t> candidates;
  if (a.method == TopkMethod::Greedy) {
    candidates.resize(numExperts);
    std::iota(candidates.begin(), candidates.end(), 0);
  } else {
    int64_t size = numExperts / a.nGroup;
    std::vector<float> groupScore(a.nGroup);
    std::vector<int32_t> members(size);
    for (int64_t g = 0; g < a.nGroup; ++g) {
      std::iota(members.begin(), members.end(), int32_t(g * size));
      // group_limited_greedy: its best expert; noaux_tc: its best two.
      int64_t best =
          a.method == TopkMethod::NoauxTc ? std::min<int64_t>(2, size) : 1;
      topCount(members, best, choice);
      float score = 0;
      for (int64_t i = 0; i < best; ++i)
        score += choice[members[i]];
      groupScore[g] = score;
    }
    std::vector<int32_t> groups(a.nGroup);
    std::iota(groups.begin(), groups.end(), 0);
    topCount(groups, a.topkGroup, groupScore);
    // Candidates in index order, whatever the group ranking, so ties between
    // experts still go to the lower index.
    std::sort(groups.begin(), groups.begin() + a.topkGroup);
    for (int64_t i = 0; i < a.topkGroup; ++i)
      for (int64_t e = 0; e < size; ++e)
        candidates.push_back(int32_t(groups[i] * size + e));
  }
  topCount(candidates, a.k, choice);
  std::copy(candidates.begin(), candidates.begin() + a.k, experts);
}

} // namespace

void routeForward(const float *logits, const float *bias, int32_t *experts,
                  float *weights, float *loads, int64_t tokens,
                  int64_t numExperts, const RouteAttrs &attrs) {
  checkAttrs(numExperts, attrs);
  int64_t k = attrs.k;
  parallelFor(tokens, 512, [&](int64_t begin, int64_t end) {
    std::vector<float> s(numExperts), choice(numExperts);
    for (int64_t t = begin; t < end; ++t) {
      scoreRow(logits + t * numExperts, s.data(), numExperts, attrs.scoring);
      for (int64_t e = 0; e < numExperts; ++e)
        choice[e] = s[e] + (bias ? bias[e] : 0.0f);
      int32_t *chosen = experts + t * k;
      chooseExperts(choice, numExperts, attrs, chosen);
      float *w = weights + t * k;
      double sum = 0;
      for (int64_t j = 0; j < k; ++j) {
        w[j] = s[chosen[j]];
        sum += w[j];
      }
      double norm = attrs.normTopkProb ? 1.0 / (sum + kNormEps) : 1.0;
      for (int64_t j = 0; j < k; ++j)
        w[j] = float(w[j] * norm * attrs.routedScalingFactor);
    }
  });
  std::fill(loads, loads + numExperts, 0.0f);
  for (int64_t i = 0; i < tokens * k; ++i)
    loads[experts[i]] += 1.0f;
}

void routeBackward(const float *dweights, const float *logits,
                   const int32_t *experts, float *dlogits, int64_t tokens,
                   int64_t numExperts, const RouteAttrs &attrs) {
  checkAttrs(numExperts, attrs);
  int64_t k = attrs.k;
  for (int64_t i = 0; i < tokens * k; ++i)
    if (experts[i] < 0 || experts[i] >= numExperts)
      throw std::out_of_range("route: expert id " + std::to_string(experts[i]) +
                              " outside [0, " + std::to_string(numExperts) +
                              ")");
  double c = attrs.routedScalingFactor;
  parallelFor(tokens, 512, [&](int64_t begin, int64_t end) {
    std::vector<float> s(numExperts);
    std::vector<double> ds(numExperts);
    for (int64_t t = begin; t < end; ++t) {
      scoreRow(logits + t * numExperts, s.data(), numExperts, attrs.scoring);
      const int32_t *chosen = experts + t * k;
      const float *dw = dweights + t * k;
      std::fill(ds.begin(), ds.end(), 0.0);
      if (attrs.normTopkProb) {
        // w_j = c s_j / Z, Z = sum_i s_i: dL/ds_j = c (dw_j - sum_i dw_i s_i
        // / Z) / Z.
        double z = kNormEps, weighted = 0;
        for (int64_t j = 0; j < k; ++j) {
          z += s[chosen[j]];
          weighted += double(dw[j]) * s[chosen[j]];
        }
        for (int64_t j = 0; j < k; ++j)
          ds[chosen[j]] += c * (dw[j] - weighted / z) / z;
      } else {
        for (int64_t j = 0; j < k; ++j)
          ds[chosen[j]] += c * dw[j];
      }
      scoreBackwardRow(ds.data(), s.data(), dlogits + t * numExperts,
                       numExperts, attrs.scoring);
    }
  });
}

} // namespace dsc::kernels::cpu
