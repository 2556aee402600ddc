//===- ToyPlans.h - one small model laid out over one or two ranks --------===//
//
// A language model small enough to check by hand: embedding [V, 8], a
// linear [8, 8] ("model.layers.0.mlp.down_proj.weight"), an LM head [V, 8]
// and the cross-entropy, with sequences of 4 tokens, micro-batches of 2
// sequences and AdamW. Every layout computes the same training step from
// the same windows of the token stream, so their results must agree:
//
//   OneRank       rank 0 runs 2 micro-batches (windows 0 and 1); each
//                 gradient is all-reduced over a data-parallel group of one
//                 (the identity) before AdamW;
//   DataParallel  2 replicas, each 1 micro-batch of its own data shard
//                 (rank r reads window r), gradients all-reduced (summed)
//                 over the dp group {0, 1} before AdamW;
//   Pipeline      stage 0 (embedding, linear) on rank 0 sends its output
//                 to stage 1 (head, loss) on rank 1, which sends the
//                 gradient back; 2 micro-batches, events ordering the
//                 comm stream.
//
// The plans are returned unvalidated; tests load them through the reader
// (PlanBuilder::load style), the dsc-toy-plan tool writes them with
// writePlanFile, which validates.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_TEST_RUNTIME_EXEC_TOYPLANS_H
#define DSC_TEST_RUNTIME_EXEC_TOYPLANS_H

#include "dsc/plan/Plan.h"

#include <cstdint>
#include <string>

namespace dsc::exec::test {

enum class Layout { OneRank, DataParallel, Pipeline };

/// The toy model laid out as `layout`, for token files of at most `vocab`
/// ids.
plan::Plan toyPlan(Layout layout, int64_t vocab = 16);

/// "one-rank", "data-parallel", "pipeline"; false for anything else.
bool parseLayout(const std::string &name, Layout &layout);

} // namespace dsc::exec::test

#endif // DSC_TEST_RUNTIME_EXEC_TOYPLANS_H
