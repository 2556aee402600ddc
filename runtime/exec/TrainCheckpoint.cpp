//===- TrainCheckpoint.cpp - a rank's training state on disk --------------===//

#include "dsc/exec/TrainCheckpoint.h"
#include "dsc/exec/ExecError.h"
#include "dsc/exec/ParameterTensors.h"
#include "dsc/io/Checkpoint.h"
#include "dsc/io/Error.h"

#include <algorithm>
#include <cstring>
#include <sys/stat.h>

namespace dsc::exec {
namespace {

/// One tensor of the checkpoint and the bytes of the buffer it is.
struct Entry {
  bool optimizer; // in optimizer.safetensors, else model.safetensors
  std::string name;
  io::DType dtype;
  io::Shape shape;
  uint32_t buffer;
  size_t byteOffset, bytes;
};

io::DType ioDType(const plan::Buffer &b, uint32_t id) {
  switch (b.dtype) {
  case plan::DType::f32:
    return io::DType::F32;
  case plan::DType::bf16:
    return io::DType::BF16;
  case plan::DType::f16:
    return io::DType::F16;
  case plan::DType::i32:
    return io::DType::I32;
  case plan::DType::i64:
    return io::DType::I64;
  case plan::DType::fp8_e4m3:
    return io::DType::F8_E4M3;
  default:
    throw ExecError("buffer b" + std::to_string(id) + " '" + b.name + "' is " +
                    plan::dtypeName(b.dtype) +
                    ", which checkpoints cannot store");
  }
}

std::vector<Entry> checkpointEntries(const plan::Plan &plan,
                                     const plan::Rank &rank,
                                     const BufferSet &buffers) {
  std::vector<Entry> entries;
  for (uint32_t id = 0; id < rank.buffers.size(); ++id) {
    const plan::Buffer &b = rank.buffers[id];
    size_t elementBytes = plan::dtypeBytes(b.dtype);
    if (b.role == plan::BufferRole::persistent) {
      entries.push_back({true, "persistent." + b.name, ioDType(b, id), b.shape,
                         id, 0, buffers.bytes(id)});
      continue;
    }
    bool param = b.role == plan::BufferRole::parameter;
    if (!param && b.role != plan::BufferRole::optimizer_state)
      continue;
    std::string suffix = param ? "" : "." + plan::stateName(b.state);
    for (const ParameterTensor &t :
         parameterTensors(plan.parameters[b.parameter]))
      entries.push_back({!param, t.name + suffix, ioDType(b, id), t.shape, id,
                         size_t(t.offset) * elementBytes,
                         size_t(t.numel) * elementBytes});
  }
  return entries;
}

constexpr size_t kMaxListedProblems = 12;

/// The first `n` lines of `text`, then how many more there were.
std::string firstLines(const std::string &text, size_t n) {
  size_t pos = 0;
  for (size_t i = 0; i < n; ++i) {
    pos = text.find('\n', pos);
    if (pos == std::string::npos)
      return text;
    ++pos;
  }
  size_t more = std::count(text.begin() + pos, text.end(), '\n') + 1;
  return text.substr(0, pos) + "... and " + std::to_string(more) + " more";
}

} // namespace

void saveTrainingCheckpoint(const std::string &dir, const plan::Plan &plan,
                            const plan::Rank &rank, const BufferSet &buffers,
                            const TrainingProgress &progress) {
  io::CheckpointContents contents;
  for (const Entry &e : checkpointEntries(plan, rank, buffers)) {
    io::TensorRef ref{e.name, e.dtype, e.shape,
                      buffers.as<uint8_t>(e.buffer) + e.byteOffset, e.bytes};
    (e.optimizer ? contents.optimizer : contents.model).push_back(ref);
  }
  contents.state.step = progress.step;
  contents.state.dataPosition = progress.dataPosition;
  contents.state.extra["model"] = plan.model.name;
  try {
    io::saveCheckpoint(dir, contents);
  } catch (const io::Error &e) {
    throw ExecError(std::string("saving the checkpoint: ") + e.what());
  }
}

bool hasTrainingCheckpoint(const std::string &dir) {
  struct stat st;
  std::string model = dir + "/" + io::kCheckpointModelFile;
  return ::stat(model.c_str(), &st) == 0;
}

TrainingProgress loadTrainingCheckpoint(const std::string &dir,
                                        const plan::Plan &plan,
                                        const plan::Rank &rank,
                                        BufferSet &buffers) {
  std::vector<Entry> entries = checkpointEntries(plan, rank, buffers);
  try {
    io::Checkpoint ckpt = io::Checkpoint::load(dir);
    std::vector<io::TensorSpec> model, optimizer;
    for (const Entry &e : entries)
      (e.optimizer ? optimizer : model).push_back({e.name, e.shape, e.dtype});
    // Both lists are checked before either throws, so one run names every
    // problem.
    std::string problems;
    for (bool opt : {false, true}) {
      try {
        opt ? ckpt.expectOptimizer(optimizer) : ckpt.expectModel(model);
      } catch (const io::Error &e) {
        problems += std::string(problems.empty() ? "" : "\n") + e.what();
      }
    }
    if (!problems.empty())
      throw ExecError(
          dir + ": the checkpoint does not fit the plan:\n" +
          firstLines(problems, kMaxListedProblems) +
          "\nResuming restores the exact training state, so it needs the "
          "plan that wrote the checkpoint (same model, storage and "
          "optimizer). To go on under another plan, start from the trained "
          "weights: --weights " +
          dir + "/model.safetensors");
    for (const Entry &e : entries) {
      io::TensorView view =
          (e.optimizer ? ckpt.optimizer() : ckpt.model()).view(e.name);
      if (view.bytes != e.bytes)
        throw ExecError(dir + ": tensor '" + e.name + "' has " +
                        std::to_string(view.bytes) + " bytes, expected " +
                        std::to_string(e.bytes));
      std::memcpy(buffers.as<uint8_t>(e.buffer) + e.byteOffset, view.data,
                  e.bytes);
    }
    return {ckpt.state().step, ckpt.state().dataPosition};
  } catch (const io::Error &e) {
    throw ExecError(e.what());
  }
}

} // namespace dsc::exec
