//===- PipelineSimulator.cpp - run a pipeline schedule under costs --------===//

#include "dsc/Schedule/PipelineSimulator.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/Twine.h"
#include <algorithm>

using namespace dsc;

namespace {
/// Finish times of completed actions, one slot per (kind, stage,
/// micro-batch): the simulator asks every rank at every step.
class Completed {
public:
  Completed(int64_t stages, int64_t microBatches)
      : stages(stages), microBatches(microBatches),
        times(4 * stages * microBatches, -1) {}

  void record(const Action &action, double finish) {
    times[index(action.kind, action.stage, action.microBatch)] = finish;
  }
  std::optional<double> finish(ActionKind kind, int64_t stage,
                               int64_t microBatch) const {
    double time = times[index(kind, stage, microBatch)];
    if (time < 0)
      return std::nullopt;
    return time;
  }
  /// A backward of (stage, microBatch): B, or I when split.
  std::optional<double> backward(int64_t stage, int64_t microBatch) const {
    if (auto full = finish(ActionKind::B, stage, microBatch))
      return full;
    return finish(ActionKind::I, stage, microBatch);
  }

private:
  size_t index(ActionKind kind, int64_t stage, int64_t microBatch) const {
    return (static_cast<size_t>(kind) * stages + stage) * microBatches +
           microBatch;
  }
  int64_t stages, microBatches;
  std::vector<double> times; // -1: not done
};
} // namespace

/// When `action`'s inputs are ready on `rank`, or nullopt if they are not
/// done; `waitingFor` names the missing input.
static std::optional<double> inputsReady(const ScheduledPipeline &schedule,
                                         const Completed &done,
                                         const Action &action, int64_t rank,
                                         double comm, Action &waitingFor) {
  int64_t direction = schedule.directionOf(action.microBatch);
  auto fromRank = [&](int64_t stage, double finish) {
    return schedule.stageRank[direction][stage] == rank ? finish
                                                        : finish + comm;
  };
  auto need = [&](ActionKind kind, int64_t stage,
                  std::optional<double> finish) -> std::optional<double> {
    if (!finish)
      waitingFor = {kind, stage, action.microBatch};
    return finish;
  };
  int64_t last = schedule.numStages - 1;
  switch (action.kind) {
  case ActionKind::F: {
    if (action.stage == 0)
      return 0.0;
    auto previous =
        need(ActionKind::F, action.stage - 1,
             done.finish(ActionKind::F, action.stage - 1, action.microBatch));
    if (!previous)
      return std::nullopt;
    return fromRank(action.stage - 1, *previous);
  }
  case ActionKind::B:
  case ActionKind::I: {
    auto forward =
        need(ActionKind::F, action.stage,
             done.finish(ActionKind::F, action.stage, action.microBatch));
    if (!forward)
      return std::nullopt;
    if (action.stage == last)
      return *forward;
    auto next = need(ActionKind::B, action.stage + 1,
                     done.backward(action.stage + 1, action.microBatch));
    if (!next)
      return std::nullopt;
    return std::max(*forward, fromRank(action.stage + 1, *next));
  }
  case ActionKind::W:
    return need(ActionKind::I, action.stage,
                done.finish(ActionKind::I, action.stage, action.microBatch));
  }
  return std::nullopt;
}

StageCosts ActionCosts::of(int64_t stage) const {
  if (!stages.empty())
    return stages[stage];
  return {forward, backward, weight, forwardBackward};
}

static double costOf(const Action &action, const ActionCosts &costs) {
  StageCosts stage = costs.of(action.stage);
  switch (action.kind) {
  case ActionKind::F:
    return stage.forward;
  case ActionKind::B:
    return stage.backward;
  case ActionKind::I:
    return stage.backward - stage.weight;
  case ActionKind::W:
    return stage.weight;
  }
  return 0.0;
}

static double costOf(const Step &step, const ActionCosts &costs) {
  if (!step.overlapped)
    return costOf(step.first, costs);
  const Action &forward =
      step.overlapped->kind == ActionKind::F ? *step.overlapped : step.first;
  if (std::optional<double> pair = costs.of(forward.stage).forwardBackward)
    return *pair;
  return costOf(step.first, costs) + costOf(*step.overlapped, costs);
}

static llvm::Error checkCosts(const ScheduledPipeline &schedule,
                              const ActionCosts &costs) {
  auto fail = [](const llvm::Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  };
  if (!costs.stages.empty() &&
      costs.stages.size() != static_cast<size_t>(schedule.numStages))
    return fail(
        "per-stage costs are given for " + llvm::Twine(costs.stages.size()) +
        " stages, but the schedule has " + llvm::Twine(schedule.numStages));
  for (int64_t s = 0; s < schedule.numStages; ++s) {
    StageCosts stage = costs.of(s);
    if (!(stage.forward >= 0 && stage.weight >= 0 &&
          stage.weight <= stage.backward))
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "stage %lld: costs must be >= 0 and W (%g) at most B (%g)",
          static_cast<long long>(s), stage.weight, stage.backward);
  }
  return llvm::Error::success();
}

llvm::Expected<SimulationResult>
dsc::simulate(const ScheduledPipeline &schedule, const ActionCosts &costs) {
  if (llvm::Error error = checkCosts(schedule, costs))
    return std::move(error);
  int64_t numRanks = schedule.ranks.size();
  SimulationResult result;
  result.timeline.resize(numRanks);
  result.bubble.assign(numRanks, 0);
  result.peakActivations.assign(numRanks, 0);
  std::vector<size_t> next(numRanks, 0);
  std::vector<double> free(numRanks, 0), busy(numRanks, 0);
  Completed done(schedule.numStages, schedule.numMicroBatches);

  while (true) {
    // The ready step that can start earliest, over all ranks.
    int64_t chosen = -1;
    double chosenStart = 0;
    // Formatted only for a deadlock: the loop asks every rank every step.
    std::vector<Action> waiting(numRanks);
    bool finished = true;
    for (int64_t rank = 0; rank < numRanks; ++rank) {
      if (next[rank] == schedule.ranks[rank].size())
        continue;
      finished = false;
      const Step &step = schedule.ranks[rank][next[rank]];
      std::optional<double> ready = inputsReady(
          schedule, done, step.first, rank, costs.comm, waiting[rank]);
      if (ready && step.overlapped) {
        std::optional<double> other = inputsReady(
            schedule, done, *step.overlapped, rank, costs.comm, waiting[rank]);
        ready = other ? std::optional<double>(std::max(*ready, *other))
                      : std::nullopt;
      }
      if (!ready)
        continue;
      double start = std::max(free[rank], *ready);
      if (chosen < 0 || start < chosenStart) {
        chosen = rank;
        chosenStart = start;
      }
    }
    if (finished)
      break;
    if (chosen < 0) {
      std::string message = "the schedule deadlocks:";
      for (int64_t rank = 0; rank < numRanks; ++rank)
        if (next[rank] < schedule.ranks[rank].size())
          message += " rank " + std::to_string(rank) + " waits at " +
                     formatStep(schedule.ranks[rank][next[rank]]) + " for " +
                     formatStep({waiting[rank], {}}) + ";";
      message.pop_back();
      return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
    }
    const Step &step = schedule.ranks[chosen][next[chosen]++];
    double finish = chosenStart + costOf(step, costs);
    done.record(step.first, finish);
    if (step.overlapped)
      done.record(*step.overlapped, finish);
    free[chosen] = finish;
    busy[chosen] += finish - chosenStart;
    result.timeline[chosen].push_back({step, chosenStart, finish});
    result.stepTime = std::max(result.stepTime, finish);
  }

  // Activations: +1 at a forward, -1 at the B or W that frees them; in
  // bytes when the stages say how much a micro-batch keeps.
  bool priced = llvm::any_of(costs.stages, [](const StageCosts &stage) {
    return stage.activationBytes > 0;
  });
  if (priced)
    result.peakActivationBytes.assign(numRanks, 0);
  for (int64_t rank = 0; rank < numRanks; ++rank) {
    int64_t alive = 0;
    double aliveBytes = 0;
    for (const TimedStep &timed : result.timeline[rank]) {
      // A pair's two micro-batches are both live while it runs: its
      // forward's activations count before its backward frees its own.
      const Action *first = &timed.step.first;
      const Action *second =
          timed.step.overlapped ? &*timed.step.overlapped : nullptr;
      if (second && second->kind == ActionKind::F)
        std::swap(first, second);
      for (const Action *action : {first, second}) {
        if (!action)
          continue;
        double bytes = priced ? costs.stages[action->stage].activationBytes : 0;
        if (action->kind == ActionKind::F) {
          result.peakActivations[rank] =
              std::max(result.peakActivations[rank], ++alive);
          aliveBytes += bytes;
          if (priced)
            result.peakActivationBytes[rank] =
                std::max(result.peakActivationBytes[rank], aliveBytes);
        } else if (action->kind == ActionKind::B ||
                   action->kind == ActionKind::W) {
          --alive;
          aliveBytes -= bytes;
        }
      }
    }
    result.bubble[rank] = result.stepTime - busy[rank];
  }
  return result;
}
