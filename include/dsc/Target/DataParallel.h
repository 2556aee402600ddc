//===- DataParallel.h - a one-rank plan replicated over data-parallel ranks
//===//
//
// Data parallelism as a plan-to-plan step: every rank runs the one-rank
// plan's programs on its own shard of each global batch, and the optimizer
// program first sums every gradient and every router's expert loads over
// the data-parallel group (in-place all_reduce on the comm stream; the
// instruction that reads the sum waits for its event), so the replicas
// take identical steps. Gradients come out as means over the replicas
// because the lowering weights each loss 1 / (micro-batches x dp).
//
//===----------------------------------------------------------------------===//

#ifndef DSC_TARGET_DATAPARALLEL_H
#define DSC_TARGET_DATAPARALLEL_H

#include "dsc/plan/Plan.h"

#include <cstdint>

namespace dsc {

/// Turns `plan` (one rank, rank 0) into `dp` replicas placed `gpusPerNode`
/// to a node in rank order. dp 1 leaves it unchanged.
void replicateDataParallel(plan::Plan &plan, int32_t dp, int32_t gpusPerNode);

} // namespace dsc

#endif // DSC_TARGET_DATAPARALLEL_H
