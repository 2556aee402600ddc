//===- PipelineSchedule.cpp - per-rank pipeline programs ------------------===//

#include "dsc/Schedule/PipelineSchedule.h"
#include "llvm/ADT/Twine.h"
#include <deque>

using namespace dsc;

static llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

int64_t ScheduledPipeline::directionOf(int64_t microBatch) const {
  return kind == ScheduleKind::DualPipe && microBatch >= numMicroBatches / 2;
}

static std::string formatAction(const Action &action) {
  static const char names[] = {'F', 'B', 'I', 'W'};
  return names[static_cast<int>(action.kind)] + std::to_string(action.stage) +
         "." + std::to_string(action.microBatch);
}

std::string dsc::formatStep(const Step &step) {
  std::string text = formatAction(step.first);
  if (step.overlapped)
    text += "&" + formatAction(*step.overlapped);
  return text;
}

static llvm::Error checkCounts(int64_t pp, int64_t microBatches) {
  if (pp < 1)
    return fail("the pipeline needs at least one stage, got pp " +
                llvm::Twine(pp));
  if (microBatches < 1)
    return fail("the step needs at least one micro-batch, got " +
                llvm::Twine(microBatches));
  return llvm::Error::success();
}

/// Stage s on rank s, one direction.
static ScheduledPipeline linearSchedule(ScheduleKind kind, int64_t pp,
                                        int64_t microBatches) {
  ScheduledPipeline schedule;
  schedule.kind = kind;
  schedule.numStages = pp;
  schedule.numMicroBatches = microBatches;
  schedule.stageRank.emplace_back();
  for (int64_t s = 0; s < pp; ++s)
    schedule.stageRank[0].push_back(s);
  schedule.ranks.resize(pp);
  return schedule;
}

llvm::Expected<ScheduledPipeline> dsc::buildOneFOneB(int64_t pp,
                                                     int64_t microBatches) {
  if (llvm::Error error = checkCounts(pp, microBatches))
    return std::move(error);
  ScheduledPipeline schedule =
      linearSchedule(ScheduleKind::OneFOneB, pp, microBatches);
  for (int64_t rank = 0; rank < pp; ++rank) {
    std::vector<Step> &steps = schedule.ranks[rank];
    int64_t warmup = std::min(pp - rank - 1, microBatches);
    int64_t forward = 0, backward = 0;
    for (; forward < warmup; ++forward)
      steps.push_back({{ActionKind::F, rank, forward}, std::nullopt});
    for (; forward < microBatches; ++forward, ++backward) {
      steps.push_back({{ActionKind::F, rank, forward}, std::nullopt});
      steps.push_back({{ActionKind::B, rank, backward}, std::nullopt});
    }
    for (; backward < microBatches; ++backward)
      steps.push_back({{ActionKind::B, rank, backward}, std::nullopt});
  }
  return schedule;
}

namespace {
/// Emits one DualPipe rank's program, following the reference's phases.
class DualPipeRank {
public:
  DualPipeRank(int64_t rank, int64_t pp, int64_t microBatches,
               std::vector<Step> &steps)
      : rank(rank), pp(pp), half(microBatches / 2), steps(steps),
        secondHalf(rank >= pp / 2) {}

  void build();

private:
  /// Phase 0/1 of this rank: its direction and stage.
  int64_t direction(int phase) const { return phase ^ secondHalf; }
  int64_t stage(int phase) const {
    return direction(phase) == 0 ? rank : pp - 1 - rank;
  }
  int64_t microBatch(int phase, int64_t chunk) const {
    return direction(phase) == 0 ? chunk : half + chunk;
  }
  Action forwardAction(int phase) {
    return {ActionKind::F, stage(phase),
            microBatch(phase, forwardNext[phase]++)};
  }
  Action backwardAction(int phase, bool zeroBubble) {
    Action action{zeroBubble ? ActionKind::I : ActionKind::B, stage(phase),
                  microBatch(phase, backwardNext[phase]++)};
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

  int64_t rank, pp, half;
  std::vector<Step> &steps;
  int secondHalf;
  int64_t forwardNext[2] = {0, 0}, backwardNext[2] = {0, 0};
  std::deque<Action> pendingWeights;
};
} // namespace

void DualPipeRank::build() {
  int64_t halfRanks = pp / 2;
  int64_t halfRank = std::min(rank, pp - 1 - rank);
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
  for (int64_t i = 0; i < half - pp + halfRank + 1; ++i) {
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
  if (llvm::Error error = checkCounts(pp, microBatches))
    return std::move(error);
  if (pp % 2 != 0 || microBatches % 2 != 0 || microBatches < 2 * pp)
    return fail("DualPipe needs an even number of stages and an even number "
                "of micro-batches of at least 2 * pp; have pp " +
                llvm::Twine(pp) + " and " + llvm::Twine(microBatches) +
                " micro-batches");
  ScheduledPipeline schedule;
  schedule.kind = ScheduleKind::DualPipe;
  schedule.numStages = pp;
  schedule.numMicroBatches = microBatches;
  schedule.stageRank.resize(2);
  for (int64_t s = 0; s < pp; ++s) {
    schedule.stageRank[0].push_back(s);
    schedule.stageRank[1].push_back(pp - 1 - s);
  }
  schedule.ranks.resize(pp);
  for (int64_t rank = 0; rank < pp; ++rank)
    DualPipeRank(rank, pp, microBatches, schedule.ranks[rank]).build();
  return schedule;
}
