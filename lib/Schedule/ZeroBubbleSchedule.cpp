//===- ZeroBubbleSchedule.cpp - ZB-H1 and ZB-V ----------------------------===//
//
// Qi et al., "Zero Bubble Pipeline Parallelism" (2023): a backward is split
// into I (gradient of the input, which the previous stage waits for) and W
// (gradient of the weights, which nobody waits for), so W passes can be
// moved into the bubbles. Both builders here keep 1F1B's activation peak.
//
//===----------------------------------------------------------------------===//

#include "ScheduleBuilders.h"

using namespace dsc;
using namespace dsc::detail;

llvm::Expected<ScheduledPipeline> dsc::buildZeroBubbleH1(int64_t pp,
                                                         int64_t microBatches) {
  if (llvm::Error error = checkCounts(pp, pp, microBatches))
    return std::move(error);
  ScheduledPipeline schedule = emptySchedule(
      ScheduleKind::zb_h1, pp, microBatches, pp, [](int64_t s) { return s; });
  // In the steady state, slot x of rank r runs F of micro-batch x, I of
  // x - (pp - 1 - r) (1F1B's offset, so the same activations stay alive)
  // and W of x - (pp - 1): every rank lags its W's by the same amount, so
  // rank r holds r W's back from its warm-up and spends them in the drain,
  // where 1F1B would idle. Slots before and after the steady state simply
  // lack the passes whose micro-batch does not exist.
  for (int64_t rank = 0; rank < pp; ++rank) {
    std::vector<Step> &steps = schedule.ranks[rank];
    auto emitIfValid = [&](ActionKind kind, int64_t microBatch) {
      if (microBatch >= 0 && microBatch < microBatches)
        emit(steps, kind, rank, microBatch);
    };
    for (int64_t x = 0; x < microBatches + pp - 1; ++x) {
      emitIfValid(ActionKind::F, x);
      emitIfValid(ActionKind::I, x - (pp - 1 - rank));
      emitIfValid(ActionKind::W, x - (pp - 1));
    }
  }
  return schedule;
}

namespace {
/// One ZB-V rank's program: chunk 0 is stage r going down the V, chunk 1 is
/// stage pp - 1 - r coming back up. Counters hold the next micro-batch of
/// each pass and chunk.
class ZeroBubbleVRank {
public:
  ZeroBubbleVRank(int64_t numRanks, int64_t rank, int64_t microBatches,
                  std::vector<Step> &steps)
      : numRanks(numRanks), rank(rank), microBatches(microBatches),
        steps(steps) {}

  void build();

private:
  int64_t stage(int chunk) const {
    return chunk == 0 ? rank : 2 * numRanks - 1 - rank;
  }
  void pass(ActionKind kind, int chunk) {
    int64_t &counter = kind == ActionKind::F   ? forwards[chunk]
                       : kind == ActionKind::I ? inputs[chunk]
                                               : weights[chunk];
    // Padding micro-batches (see build) are counted but not run.
    if (counter < microBatches)
      emit(steps, kind, stage(chunk), counter);
    ++counter;
  }

  int64_t numRanks, rank, microBatches;
  std::vector<Step> &steps;
  int64_t forwards[2] = {0, 0}, inputs[2] = {0, 0}, weights[2] = {0, 0};
};
} // namespace

void ZeroBubbleVRank::build() {
  using K = ActionKind;
  // The phases assume at least 2R - 1 micro-batches (rank 0's warm-up);
  // with fewer, the missing ones are padding that is left out, which keeps
  // every remaining dependency in order.
  int64_t padded = std::max(microBatches, 2 * numRanks - 1);
  // Warm-up: chunk-0 forwards until the first chunk-1 forward arrives back
  // up the V, then both chunks, then chunk 1's first backwards, each I
  // followed by its W so the activation count stays at 2R.
  for (int64_t i = 0; i < 2 * (numRanks - rank) - 1; ++i)
    pass(K::F, 0);
  for (int64_t i = 0; i < rank; ++i) {
    pass(K::F, 1);
    pass(K::F, 0);
  }
  for (int64_t i = 0; i < numRanks - rank; ++i) {
    pass(K::F, 1);
    pass(K::I, 1);
    pass(K::W, 1);
  }
  // Steady state: one of every pass of both chunks per round, six equal
  // slots when F = I = W.
  while (forwards[0] < padded || forwards[1] < forwards[0]) {
    if (forwards[0] < padded)
      pass(K::F, 0);
    pass(K::I, 0);
    pass(K::W, 0);
    pass(K::F, 1);
    pass(K::I, 1);
    pass(K::W, 1);
  }
  // Drain: the remaining I's first (the ranks below wait for them), the
  // deferred W's in the gaps and at the end.
  for (int64_t i = 0; i < rank; ++i) {
    pass(K::I, 0);
    pass(K::I, 1);
  }
  for (int64_t i = 0; i < numRanks - rank; ++i) {
    pass(K::I, 0);
    pass(K::W, 0);
  }
  while (weights[1] < inputs[1])
    pass(K::W, 1);
  while (weights[0] < inputs[0])
    pass(K::W, 0);
}

llvm::Expected<ScheduledPipeline> dsc::buildZeroBubbleV(int64_t pp,
                                                        int64_t microBatches) {
  int64_t stages = 2 * pp;
  if (llvm::Error error = checkCounts(pp, stages, microBatches))
    return std::move(error);
  ScheduledPipeline schedule =
      emptySchedule(ScheduleKind::zb_v, stages, microBatches, pp,
                    [&](int64_t s) { return s < pp ? s : stages - 1 - s; });
  for (int64_t rank = 0; rank < pp; ++rank)
    ZeroBubbleVRank(pp, rank, microBatches, schedule.ranks[rank]).build();
  return schedule;
}
