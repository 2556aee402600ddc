//===- MoE.h - routing, dispatch, grouped linear, combine -------*- C++ -*-===//
//
// DeepSeekMoE's routed path on one rank: route picks k experts per token and
// their weights, dispatch groups the token copies by expert, grouped_linear
// runs every expert's GEMM on its row segment, combine sums each token's
// expert outputs with its weights.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_KERNELS_CPU_MOE_H
#define DSC_KERNELS_CPU_MOE_H

#include "dsc/kernels/cpu/Dense.h"
#include <cstdint>

namespace dsc::kernels::cpu {

//===-- route -------------------------------------------------------------===//

enum class ScoringFunc { Sigmoid, Softmax };

/// Greedy: top-k over all experts. GroupLimitedGreedy (V2): experts split into
/// nGroup equal groups, a group scores its best expert, the best topkGroup
/// groups are kept. NoauxTc (V3): likewise, a group scores the sum of its
/// best two. Every method chooses on score + bias; ties go to the lower index.
enum class TopkMethod { Greedy, GroupLimitedGreedy, NoauxTc };

struct RouteAttrs {
  ScoringFunc scoring = ScoringFunc::Sigmoid;
  TopkMethod method = TopkMethod::Greedy;
  int64_t nGroup = 1;
  int64_t topkGroup = 1;
  int64_t k = 1;
  /// Divide the chosen scores by their sum.
  bool normTopkProb = false;
  float routedScalingFactor = 1.0f;
};

/// logits [T, E], bias [E] (may be null: zero) -> experts [T, k] (best
/// first), weights [T, k] = chosen unbiased scores (normalised if asked) x
/// routedScalingFactor, loads [E] = tokens routed to each expert (written,
/// FP32 so that loads add and all-reduce like any activation).
void routeForward(const float *logits, const float *bias, int32_t *experts,
                  float *weights, float *loads, int64_t tokens,
                  int64_t numExperts, const RouteAttrs &attrs);
/// dlogits [T, E] (written) from dweights [T, k] through the normalisation and
/// the scoring function, the selection held constant.
void routeBackward(const float *dweights, const float *logits,
                   const int32_t *experts, float *dlogits, int64_t tokens,
                   int64_t numExperts, const RouteAttrs &attrs);

//===-- balance_loss ------------------------------------------------------===//
//
// DeepSeek-V3's complementary sequence-wise balance loss (§2.1.2). Per
// sequence of T = seqLen tokens, L = sum_i f_i P_i with f_i = E / (k T) x the
// tokens that chose expert i (the route's experts, as DeepSeek-V2's public
// modeling code counts its chosen topk_idx: under V3's noaux_tc chosen on
// the biased scores; f is a constant) and P_i = (1/T) sum_t s'_{i,t}, where
// s'_t = s_t / sum_j s_{j,t} normalises the unbiased scores over all E
// experts. The loss is weight x the mean of L over the sequences.

struct BalanceLossAttrs {
  ScoringFunc scoring = ScoringFunc::Sigmoid;
  int64_t seqLen = 1;
  /// alpha x the loss's share (1 / (micro-batches x data-parallel ranks)).
  float weight = 1.0f;
};

/// loss (a scalar, written) from logits [T, E] and experts [T, k].
void balanceLossForward(const float *logits, const int32_t *experts,
                        float *loss, int64_t tokens, int64_t numExperts,
                        int64_t k, const BalanceLossAttrs &attrs);
/// dlogits [T, E] (written) of that loss for dloss = 1, through P only.
void balanceLossBackward(const float *logits, const int32_t *experts,
                         float *dlogits, int64_t tokens, int64_t numExperts,
                         int64_t k, const BalanceLossAttrs &attrs);

//===-- dispatch / combine ------------------------------------------------===//
//
// Row layout: the T*k token copies grouped by expert; inside a group, in
// (token, slot) order (a stable sort). offsets [E+1]: expert e's rows are
// [offsets[e], offsets[e+1]). Combine and the backwards recompute the layout
// from experts, so they take experts as an input too.

/// positions [T*k]: the row of copy (t, j); offsets [E+1] (both written).
void dispatchLayout(const int32_t *experts, int32_t *positions,
                    int32_t *offsets, int64_t tokens, int64_t k,
                    int64_t numExperts);

/// rows [T*k, H] and offsets [E+1] from x [T, H] and experts [T, k].
void dispatchForward(const float *x, const int32_t *experts, float *rows,
                     int32_t *offsets, int64_t tokens, int64_t hidden,
                     int64_t k, int64_t numExperts);
/// dx [T, H] (written) = the sum of each token's row gradients.
void dispatchBackward(const float *drows, const int32_t *experts, float *dx,
                      int64_t tokens, int64_t hidden, int64_t k,
                      int64_t numExperts);

/// y [T, H] = sum_j weights[t, j] * rows[row of (t, j)].
void combineForward(const float *rows, const float *weights,
                    const int32_t *experts, float *y, int64_t tokens,
                    int64_t hidden, int64_t k, int64_t numExperts);
/// drows [T*k, H] and dweights [T, k] (written; either may be null).
void combineBackward(const float *dy, const float *rows, const float *weights,
                     const int32_t *experts, float *drows, float *dweights,
                     int64_t tokens, int64_t hidden, int64_t k,
                     int64_t numExperts);

//===-- grouped_linear ----------------------------------------------------===//
//
// Every expert's rows [offsets[e], offsets[e+1]) of x [R, in] (R =
// offsets[E]) go through its weight w[e] of w [E, out, in]; an empty group
// computes nothing (dw[e] is left exactly as it was). With
// `blocksPerExpert` m > 1 the offsets [E m + 1] cut each expert's rows into
// m consecutive blocks (an expert-parallel rank's rows from each source),
// run one after the other: dw[e] then sums the blocks in order, as one
// rank summing the same micro-batches would.

/// y [R, out]: each group's rows times w[e]^T.
void groupedLinearForward(const float *x, const int32_t *offsets,
                          const float *w, float *y, int64_t numExperts,
                          int64_t in, int64_t out,
    int64_t blocksPerExpert = 1);
/// dx [R, in] (written) per group: dy rows * w[e].
void groupedLinearBackwardInput(const float *dy, const int32_t *offsets,
                                const float *w, float *dx, int64_t numExperts,
                                int64_t in, int64_t out,
    int64_t blocksPerExpert = 1);
/// dw[e] += dy rows^T * x rows.
void groupedLinearBackwardWeight(const float *dy, const float *x,
                                 const int32_t *offsets, float *dw,
                                 int64_t numExperts, int64_t in, int64_t out,
    int64_t blocksPerExpert = 1);

/// The FP8 forms: each group is a dense FP8 linear (Dense.h) on its rows, so
/// activations and gradients are tiled within the group (Wgrad's tile x 1
/// tiles run along each expert's own rows) and each expert's weight has its
/// own blocks, as in DeepSeek-V3's per-expert FP8 checkpoints.
void fp8GroupedLinearForward(const float *x, const int32_t *offsets,
                             const float *w, float *y, int64_t numExperts,
                             int64_t in, int64_t out,
                             const FP8LinearAttrs &attrs,
    int64_t blocksPerExpert = 1);
void fp8GroupedLinearBackwardInput(const float *dy, const int32_t *offsets,
                                   const float *w, float *dx,
                                   int64_t numExperts, int64_t in, int64_t out,
                                   const FP8LinearAttrs &attrs,
    int64_t blocksPerExpert = 1);
void fp8GroupedLinearBackwardWeight(const float *dy, const float *x,
                                    const int32_t *offsets, float *dw,
                                    int64_t numExperts, int64_t in, int64_t out,
                                    const FP8LinearAttrs &attrs,
    int64_t blocksPerExpert = 1);

} // namespace dsc::kernels::cpu

#endif // DSC_KERNELS_CPU_MOE_H
