//===- SamplePlan.h - A small valid plan for the plan tests -----*- C++ -*-===//
//
// A two-stage pipeline of a toy model (vocab 16, hidden 8, 2 micro-batches of
// 2 sequences of 4 tokens): rank 0 embeds, normalizes and projects, sending
// activations to rank 1, which normalizes, projects to logits and computes
// the loss; gradients flow back; each rank zeroes its gradients, runs
// forward/backward per micro-batch and AdamW. It uses point-to-point
// communication on the comm stream ordered by events, a collective over a
// one-rank dp group, every buffer role and both attribute kinds, so the
// round trip and the golden dump cover the whole schema.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_TEST_RUNTIME_PLAN_SAMPLEPLAN_H
#define DSC_TEST_RUNTIME_PLAN_SAMPLEPLAN_H

#include "dsc/plan/Plan.h"

namespace dsc::plan::test {

Plan makeTwoRankPlan();

} // namespace dsc::plan::test

#endif
