//===- RouterScores.h - the router's scoring function (private) -----------===//
//
// The affinities s of one token from its router logits, and the chain rule
// back through them: shared by route (whose weights are chosen scores) and
// balance_loss (whose P averages the normalised scores).
//
//===----------------------------------------------------------------------===//

#ifndef DSC_KERNELS_CPU_ROUTERSCORES_H
#define DSC_KERNELS_CPU_ROUTERSCORES_H

#include "dsc/kernels/cpu/MoE.h"
#include <algorithm>
#include <cmath>
#include <cstdint>

namespace dsc::kernels::cpu {

/// scores [E] from logits [E] (softmax over all experts, or sigmoid each).
inline void scoreRow(const float *logits, float *s, int64_t numExperts,
                     ScoringFunc scoring) {
  if (scoring == ScoringFunc::Sigmoid) {
    for (int64_t e = 0; e < numExperts; ++e)
      s[e] = float(1.0 / (1.0 + std::exp(-double(logits[e]))));
    return;
  }
  float maxLogit = *std::max_element(logits, logits + numExperts);
  double sum = 0;
  for (int64_t e = 0; e < numExperts; ++e)
    sum += std::exp(double(logits[e] - maxLogit));
  for (int64_t e = 0; e < numExperts; ++e)
    s[e] = float(std::exp(double(logits[e] - maxLogit)) / sum);
}

/// dlogits [E] (written) of one token from ds [E] = dL/ds and its scores s.
inline void scoreBackwardRow(const double *ds, const float *s, float *dlogits,
                             int64_t numExperts, ScoringFunc scoring) {
  if (scoring == ScoringFunc::Sigmoid) {
    for (int64_t e = 0; e < numExperts; ++e)
      dlogits[e] = float(ds[e] * s[e] * (1.0 - s[e]));
    return;
  }
  double dot = 0;
  for (int64_t e = 0; e < numExperts; ++e)
    dot += ds[e] * s[e];
  for (int64_t e = 0; e < numExperts; ++e)
    dlogits[e] = float(s[e] * (ds[e] - dot));
}

} // namespace dsc::kernels::cpu

#endif // DSC_KERNELS_CPU_ROUTERSCORES_H
