//===- TokenBatches.h - micro-batches of training tokens --------*- C++ -*-===//
//
// A DSCTOKv1 file (dsc_io) read as one endless stream: a micro-batch of B
// sequences of S tokens takes the next window of B x S + 1 tokens; its ids
// are the window without its last token and its labels the window without
// its first (sequence b's ids are window[b S, (b + 1) S), its labels the
// same positions one ahead), and the next window starts B x S tokens
// later, so every token is a label once per pass. Positions wrap around at
// the end of the file. A step of M micro-batches on D data shards takes
// M x D windows: micro-batch m of shard d is window m x D + d after the
// step's start position. The position at a step's start is what a
// checkpoint saves to resume the stream exactly.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_EXEC_TOKENBATCHES_H
#define DSC_EXEC_TOKENBATCHES_H

#include "dsc/io/TokenFile.h"
#include "dsc/plan/Plan.h"

#include <cstdint>
#include <string>

namespace dsc::exec {

class TokenBatches {
public:
  /// Opens `path` for `plan`'s micro-batches, read as data shard `shard`.
  /// Throws ExecError when the file is invalid, its vocabulary is larger
  /// than the model's, or it holds fewer than B x S + 1 tokens.
  TokenBatches(const std::string &path, const plan::ModelFacts &model,
               int64_t shard);

  /// Tokens of one micro-batch (B x S).
  int64_t tokensPerMicroBatch() const { return tokensPerMicroBatch_; }
  /// How far one step moves the position: B x S x M x D tokens.
  uint64_t tokensPerStep() const;
  size_t size() const { return file_.size(); }

  /// Fills ids and labels (B x S each) of micro-batch `microBatch` of the
  /// step that starts at `position`.
  void fill(uint64_t position, int64_t microBatch, int32_t *ids,
            int32_t *labels) const;
  /// The position after the step that starts at `position`.
  uint64_t advance(uint64_t position) const;

private:
  io::TokenFile file_;
  int64_t tokensPerMicroBatch_;
  int64_t microBatches_;
  int64_t shards_;
  int64_t shard_;
};

} // namespace dsc::exec

#endif // DSC_EXEC_TOKENBATCHES_H
