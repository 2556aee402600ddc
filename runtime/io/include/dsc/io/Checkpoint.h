//===- Checkpoint.h - atomic, resumable training checkpoints ----*- C++ -*-===//
//
// A checkpoint is a directory:
//   model.safetensors      parameters
//   optimizer.safetensors  optimizer state (AdamW moments, ...) and `step`,
//                          an I64 scalar: the optimizer steps taken
// Both files' "__metadata__" carry "format" = "dsc-checkpoint", "version" =
// "1" and "step"; model.safetensors also carries "data_position" (where
// the data loader resumes, in tokens), "rng_state" (opaque text) and the
// caller's extra keys. Loading checks that the two files and the `step`
// tensor agree, so files of two different saves are never mixed.
//
// saveCheckpoint writes a new directory beside the target and swaps it in
// with one atomic rename (Linux renameat2 RENAME_EXCHANGE, which also
// replaces a non-empty directory); the old directory is then deleted. A
// crash at any moment leaves either the complete old or the complete new
// checkpoint under the target name, plus at worst a leftover
// ".<name>.tmp-XXXXXX" (or ".old") directory beside it. Such leftovers are
// removed by the next save (removeStaleCheckpointTemporaries), and only
// while the target holds a complete checkpoint: a crash between the two
// renames of a system without RENAME_EXCHANGE leaves the only complete
// copies at those names. One writer per checkpoint directory: a second
// concurrent writer's temporary would look stale.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_IO_CHECKPOINT_H
#define DSC_IO_CHECKPOINT_H

#include "dsc/io/SafeTensorsReader.h"
#include "dsc/io/SafeTensorsWriter.h"
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dsc::io {

inline constexpr const char *kCheckpointModelFile = "model.safetensors";
inline constexpr const char *kCheckpointOptimizerFile = "optimizer.safetensors";
/// The manifest a sharded checkpoint keeps beside its top-level files.
inline constexpr const char *kCheckpointManifestFile = "manifest.json";

/// Where training resumes.
struct TrainingState {
  uint64_t step = 0;
  uint64_t dataPosition = 0;
  std::string rngState;
  /// More metadata for model.safetensors; keys may not be the reserved
  /// format, version, step, data_position or rng_state.
  std::map<std::string, std::string> extra;
};

struct CheckpointContents {
  std::vector<TensorRef> model;
  /// Must not contain a tensor named "step" (written by saveCheckpoint).
  std::vector<TensorRef> optimizer;
  TrainingState state;
};

/// The points of a save a test can fail at (see SaveOptions::hook).
enum class SaveStage {
  TempDirCreated,
  ModelWritten,
  OptimizerWritten,
  BeforeCommit,
  Committed,
};

struct SaveOptions {
  /// Called at each stage; a hook that throws aborts the save there (the
  /// temporary directory is removed and the target is untouched unless the
  /// stage is Committed). For failure injection in tests.
  std::function<void(SaveStage)> hook;
};

/// Saves atomically to directory `dir` (replacing a previous checkpoint
/// there). Throws dsc::io::Error; the previous checkpoint then survives.
void saveCheckpoint(const std::string &dir, const CheckpointContents &contents,
                    const SaveOptions &options = {});

/// A checkpoint written by several processes (a sharded training
/// checkpoint): one of them begins the save, which checks the target as
/// saveCheckpoint does and returns the temporary directory beside it;
/// each writes its part into it (`part` "" for the files at the top, else
/// a "rank-<digits>" subdirectory, each part a complete pair of files);
/// the first writes any further top-level files (e.g. a manifest) and
/// commits, which swaps the whole directory in as saveCheckpoint does, or
/// aborts, which removes it. Throw dsc::io::Error; the previous checkpoint
/// then survives.
std::string beginCheckpointSave(const std::string &dir);
void writeCheckpointPart(const std::string &temp, const std::string &part,
                         const CheckpointContents &contents);
void commitCheckpointSave(const std::string &temp, const std::string &dir);
void abortCheckpointSave(const std::string &temp) noexcept;

/// Checks, before any work, that saveCheckpoint(dir) could write: the
/// target is absent, empty or a checkpoint, and a temporary directory can
/// be created beside it (and is removed again). Throws dsc::io::Error with
/// the message the save would give.
void checkCheckpointTarget(const std::string &dir);

/// Removes the temporary directories that interrupted saves to `dir` left
/// beside it, when `dir` holds a complete checkpoint (both files). Only
/// directories named as saveCheckpoint names them (".<name>.tmp-" and six
/// letters or digits, optionally ".old") holding nothing but checkpoint
/// files and their atomic-write temporaries are removed; anything else is
/// left alone. Returns how many were removed; never throws.
size_t removeStaleCheckpointTemporaries(const std::string &dir) noexcept;

/// What a tensor in a checkpoint must look like.
struct TensorSpec {
  std::string name;
  Shape shape;
  /// Any dtype when unset (the caller converts).
  std::optional<DType> dtype;
};

class Checkpoint {
public:
  /// Opens and validates both files and the metadata. Throws
  /// dsc::io::Error.
  static Checkpoint load(const std::string &dir);

  const std::string &directory() const { return dir_; }
  const SafeTensorsFile &model() const { return model_; }
  const SafeTensorsFile &optimizer() const { return optimizer_; }
  const TrainingState &state() const { return state_; }

  /// Checks the model's tensors against `specs`: every spec present with
  /// its shape (and dtype when set) and, unless `allowExtra`, no other
  /// tensor. Throws one dsc::io::Error listing every problem, one per
  /// line, each naming the file, the tensor and both shapes.
  void expectModel(const std::vector<TensorSpec> &specs,
                   bool allowExtra = false) const;
  /// The same for the optimizer's tensors (its `step` tensor excepted).
  void expectOptimizer(const std::vector<TensorSpec> &specs,
                       bool allowExtra = false) const;

private:
  std::string dir_;
  SafeTensorsFile model_;
  SafeTensorsFile optimizer_;
  TrainingState state_;
};

} // namespace dsc::io

#endif // DSC_IO_CHECKPOINT_H
