//===- DualPipeSchedule.cpp - DualPipe and DualPipeV ----------------------===//
//
// DeepSeek-V3's bidirectional schedule and its cut-in-half V variant, both
// emitted by one builder that follows the published eight phases.
//
//===----------------------------------------------------------------------===//

#include "ScheduleBuilders.h"
#include <deque>

using namespace dsc;
using namespace dsc::detail;

namespace {
/// Where a DualPipe-family rank's two phases run. DualPipe: rank r runs
/// stage r for one direction and stage pp - 1 - r for the other, the two
/// halves of the ranks swapping which phase is which. DualPipeV ("cut in
/// half"): rank r of R runs stages r and 2R - 1 - r of one V-shaped
/// pipeline.
struct DualPipeShape {
  bool vShape = false;
  int64_t numRanks = 0;
  int64_t microBatches = 0;

  /// The ranks of one half (DualPipe) or all ranks (DualPipeV).
  int64_t span() const { return vShape ? numRanks : numRanks / 2; }
  /// The rank's position within its span.
  int64_t position(int64_t rank) const {
    return vShape ? rank : std::min(rank, numRanks - 1 - rank);
  }
  int64_t chunksPerPhase() const {
    return vShape ? microBatches : microBatches / 2;
  }
  int64_t stage(int64_t rank, int phase) const {
    if (vShape)
      return phase == 0 ? rank : 2 * numRanks - 1 - rank;
    int direction = phase ^ (rank >= numRanks / 2);
    return direction == 0 ? rank : numRanks - 1 - rank;
  }
  int64_t microBatch(int64_t rank, int phase, int64_t chunk) const {
    if (vShape)
      return chunk;
    int direction = phase ^ (rank >= numRanks / 2);
    return direction == 0 ? chunk : microBatches / 2 + chunk;
  }
};

/// Emits one rank's program, following DeepSeek's published phases.
class DualPipeRank {
public:
  DualPipeRank(const DualPipeShape &shape, int64_t rank,
               std::vector<Step> &steps)
      : shape(shape), rank(rank), steps(steps) {}

  void build();

private:
  Action forwardAction(int phase) {
    return {ActionKind::F, shape.stage(rank, phase),
            shape.microBatch(rank, phase, forwardNext[phase]++)};
  }
  Action backwardAction(int phase, bool zeroBubble) {
    Action action{zeroBubble ? ActionKind::I : ActionKind::B,
                  shape.stage(rank, phase),
                  shape.microBatch(rank, phase, backwardNext[phase]++)};
    if (zeroBubble)
      pendingWeights.push_back(
          {ActionKind::W, action.stage, action.microBatch});
    return action;
  }
  void forward(int phase) { steps.push_back({forwardAction(phase), {}}); }
  void backward(int phase, bool zeroBubble = false) {
    steps.push_back({backwardAction(phase, zeroBubble), {}});
  }
  void weight() {
    steps.push_back({pendingWeights.front(), {}});
    pendingWeights.pop_front();
  }
  void forwardBackward(int forwardPhase, int backwardPhase) {
    Action f = forwardAction(forwardPhase);
    Action b = backwardAction(backwardPhase, /*zeroBubble=*/false);
    steps.push_back({f, b});
  }

  const DualPipeShape &shape;
  int64_t rank;
  std::vector<Step> &steps;
  int64_t forwardNext[2] = {0, 0}, backwardNext[2] = {0, 0};
  std::deque<Action> pendingWeights;
};
} // namespace

void DualPipeRank::build() {
  // h of H: the rank's position in its span; the pivot (DualPipe's middle
  // ranks, DualPipeV's last) turns the micro-batches around.
  int64_t halfRanks = shape.span();
  int64_t halfRank = shape.position(rank);
  bool middle = halfRank == halfRanks - 1;
  // 1: forwards of phase 0 to fill the pipeline.
  for (int64_t i = 0; i < (halfRanks - halfRank - 1) * 2; ++i)
    forward(0);
  // 2: forwards of both phases.
  for (int64_t i = 0; i < halfRank + 1; ++i) {
    forward(0);
    forward(1);
  }
  // 3: zero-bubble backward of phase 1, a weight gradient, a forward.
  for (int64_t i = 0; i < halfRanks - halfRank - 1; ++i) {
    backward(1, /*zeroBubble=*/true);
    weight();
    forward(1);
  }
  // 4 (main): overlapped forward-backward pairs in both orders; the middle
  // ranks run their first pair apart to shorten the bubble.
  for (int64_t i = 0; i < shape.chunksPerPhase() - 2 * halfRanks + halfRank + 1;
       ++i) {
    if (i == 0 && middle) {
      forward(0);
      backward(1);
    } else {
      forwardBackward(0, 1);
    }
    forwardBackward(1, 0);
  }
  // 5: backward of phase 1, then a pair.
  for (int64_t i = 0; i < halfRanks - halfRank - 1; ++i) {
    backward(1);
    forwardBackward(1, 0);
  }
  // 6: backwards of both phases; the later half defer their weights.
  bool zeroBubble = false;
  int64_t step6 = halfRank + 1;
  for (int64_t i = 0; i < step6; ++i) {
    if (i == step6 / 2 && halfRank % 2 == 1)
      zeroBubble = true;
    backward(1, zeroBubble);
    if (i == step6 / 2 && halfRank % 2 == 0)
      zeroBubble = true;
    backward(0, zeroBubble);
  }
  // 7: a weight gradient, then a zero-bubble backward of phase 0.
  for (int64_t i = 0; i < halfRanks - halfRank - 1; ++i) {
    weight();
    backward(0, /*zeroBubble=*/true);
  }
  // 8: the remaining weight gradients.
  while (!pendingWeights.empty())
    weight();
}

llvm::Expected<ScheduledPipeline> dsc::buildDualPipe(int64_t pp,
                                                     int64_t microBatches) {
  if (llvm::Error error = checkCounts(pp, pp, microBatches))
    return std::move(error);
  if (pp % 2 != 0)
    return requestError(ScheduleParameter::PP,
                        "DualPipe needs an even number of pipeline ranks "
                        "(the two directions pair rank r with pp - 1 - r), "
                        "got pp " +
                            llvm::Twine(pp) + "; use " + llvm::Twine(pp + 1) +
                            (pp > 1 ? " or " + llvm::Twine(pp - 1) : ""));
  if (microBatches % 2 != 0 || microBatches < 2 * pp)
    return requestError(
        ScheduleParameter::MicroBatches,
        "DualPipe needs an even number of micro-batches of at least 2 * pp "
        "(half flow each way); have pp " +
            llvm::Twine(pp) + " and " + llvm::Twine(microBatches) +
            " micro-batches; use " +
            llvm::Twine(std::max(2 * pp, microBatches + microBatches % 2)));
  ScheduledPipeline schedule;
  schedule.kind = ScheduleKind::dualpipe;
  schedule.numStages = pp;
  schedule.numMicroBatches = microBatches;
  schedule.stageRank.resize(2);
  for (int64_t s = 0; s < pp; ++s) {
    schedule.stageRank[0].push_back(s);
    schedule.stageRank[1].push_back(pp - 1 - s);
  }
  schedule.ranks.resize(pp);
  DualPipeShape shape{/*vShape=*/false, pp, microBatches};
  for (int64_t rank = 0; rank < pp; ++rank)
    DualPipeRank(shape, rank, schedule.ranks[rank]).build();
  return schedule;
}

llvm::Expected<ScheduledPipeline> dsc::buildDualPipeV(int64_t pp,
                                                      int64_t microBatches) {
  int64_t stages = 2 * pp;
  if (llvm::Error error = checkCounts(pp, stages, microBatches))
    return std::move(error);
  if (microBatches < stages)
    return requestError(
        ScheduleParameter::MicroBatches,
        "DualPipeV needs at least as many micro-batches as its 2 * pp "
        "stages; have pp " +
            llvm::Twine(pp) + " and " + llvm::Twine(microBatches) +
            " micro-batches; use " + llvm::Twine(stages));
  ScheduledPipeline schedule =
      emptySchedule(ScheduleKind::dualpipev, stages, microBatches, pp,
                    [&](int64_t s) { return s < pp ? s : stages - 1 - s; });
  DualPipeShape shape{/*vShape=*/true, pp, microBatches};
  for (int64_t rank = 0; rank < pp; ++rank)
    DualPipeRank(shape, rank, schedule.ranks[rank]).build();
  return schedule;
}
