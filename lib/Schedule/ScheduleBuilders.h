//===- ScheduleBuilders.h - helpers shared by the schedule builders -------===//
//
// Private to lib/Schedule: precondition errors and the empty schedule every
// builder starts from.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_LIB_SCHEDULE_SCHEDULEBUILDERS_H
#define DSC_LIB_SCHEDULE_SCHEDULEBUILDERS_H

#include "dsc/Schedule/PipelineSchedule.h"
#include "llvm/ADT/Twine.h"

namespace dsc::detail {

inline llvm::Error requestError(ScheduleParameter parameter,
                                const llvm::Twine &message) {
  return llvm::make_error<ScheduleRequestError>(parameter, message.str());
}

/// At least one rank and one micro-batch, at most ScheduleRequest's bounds
/// on `stages` and micro-batches.
llvm::Error checkCounts(int64_t pp, int64_t stages, int64_t microBatches);

/// `numRanks` empty programs and one direction of `stages` stages, each on
/// the rank `rankOf(stage)` gives.
template <typename RankOf>
ScheduledPipeline emptySchedule(ScheduleKind kind, int64_t stages,
                                int64_t microBatches, int64_t numRanks,
                                RankOf rankOf) {
  ScheduledPipeline schedule;
  schedule.kind = kind;
  schedule.numStages = stages;
  schedule.numMicroBatches = microBatches;
  schedule.stageRank.emplace_back();
  for (int64_t s = 0; s < stages; ++s)
    schedule.stageRank[0].push_back(rankOf(s));
  schedule.ranks.resize(numRanks);
  return schedule;
}

/// Appends a single, not overlapped, action.
inline void emit(std::vector<Step> &steps, ActionKind kind, int64_t stage,
                 int64_t microBatch) {
  steps.push_back({{kind, stage, microBatch}, std::nullopt});
}

} // namespace dsc::detail

#endif // DSC_LIB_SCHEDULE_SCHEDULEBUILDERS_H
