//===- Trainer.h - the training loop of dsc-run -----------------*- C++ -*-===//
//
// One step runs the rank's schedule in order. Before a schedule entry of
// micro-batch m, the input-id and label buffers of m (and those marked "the
// running micro-batch") are filled from the token stream (TokenBatches.h);
// before the first optimizer program the losses are read, since the
// optimizer's closing `fill` zeroes them for the next step; the optimizer
// runs with step s's learning rate (LearningRate.h).
//
// What a step reports, the same on every rank:
//   loss  the main cross-entropy (a loss buffer written by cross_entropy_fwd
//         from the `labels` buffer itself), divided by its loss weight and
//         averaged over the step's micro-batches: the mean next-token loss
//         per counted token. In a world of several ranks, the mean over the
//         ranks that hold a loss (each data-parallel replica's last pipeline
//         stage);
//   aux   the other loss buffers (MTP's), as weighted in the objective and
//         averaged over micro-batches, summed over the world and divided by
//         the number of ranks holding a loss;
//   balance  likewise, the routers' sequence-wise balance losses (the loss
//         buffers balance_loss_fwd writes);
//   tokens  the step's tokens over all data shards (micro-batches x B x S x
//         data shards), so tokens / seconds is the world's throughput.
//
// In a world of several ranks the trainer is collective: every rank builds
// it and takes each step together (a step ends by gathering the ranks'
// losses over the executor's world).
//
//===----------------------------------------------------------------------===//

#ifndef DSC_EXEC_TRAINER_H
#define DSC_EXEC_TRAINER_H

#include "dsc/exec/Executor.h"
#include "dsc/exec/ExpertLoads.h"
#include "dsc/exec/TokenBatches.h"
#include "dsc/exec/TrainCheckpoint.h"

#include <cstdint>
#include <set>
#include <vector>

namespace dsc::exec {

struct StepResult {
  uint64_t step = 0;
  double loss = 0;
  double aux = 0;
  double balance = 0;
  double lr = 0;
  double seconds = 0;
  uint64_t tokens = 0;
};

class Trainer {
public:
  /// Trains `executor`'s rank on `data`. Throws ExecError when the plan has
  /// no loss to report (WorldError, on every rank, when no rank of the
  /// world has one).
  Trainer(Executor &executor, TokenBatches &data);

  /// Steps taken and the stream position (for checkpoints, and to resume).
  const TrainingProgress &progress() const { return progress_; }
  void setProgress(const TrainingProgress &progress) { progress_ = progress; }

  /// Adds every step's expert loads to `meter` (null: none).
  void setLoadMeter(ExpertLoadMeter *meter) { meter_ = meter; }

  /// Runs step progress().step + 1. Throws ExecError.
  StepResult step();

private:
  struct LossTerm {
    uint32_t buffer;
    double scale; // 1 / loss weight for the main loss, 1 otherwise
  };
  /// Fills the ids and labels `program` reads with `microBatch`'s.
  void fillInputs(int32_t microBatch, uint32_t program);
  void readLosses(StepResult &result) const;
  /// What the step's passes left for the host: the losses and, with a
  /// meter, the expert loads.
  void readPasses(StepResult &result) const;
  void combineLosses(StepResult &result) const;

  Executor &exec_;
  TokenBatches &data_;
  TrainingProgress progress_;
  std::vector<LossTerm> main_, aux_, balance_;
  std::vector<uint32_t> ids_, labels_;
  /// Per program, the ids and labels buffers it reads.
  std::vector<std::set<uint32_t>> programInputs_;
  ExpertLoadMeter *meter_ = nullptr;
};

} // namespace dsc::exec

#endif // DSC_EXEC_TRAINER_H
