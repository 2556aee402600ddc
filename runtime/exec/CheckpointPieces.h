//===- CheckpointPieces.h - which checkpoint tensors a rank holds -*- C++
//-*-===//
//
// Private to dsc_exec: the pieces of checkpoint tensors (HuggingFace names,
// routed experts one tensor each; optimizer states "<tensor>.<state>") that
// a rank's parameter and optimizer-state buffers hold, whole or as a
// ZeRO-1 shard's slice, and the reader that fills a rank's buffers from a
// checkpoint written by any plan.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_EXEC_CHECKPOINTPIECES_H
#define DSC_EXEC_CHECKPOINTPIECES_H

#include "dsc/exec/Buffers.h"
#include "dsc/io/Checkpoint.h"
#include "dsc/plan/Plan.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace dsc::exec::detail {

/// Elements [begin, begin + count) of checkpoint tensor `name` (of the
/// whole `shape`), held by `buffer` from byte `byteOffset` on.
struct HeldTensor {
  bool optimizer = false; // an optimizer state, else a parameter
  std::string name;
  /// The parameter's checkpoint tensor: `name` without the state suffix.
  std::string parameterTensor;
  io::DType dtype = io::DType::F32;
  io::Shape shape;
  int64_t begin = 0, count = 0;
  uint32_t buffer = 0;
  size_t byteOffset = 0;
  int32_t parameter = -1;
  plan::OptimizerState state = plan::OptimizerState::none;
  bool sharded = false; // a ZeRO-1 shard (else every holder has it all)

  bool whole() const;
};

/// The buffers world rank `r` runs (a replica's are its source's); null
/// when the plan lacks it.
const std::vector<plan::Buffer> *buffersOf(const plan::Plan &plan, int32_t r);

/// Every checkpoint tensor piece the parameter and optimizer-state buffers
/// of world rank `r` hold. Throws ExecError for a dtype checkpoints cannot
/// store.
std::vector<HeldTensor> heldTensors(const plan::Plan &plan, int32_t r,
                                    const std::vector<plan::Buffer> &buffers);

/// A checkpoint directory: its top-level files, the manifest of a sharded
/// checkpoint (without one, every tensor lies whole in the top files, as
/// one-rank checkpoints were written), and the parts it names, opened as
/// they are needed.
class CheckpointReader {
public:
  /// Throws io::Error.
  explicit CheckpointReader(const std::string &dir);

  uint64_t step() const { return top_.state().step; }
  uint64_t dataPosition() const { return top_.state().dataPosition; }

  /// Fills the rank's parameters and optimizer states, by name, from
  /// whichever pieces hold them; a master weight the checkpoint lacks (it
  /// was written without ZeRO-1 for an FP32 parameter) is the parameter's
  /// value. Checks everything first and throws one io::Error listing the
  /// problems; the buffers are then untouched.
  void restore(const plan::Plan &plan, const plan::Rank &rank,
               BufferSet &buffers);

private:
  struct Piece {
    std::string part, key;
    int64_t begin = 0, count = 0;
  };
  struct Tensor {
    bool optimizer = false;
    io::DType dtype = io::DType::F32;
    io::Shape shape;
    std::vector<Piece> pieces;
  };

  void readManifest(const std::string &path);
  const io::Checkpoint &part(const std::string &name);
  /// Copies elements [begin, begin + count) of `tensor` to `out`; returns
  /// how many the pieces covered.
  int64_t copy(const std::string &name, const Tensor &tensor, int64_t begin,
               int64_t count, uint8_t *out);

  std::string dir_;
  io::Checkpoint top_;
  std::map<std::string, Tensor> tensors_;
  std::map<std::string, std::unique_ptr<io::Checkpoint>> parts_;
};

} // namespace dsc::exec::detail

#endif // DSC_EXEC_CHECKPOINTPIECES_H
