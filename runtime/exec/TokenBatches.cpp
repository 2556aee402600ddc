//===- TokenBatches.cpp - micro-batches of training tokens ----------------===//

#include "dsc/exec/TokenBatches.h"
#include "dsc/exec/ExecError.h"
#include "dsc/io/Error.h"

namespace dsc::exec {
namespace {

io::TokenFile openTokens(const std::string &path) {
  try {
    return io::TokenFile::open(path);
  } catch (const io::Error &e) {
    throw ExecError(e.what());
  }
}

} // namespace

TokenBatches::TokenBatches(const std::string &path,
                           const plan::ModelFacts &model, int64_t shard)
    : file_(openTokens(path)),
      tokensPerMicroBatch_(model.microBatchSize * model.seqLen),
      microBatches_(model.microBatches), shards_(model.dataShards),
      shard_(shard) {
  if (file_.vocabSize() > static_cast<uint64_t>(model.vocabSize))
    throw ExecError(path + ": the token file's vocabulary has " +
                    std::to_string(file_.vocabSize()) +
                    " ids, the model's only " +
                    std::to_string(model.vocabSize));
  if (file_.size() < static_cast<uint64_t>(tokensPerMicroBatch_) + 1)
    throw ExecError(path + ": " + std::to_string(file_.size()) +
                    " tokens, a micro-batch needs " +
                    std::to_string(tokensPerMicroBatch_ + 1) + " (" +
                    std::to_string(model.microBatchSize) + " x " +
                    std::to_string(model.seqLen) + " + 1)");
  if (shard_ < 0 || shard_ >= shards_)
    throw ExecError("data shard " + std::to_string(shard_) +
                    " outside the plan's " + std::to_string(shards_));
}

uint64_t TokenBatches::tokensPerStep() const {
  return uint64_t(tokensPerMicroBatch_) * uint64_t(microBatches_) *
         uint64_t(shards_);
}

void TokenBatches::fill(uint64_t position, int64_t microBatch, int32_t *ids,
                        int32_t *labels) const {
  uint64_t n = file_.size();
  uint64_t window = uint64_t(microBatch * shards_ + shard_);
  // Both terms are below n, so the sum cannot overflow.
  uint64_t start =
      (position % n + (window * uint64_t(tokensPerMicroBatch_)) % n) % n;
  // Ids in the file are below its vocabulary, which is at most the
  // model's (checked above), so they fit int32.
  uint32_t previous = file_[start];
  for (int64_t i = 0; i < tokensPerMicroBatch_; ++i) {
    uint32_t next = file_[(start + uint64_t(i) + 1) % n];
    ids[i] = static_cast<int32_t>(previous);
    labels[i] = static_cast<int32_t>(next);
    previous = next;
  }
}

uint64_t TokenBatches::advance(uint64_t position) const {
  uint64_t n = file_.size();
  return (position % n + tokensPerStep() % n) % n;
}

} // namespace dsc::exec
