//===- TrainCheckpoint.h - a rank's training state on disk ------*- C++ -*-===//
//
// dsc-run's checkpoints are dsc_io checkpoints (atomic directory swap,
// validated on load), written by every rank of the world together:
//   model.safetensors      rank 0's part: the parameters it writes, in
//   optimizer.safetensors  their plan dtype, by checkpoint tensor name
//                          (routed experts one tensor each,
//                          ParameterTensors.h); "<tensor>.exp_avg",
//                          "<tensor>.exp_avg_sq", "<tensor>.master_weight"
//                          per optimizer state (BF16 moments stay BF16);
//                          dsc_io's `step`; metadata step, data_position
//                          (tokens) and "model" (the plan's model name)
//   rank-NNNNN/            the same two files for every other rank that
//                          writes something
//   manifest.json          every tensor's dtype, shape and pieces: which
//                          part holds which elements under which key
// A whole tensor is written once, by the lowest rank holding it; a ZeRO-1
// shard by its rank, as "<tensor>@<first element>". The directory is
// swapped in once every rank wrote its part, so it appears whole or not
// at all. Loading reads each buffer's elements from whichever pieces hold
// them, so a checkpoint of one layout (pp, dp, zero) resumes under
// another; values are stored and read bit for bit, so training continues
// exactly as if it had not stopped. Gradients, losses and expert loads are
// not saved: the optimizer zeroes them at the end of every step, and
// activations do not outlive a micro-batch. A directory without a manifest
// holds every tensor whole in its top files (one-rank checkpoints of
// earlier versions).
//
//===----------------------------------------------------------------------===//

#ifndef DSC_EXEC_TRAINCHECKPOINT_H
#define DSC_EXEC_TRAINCHECKPOINT_H

#include "dsc/comm/Communicator.h"
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

/// Saves the world's state atomically to `dir`: collective over `world`
/// (null: a world of one), which every rank calls with its own rank and
/// buffers. Throws ExecError on every rank when any rank failed; the
/// previous checkpoint then survives.
void saveTrainingCheckpoint(const std::string &dir, const plan::Plan &plan,
                            const plan::Rank &rank, const BufferSet &buffers,
                            const TrainingProgress &progress,
                            comm::Communicator *world = nullptr);

/// Whether `dir` holds a checkpoint (its model file exists).
bool hasTrainingCheckpoint(const std::string &dir);

/// Restores the rank's state from `dir`, whichever layout wrote it. Throws
/// ExecError listing every tensor that is missing, extra, or of another
/// shape or dtype than the plan's.
TrainingProgress loadTrainingCheckpoint(const std::string &dir,
                                        const plan::Plan &plan,
                                        const plan::Rank &rank,
                                        BufferSet &buffers);

} // namespace dsc::exec

#endif // DSC_EXEC_TRAINCHECKPOINT_H
