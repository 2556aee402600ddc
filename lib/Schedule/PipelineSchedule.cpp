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

static constexpr ScheduleKind kAllKinds[] = {
    ScheduleKind::one_f_one_b, ScheduleKind::interleaved_1f1b,
    ScheduleKind::zb_h1,       ScheduleKind::zb_v,
    ScheduleKind::dualpipe,    ScheduleKind::dualpipev};

llvm::StringRef dsc::scheduleKindName(ScheduleKind kind) {
  switch (kind) {
  case ScheduleKind::one_f_one_b:
    return "1f1b";
  case ScheduleKind::interleaved_1f1b:
    return "interleaved-1f1b";
  case ScheduleKind::zb_h1:
    return "zb-h1";
  case ScheduleKind::zb_v:
    return "zb-v";
  case ScheduleKind::dualpipe:
    return "dualpipe";
  case ScheduleKind::dualpipev:
    return "dualpipev";
  }
  return "";
}

std::optional<ScheduleKind> dsc::parseScheduleKind(llvm::StringRef name) {
  for (ScheduleKind kind : kAllKinds)
    if (name == scheduleKindName(kind) || name == stringifyScheduleKind(kind))
      return kind;
  return std::nullopt;
}

std::string dsc::scheduleKindList() {
  std::string list;
  for (auto [index, kind] : llvm::enumerate(kAllKinds)) {
    if (index)
      list += index + 1 == std::size(kAllKinds) ? " or " : ", ";
    list += scheduleKindName(kind).str();
  }
  return list;
}

llvm::Expected<PipelineShape>
dsc::pipelineShape(ScheduleKind kind, int64_t pp,
                   std::optional<int64_t> virtualStages) {
  if (pp < 1)
    return requestError(ScheduleParameter::PP,
                        "the pipeline needs at least one rank, got pp " +
                            llvm::Twine(pp));
  if (virtualStages && kind != ScheduleKind::interleaved_1f1b)
    return requestError(ScheduleParameter::VirtualStages,
                        "virtual stages apply only to interleaved-1f1b, not " +
                            scheduleKindName(kind));
  PipelineShape shape{kind, pp, pp, 1};
  switch (kind) {
  case ScheduleKind::one_f_one_b:
  case ScheduleKind::zb_h1:
    break;
  case ScheduleKind::dualpipe:
    shape.stagesPerRank = 2;
    break;
  case ScheduleKind::zb_v:
  case ScheduleKind::dualpipev:
    shape.stagesPerRank = 2;
    shape.stages = 2 * pp;
    break;
  case ScheduleKind::interleaved_1f1b: {
    int64_t chunks = virtualStages.value_or(2);
    if (chunks < 2)
      return requestError(ScheduleParameter::VirtualStages,
                          "interleaved 1F1B needs at least 2 virtual stages "
                          "(model chunks) per rank, got " +
                              llvm::Twine(chunks) +
                              "; use 1f1b for one chunk per rank");
    if (chunks > ScheduleRequest::kMaxStages / pp)
      return requestError(ScheduleParameter::VirtualStages,
                          "pp " + llvm::Twine(pp) + " x " +
                              llvm::Twine(chunks) +
                              " virtual stages exceed the " +
                              llvm::Twine(ScheduleRequest::kMaxStages) +
                              " stages a pipeline has at most");
    shape.stagesPerRank = chunks;
    shape.stages = chunks * pp;
    break;
  }
  }
  return shape;
}

int64_t ScheduledPipeline::directionOf(int64_t microBatch) const {
  return kind == ScheduleKind::dualpipe && microBatch >= numMicroBatches / 2;
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

llvm::Error dsc::detail::checkCounts(int64_t pp, int64_t stages,
                                     int64_t microBatches) {
  if (pp < 1)
    return requestError(ScheduleParameter::PP,
                        "the pipeline needs at least one rank, got pp " +
                            llvm::Twine(pp));
  if (microBatches < 1)
    return requestError(ScheduleParameter::MicroBatches,
                        "the step needs at least one micro-batch, got " +
                            llvm::Twine(microBatches));
  if (stages > ScheduleRequest::kMaxStages)
    return requestError(ScheduleParameter::PP,
                        "a pipeline has at most " +
                            llvm::Twine(ScheduleRequest::kMaxStages) +
                            " stages, got " + llvm::Twine(stages) + " on pp " +
                            llvm::Twine(pp) + " ranks");
  if (microBatches > ScheduleRequest::kMaxMicroBatches)
    return requestError(ScheduleParameter::MicroBatches,
                        "a step has at most " +
                            llvm::Twine(ScheduleRequest::kMaxMicroBatches) +
                            " micro-batches, got " + llvm::Twine(microBatches));
  if (stages * microBatches > ScheduleRequest::kMaxStageMicroBatches)
    return requestError(
        ScheduleParameter::MicroBatches,
        llvm::Twine(stages) + " stages x " + llvm::Twine(microBatches) +
            " micro-batches exceed the " +
            llvm::Twine(ScheduleRequest::kMaxStageMicroBatches) +
            " (stage, micro-batch) passes a schedule holds; use fewer "
            "micro-batches");
  return llvm::Error::success();
}

llvm::Expected<ScheduledPipeline> dsc::buildOneFOneB(int64_t pp,
                                                     int64_t microBatches) {
  if (llvm::Error error = checkCounts(pp, pp, microBatches))
    return std::move(error);
  ScheduledPipeline schedule =
      emptySchedule(ScheduleKind::one_f_one_b, pp, microBatches, pp,
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

void dsc::combinePasses(ScheduledPipeline &schedule) {
  for (std::vector<Step> &steps : schedule.ranks) {
    std::vector<Step> combined;
    combined.reserve(steps.size());
    for (size_t i = 0; i < steps.size(); ++i) {
      const Step &step = steps[i];
      bool pairs = i + 1 < steps.size() && !step.overlapped &&
                   !steps[i + 1].overlapped &&
                   step.first.kind == ActionKind::B &&
                   steps[i + 1].first.kind == ActionKind::F;
      if (!pairs) {
        combined.push_back(step);
        continue;
      }
      combined.push_back(Step{step.first, steps[i + 1].first});
      ++i;
    }
    steps = std::move(combined);
  }
}

static llvm::Expected<ScheduledPipeline>
buildUncombined(const ScheduleRequest &request, const PipelineShape &shape) {
  switch (request.kind) {
  case ScheduleKind::one_f_one_b:
    return buildOneFOneB(request.pp, request.microBatches);
  case ScheduleKind::interleaved_1f1b:
    return buildInterleavedOneFOneB(request.pp, shape.stagesPerRank,
                                    request.microBatches);
  case ScheduleKind::zb_h1:
    return buildZeroBubbleH1(request.pp, request.microBatches);
  case ScheduleKind::zb_v:
    return buildZeroBubbleV(request.pp, request.microBatches);
  case ScheduleKind::dualpipe:
    return buildDualPipe(request.pp, request.microBatches);
  case ScheduleKind::dualpipev:
    return buildDualPipeV(request.pp, request.microBatches);
  }
  llvm_unreachable("every schedule kind is built");
}

llvm::Expected<ScheduledPipeline>
dsc::buildSchedule(const ScheduleRequest &request) {
  // The shape states the virtual-stage preconditions.
  llvm::Expected<PipelineShape> shape =
      pipelineShape(request.kind, request.pp, request.virtualStages);
  if (!shape)
    return shape.takeError();
  if (request.combined && request.kind != ScheduleKind::one_f_one_b &&
      request.kind != ScheduleKind::interleaved_1f1b)
    return llvm::make_error<ScheduleRequestError>(
        ScheduleParameter::Combined,
        (scheduleKindName(request.kind) +
         " has no forward-backward steady state to combine (DualPipe and "
         "DualPipeV overlap their own pairs; zero-bubble schedules split the "
         "backward); use 1f1b or interleaved-1f1b")
            .str());
  llvm::Expected<ScheduledPipeline> schedule = buildUncombined(request, *shape);
  if (schedule && request.combined)
    combinePasses(*schedule);
  return schedule;
}

