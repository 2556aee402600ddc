//===- PipelineSchedule.cpp - per-rank pipeline programs ------------------===//
//
// What all schedules share: names, formatting, request errors, the plain
// 1F1B builder and the dispatcher over every kind.
//
//===----------------------------------------------------------------------===//

#include "dsc/Schedule/PipelineSchedule.h"
#include "ScheduleBuilders.h"
#include "llvm/ADT/StringSwitch.h"

using namespace dsc;
using namespace dsc::detail;

char ScheduleRequestError::ID = 0;

void ScheduleRequestError::log(llvm::raw_ostream &os) const { os << message; }

llvm::StringRef dsc::scheduleKindName(ScheduleKind kind) {
  switch (kind) {
  case ScheduleKind::OneFOneB:
    return "1f1b";
  case ScheduleKind::InterleavedOneFOneB:
    return "interleaved-1f1b";
  case ScheduleKind::ZeroBubbleH1:
    return "zb-h1";
  case ScheduleKind::ZeroBubbleV:
    return "zb-v";
  case ScheduleKind::DualPipe:
    return "dualpipe";
  case ScheduleKind::DualPipeV:
    return "dualpipev";
  }
  return "";
}

std::optional<ScheduleKind> dsc::parseScheduleKind(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<ScheduleKind>>(name)
      .Case("1f1b", ScheduleKind::OneFOneB)
      .Case("interleaved-1f1b", ScheduleKind::InterleavedOneFOneB)
      .Case("zb-h1", ScheduleKind::ZeroBubbleH1)
      .Case("zb-v", ScheduleKind::ZeroBubbleV)
      .Case("dualpipe", ScheduleKind::DualPipe)
      .Case("dualpipev", ScheduleKind::DualPipeV)
      .Default(std::nullopt);
}

int64_t ScheduledPipeline::directionOf(int64_t microBatch) const {
  return kind == ScheduleKind::DualPipe && microBatch >= numMicroBatches / 2;
}

/// The rank running `stage` for `microBatch`, unless it is `rank` or the
/// stage does not exist.
static std::optional<int64_t> otherRank(const ScheduledPipeline &pipeline,
                                        int64_t stage, int64_t microBatch,
                                        int64_t rank) {
  if (stage < 0 || stage >= pipeline.numStages)
    return std::nullopt;
  int64_t owner = pipeline.stageRank[pipeline.directionOf(microBatch)][stage];
  if (owner == rank)
    return std::nullopt;
  return owner;
}

std::optional<int64_t> ScheduledPipeline::receiverOf(const Action &action,
                                                     int64_t rank) const {
  if (action.kind == ActionKind::W)
    return std::nullopt;
  int64_t next =
      action.kind == ActionKind::F ? action.stage + 1 : action.stage - 1;
  return otherRank(*this, next, action.microBatch, rank);
}

std::optional<int64_t> ScheduledPipeline::senderOf(const Action &action,
                                                   int64_t rank) const {
  if (action.kind == ActionKind::W)
    return std::nullopt;
  int64_t previous =
      action.kind == ActionKind::F ? action.stage - 1 : action.stage + 1;
  return otherRank(*this, previous, action.microBatch, rank);
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

llvm::Error dsc::detail::checkCounts(int64_t pp, int64_t microBatches) {
  if (pp < 1)
    return requestError(ScheduleParameter::PP,
                        "the pipeline needs at least one stage, got pp " +
                            llvm::Twine(pp));
  if (microBatches < 1)
    return requestError(ScheduleParameter::MicroBatches,
                        "the step needs at least one micro-batch, got " +
                            llvm::Twine(microBatches));
  if (pp > ScheduleRequest::kMaxStages)
    return requestError(ScheduleParameter::PP,
                        "a pipeline has at most " +
                            llvm::Twine(ScheduleRequest::kMaxStages) +
                            " stages, got " + llvm::Twine(pp));
  if (microBatches > ScheduleRequest::kMaxMicroBatches)
    return requestError(ScheduleParameter::MicroBatches,
                        "a step has at most " +
                            llvm::Twine(ScheduleRequest::kMaxMicroBatches) +
                            " micro-batches, got " + llvm::Twine(microBatches));
  if (pp * microBatches > ScheduleRequest::kMaxStageMicroBatches)
    return requestError(
        ScheduleParameter::MicroBatches,
        llvm::Twine(pp) + " stages x " + llvm::Twine(microBatches) +
            " micro-batches exceed the " +
            llvm::Twine(ScheduleRequest::kMaxStageMicroBatches) +
            " (stage, micro-batch) passes a schedule holds; use fewer "
            "micro-batches");
  return llvm::Error::success();
}

llvm::Expected<ScheduledPipeline> dsc::buildOneFOneB(int64_t pp,
                                                     int64_t microBatches) {
  if (llvm::Error error = checkCounts(pp, microBatches))
    return std::move(error);
  ScheduledPipeline schedule =
      emptySchedule(ScheduleKind::OneFOneB, pp, microBatches, pp,
                    [](int64_t s) { return s; });
  for (int64_t rank = 0; rank < pp; ++rank) {
    std::vector<Step> &steps = schedule.ranks[rank];
    int64_t warmup = std::min(pp - rank - 1, microBatches);
    int64_t forward = 0, backward = 0;
    for (; forward < warmup; ++forward)
      emit(steps, ActionKind::F, rank, forward);
    for (; forward < microBatches; ++forward, ++backward) {
      emit(steps, ActionKind::F, rank, forward);
      emit(steps, ActionKind::B, rank, backward);
    }
    for (; backward < microBatches; ++backward)
      emit(steps, ActionKind::B, rank, backward);
  }
  return schedule;
}

llvm::Expected<ScheduledPipeline>
dsc::buildSchedule(const ScheduleRequest &request) {
  switch (request.kind) {
  case ScheduleKind::OneFOneB:
    return buildOneFOneB(request.pp, request.microBatches);
  case ScheduleKind::InterleavedOneFOneB:
    return buildInterleavedOneFOneB(request.pp, request.virtualStages,
                                    request.microBatches);
  case ScheduleKind::ZeroBubbleH1:
    return buildZeroBubbleH1(request.pp, request.microBatches);
  case ScheduleKind::ZeroBubbleV:
    return buildZeroBubbleV(request.pp, request.microBatches);
  case ScheduleKind::DualPipe:
    return buildDualPipe(request.pp, request.microBatches);
  case ScheduleKind::DualPipeV:
    return buildDualPipeV(request.pp, request.microBatches);
  }
  llvm_unreachable("unknown schedule kind");
}
