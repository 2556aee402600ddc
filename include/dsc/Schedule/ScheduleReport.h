//===- ScheduleReport.h - schedules for people and tools --------*- C++ -*-===//

#ifndef DSC_SCHEDULE_SCHEDULEREPORT_H
#define DSC_SCHEDULE_SCHEDULEREPORT_H

#include "dsc/Schedule/PipelineSimulator.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace dsc {

/// "1f1b", "dualpipe" or "dualpipev".
llvm::StringRef scheduleKindName(ScheduleKind kind);

/// Parses `F=1,B=2,W=1,FB=2.5,comm=0.1` (any subset, over the defaults).
llvm::Expected<ActionCosts> parseActionCosts(llvm::StringRef text);

/// `{"kind", "pp", "microbatches", "ranks": [{"rank", "actions": [...]}],
///   "step_time", "bubble": [...], "peak_activations": [...]}`.
llvm::json::Value scheduleToJSON(const ScheduledPipeline &schedule,
                                 const SimulationResult &result);

/// Chrome/Perfetto trace: one process per rank, its compute actions as
/// complete events (microseconds = cost units x 1000).
llvm::json::Value scheduleToTrace(const ScheduledPipeline &schedule,
                                  const SimulationResult &result);

/// A per-rank timeline in the terminal: one row per rank, one column per
/// time unit, the action letter in each busy unit and '.' when idle.
void printScheduleText(const ScheduledPipeline &schedule,
                       const SimulationResult &result, llvm::raw_ostream &os);

} // namespace dsc

#endif // DSC_SCHEDULE_SCHEDULEREPORT_H
