//===- ScheduleReport.h - schedules for people and tools --------*- C++ -*-===//

#ifndef DSC_SCHEDULE_SCHEDULEREPORT_H
#define DSC_SCHEDULE_SCHEDULEREPORT_H

#include "dsc/Schedule/PipelineSimulator.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace dsc {

/// Parses `F=1,B=2,W=1,FB=2.5,comm=0.1` (any subset, over the defaults).
llvm::Expected<ActionCosts> parseActionCosts(llvm::StringRef text);

/// `{"kind", "pp", "microbatches", "ranks": [{"rank", "actions": [...]}],
///   "step_time", "bubble": [...], "peak_activations": [...]}`.
llvm::json::Value scheduleToJSON(const ScheduledPipeline &schedule,
                                 const SimulationResult &result);

/// Chrome/Perfetto trace: one process per rank with two tracks, "compute"
/// (its actions) and "send" (each output sent to another rank, lasting
/// `comm`); microseconds = cost units x 1000.
llvm::json::Value scheduleToTrace(const ScheduledPipeline &schedule,
                                  const SimulationResult &result, double comm);

/// An SVG picture in the style of DeepSeek's DualPipe figure: one row per
/// rank, time to the right, a block per action coloured by kind with its
/// micro-batch number, overlapped pairs split in two, reverse-direction
/// (DualPipe) or odd-chunk passes in a darker shade, a legend, the step
/// time and each rank's bubble. In ScheduleSvg.cpp.
void writeScheduleSvg(const ScheduledPipeline &schedule,
                      const SimulationResult &result, llvm::raw_ostream &os);

/// A per-rank timeline in the terminal: one row per rank, one column per
/// time unit, the action letter in each busy unit and '.' when idle.
void printScheduleText(const ScheduledPipeline &schedule,
                       const SimulationResult &result, llvm::raw_ostream &os);

} // namespace dsc

#endif // DSC_SCHEDULE_SCHEDULEREPORT_H
