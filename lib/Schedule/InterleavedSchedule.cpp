//===- InterleavedSchedule.cpp - Megatron's interleaved 1F1B --------------===//
//
// Megatron-LM's virtual pipeline: each of R ranks holds v model chunks
// (stages r, r + R, ...), so a micro-batch visits every rank v times and
// the fill and drain shrink v-fold. Each rank walks m * v "virtual"
// micro-batches: forwards take R micro-batches through chunk 0, the same R
// through chunk 1, ..., then the next R; backwards take the same groups
// through the chunks in reverse.
//
//===----------------------------------------------------------------------===//

#include "ScheduleBuilders.h"

using namespace dsc;
using namespace dsc::detail;

namespace {
/// Maps a rank's k-th forward or backward to its stage and micro-batch.
struct VirtualOrder {
  int64_t numRanks;
  int64_t chunks;

  int64_t chunk(int64_t k, bool forward) const {
    int64_t c = (k % (numRanks * chunks)) / numRanks;
    return forward ? c : chunks - 1 - c;
  }
  int64_t microBatch(int64_t k) const {
    return k / (numRanks * chunks) * numRanks + k % numRanks;
  }
  Action action(int64_t rank, int64_t k, bool forward) const {
    return {forward ? ActionKind::F : ActionKind::B,
            chunk(k, forward) * numRanks + rank, microBatch(k)};
  }
};
} // namespace

llvm::Expected<ScheduledPipeline>
dsc::buildInterleavedOneFOneB(int64_t pp, int64_t virtualStages,
                              int64_t microBatches) {
  llvm::Expected<PipelineShape> shape =
      pipelineShape(ScheduleKind::interleaved_1f1b, pp, virtualStages);
  if (!shape)
    return shape.takeError();
  int64_t stages = shape->stages, numRanks = pp;
  if (llvm::Error error = checkCounts(pp, stages, microBatches))
    return std::move(error);
  // Megatron's requirement: the groups of R micro-batches must be whole.
  if (microBatches % numRanks != 0)
    return requestError(
        ScheduleParameter::MicroBatches,
        "interleaved 1F1B needs the micro-batches to be a multiple of the " +
            llvm::Twine(numRanks) + " pipeline ranks, got " +
            llvm::Twine(microBatches) + "; use " +
            llvm::Twine((microBatches / numRanks + 1) * numRanks));

  ScheduledPipeline schedule =
      emptySchedule(ScheduleKind::interleaved_1f1b, stages, microBatches,
                    numRanks, [&](int64_t s) { return s % numRanks; });
  VirtualOrder order{numRanks, virtualStages};
  int64_t total = microBatches * virtualStages;
  for (int64_t rank = 0; rank < numRanks; ++rank) {
    // Enough forwards that the first backward of the last chunk has arrived
    // by the time the warm-up ends; Megatron runs all forwards first when
    // there is exactly one group.
    int64_t warmup = microBatches == numRanks
                         ? total
                         : std::min(total, (numRanks - rank - 1) * 2 +
                                               (virtualStages - 1) * numRanks);
    std::vector<Step> &steps = schedule.ranks[rank];
    for (int64_t k = 0; k < warmup; ++k)
      steps.push_back({order.action(rank, k, /*forward=*/true), std::nullopt});
    for (int64_t k = 0; k < total; ++k) {
      if (warmup + k < total)
        steps.push_back(
            {order.action(rank, warmup + k, /*forward=*/true), std::nullopt});
      steps.push_back({order.action(rank, k, /*forward=*/false), std::nullopt});
    }
  }
  return schedule;
}
