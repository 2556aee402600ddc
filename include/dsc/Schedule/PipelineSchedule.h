//===- PipelineSchedule.h - per-rank pipeline programs ----------*- C++ -*-===//
//
// A pipeline schedule is, for every rank, the ordered list of compute
// actions it runs: F (forward), B (full backward), I (backward for inputs)
// and W (backward for weights) of a global pipeline stage on a micro-batch,
// or two of them overlapped (DualPipe's F&B pairs). Generators build the
// published schedules; the simulator (PipelineSimulator.h) runs any of them.
// Plain C++: the scheduling pass, `dsc schedule` and the benchmarks share it.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_SCHEDULE_PIPELINESCHEDULE_H
#define DSC_SCHEDULE_PIPELINESCHEDULE_H

#include "llvm/Support/Error.h"
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dsc {

enum class ActionKind { F, B, I, W };

struct Action {
  ActionKind kind = ActionKind::F;
  int64_t stage = 0;
  int64_t microBatch = 0;

  bool operator==(const Action &other) const {
    return kind == other.kind && stage == other.stage &&
           microBatch == other.microBatch;
  }
};

/// One slot of a rank's program: an action, or two overlapped ones.
struct Step {
  Action first;
  std::optional<Action> overlapped;
};

enum class ScheduleKind { OneFOneB, DualPipe, DualPipeV };

struct ScheduledPipeline {
  ScheduleKind kind = ScheduleKind::OneFOneB;
  int64_t numStages = 0;
  int64_t numMicroBatches = 0;
  /// stageRank[direction][stage]: the rank running `stage` for micro-batches
  /// of that direction (one direction except for DualPipe).
  std::vector<std::vector<int64_t>> stageRank;
  /// Micro-batches [0, m/2) flow in direction 0, the rest in direction 1
  /// for DualPipe; all in direction 0 otherwise.
  int64_t directionOf(int64_t microBatch) const;
  std::vector<std::vector<Step>> ranks;
};

/// `F0.3`, `B15.2`, `F0.7&B15.2`.
std::string formatStep(const Step &step);

/// 1F1B: pp ranks, warm-up forwards, steady one-forward-one-backward,
/// cool-down backwards.
llvm::Expected<ScheduledPipeline> buildOneFOneB(int64_t pp,
                                                int64_t microBatches);

/// DualPipe (DeepSeek-V3 §3.2.1): rank r runs stage r for micro-batches in
/// one direction and stage pp - 1 - r for the other, in eight phases of
/// forwards, overlapped forward-backward pairs and zero-bubble backwards.
/// Needs an even pp and an even micro-batch count of at least 2 * pp.
llvm::Expected<ScheduledPipeline> buildDualPipe(int64_t pp,
                                                int64_t microBatches);

/// DualPipeV (DualPipe cut in half): pp / 2 ranks, rank r running stages r
/// and pp - 1 - r of one V-shaped pipeline, in DualPipe's phases. Needs an
/// even pp and at least pp micro-batches.
llvm::Expected<ScheduledPipeline> buildDualPipeV(int64_t pp,
                                                 int64_t microBatches);

} // namespace dsc

#endif // DSC_SCHEDULE_PIPELINESCHEDULE_H
