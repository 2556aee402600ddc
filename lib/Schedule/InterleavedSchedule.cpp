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
  if (llvm::Error error = checkCounts(pp, microBatches))
    return std::move(error);
  if (virtualStages < 2)
    return requestError(ScheduleParameter::VirtualStages,
                        "interleaved 1F1B needs at least 2 virtual stages "
                        "(model chunks) per rank, got " +
                            llvm::Twine(virtualStages) +
                            "; use 1f1b for one chunk per rank");
  if (pp % virtualStages != 0)
    return requestError(ScheduleParameter::VirtualStages,
                        "interleaved 1F1B spreads pp " + llvm::Twine(pp) +
                            " stages over pp / virtual stages ranks, but " +
                            llvm::Twine(virtualStages) + " does not divide " +
                            llvm::Twine(pp) + "; use a divisor of pp");
  int64_t numRanks = pp / virtualStages;
  // Megatron's requirement: the groups of R micro-batches must be whole.
  if (microBatches % numRanks != 0)
    return requestError(
        ScheduleParameter::MicroBatches,
        "interleaved 1F1B needs the micro-batches to be a multiple of the " +
            llvm::Twine(numRanks) + " ranks (pp " + llvm::Twine(pp) + " / " +
            llvm::Twine(virtualStages) + " virtual stages), got " +
            llvm::Twine(microBatches) + "; use " +
            llvm::Twine((microBatches / numRanks + 1) * numRanks));

  ScheduledPipeline schedule =
      emptySchedule(ScheduleKind::InterleavedOneFOneB, pp, microBatches,
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
