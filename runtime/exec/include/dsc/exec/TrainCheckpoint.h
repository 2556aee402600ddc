//===- TrainCheckpoint.h - a rank's training state on disk ------*- C++ -*-===//
//
// dsc-run's checkpoints are dsc_io checkpoints (atomic directory swap,
// validated on load):
//   model.safetensors      every parameter the rank holds, in its plan
//                          dtype, by checkpoint tensor name (routed experts
//                          one tensor each, ParameterTensors.h)
//   optimizer.safetensors  "<tensor>.exp_avg", "<tensor>.exp_avg_sq",
//                          "<tensor>.master_weight" per optimizer state (in
//                          its dtype: BF16 moments stay BF16),
//                          "persistent.<buffer>" for persistent buffers,
//                          and dsc_io's `step`
//   metadata               step, data_position (tokens), and "model" (the
//                          plan's model name)
// Values are stored bit for bit and read back bit for bit, so training
// resumed from a checkpoint continues exactly as if it had not stopped.
// Gradients, losses and loads are not saved: the optimizer zeroes them at
// the end of every step, and activations do not outlive a micro-batch.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_EXEC_TRAINCHECKPOINT_H
#define DSC_EXEC_TRAINCHECKPOINT_H

#include "dsc/exec/Buffers.h"
#include "dsc/plan/Plan.h"

#include <cstdint>
#include <string>

namespace dsc::exec {

struct TrainingProgress {
  /// Optimizer steps taken.
  uint64_t step = 0;
  /// Where the token stream continues (TokenBatches).
  uint64_t dataPosition = 0;
};

/// Saves the rank's state atomically to `dir`. Throws ExecError.
void saveTrainingCheckpoint(const std::string &dir, const plan::Plan &plan,
                            const plan::Rank &rank, const BufferSet &buffers,
                            const TrainingProgress &progress);

/// Whether `dir` holds a checkpoint (its model file exists).
bool hasTrainingCheckpoint(const std::string &dir);

/// Restores the rank's state from `dir`. Throws ExecError listing every
/// tensor that is missing, extra, or of another shape or dtype than the
/// plan's.
TrainingProgress loadTrainingCheckpoint(const std::string &dir,
                                        const plan::Plan &plan,
                                        const plan::Rank &rank,
                                        BufferSet &buffers);

} // namespace dsc::exec

#endif // DSC_EXEC_TRAINCHECKPOINT_H
