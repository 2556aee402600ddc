//===- CheckpointPieces.cpp - which checkpoint tensors a rank holds -------===//

#include "CheckpointPieces.h"
#include "dsc/exec/ExecError.h"
#include "dsc/exec/ParameterTensors.h"
#include "dsc/io/Error.h"
#include "dsc/io/Json.h"
#include "dsc/io/MappedFile.h"
#include "dsc/io/TensorConvert.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <sys/stat.h>

namespace dsc::exec::detail {
namespace {

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

/// `key`'s unsigned integer in manifest object `object`.
int64_t manifestCount(const io::JsonValue &object, const char *key,
                      const std::string &path) {
  const io::JsonValue *value = object.find(key);
  std::optional<uint64_t> n = value ? value->asUInt64() : std::nullopt;
  if (!n || *n > uint64_t(INT64_MAX))
    throw io::Error(path + ": '" + key +
                    "' must be a non-negative integer in every entry");
  return int64_t(*n);
}

std::string manifestString(const io::JsonValue &object, const char *key,
                           const std::string &path) {
  const io::JsonValue *value = object.find(key);
  if (!value || !value->isString())
    throw io::Error(path + ": '" + key + "' must be a string in every entry");
  return value->stringValue();
}

} // namespace

bool HeldTensor::whole() const {
  return begin == 0 && count == plan::numElements(shape).value_or(0);
}

const std::vector<plan::Buffer> *buffersOf(const plan::Plan &plan, int32_t r) {
  const plan::Rank *own = plan.findRank(r);
  if (own && own->replicaOf >= 0)
    own = plan.findRank(own->replicaOf);
  return own ? &own->buffers : nullptr;
}

std::vector<HeldTensor> heldTensors(const plan::Plan &plan, int32_t r,
                                    const std::vector<plan::Buffer> &buffers) {
  std::vector<HeldTensor> held;
  for (uint32_t id = 0; id < buffers.size(); ++id) {
    const plan::Buffer &b = buffers[id];
    bool optimizer = b.role == plan::BufferRole::optimizer_state;
    if (b.role != plan::BufferRole::parameter && !optimizer)
      continue;
    std::optional<plan::ShardRange> range = plan.shardRange(r, b);
    if (!range)
      continue; // the validator refuses such a buffer
    std::string suffix = optimizer ? "." + plan::stateName(b.state) : "";
    size_t elementBytes = plan::dtypeBytes(b.dtype);
    int64_t end = range->begin + range->count;
    for (const ParameterTensor &t :
         parameterTensors(plan.parameters[b.parameter])) {
      int64_t from = std::max(range->begin, t.offset);
      int64_t to = std::min(end, t.offset + t.numel);
      if (from >= to)
        continue;
      HeldTensor h;
      h.optimizer = optimizer;
      h.name = t.name + suffix;
      h.parameterTensor = t.name;
      h.dtype = ioDType(b, id);
      h.shape = t.shape;
      h.begin = from - t.offset;
      h.count = to - from;
      h.buffer = id;
      h.byteOffset = size_t(from - range->begin) * elementBytes;
      h.parameter = b.parameter;
      h.state = b.state;
      h.sharded = b.shardGroup >= 0;
      held.push_back(std::move(h));
    }
  }
  return held;
}

CheckpointReader::CheckpointReader(const std::string &dir)
    : dir_(dir), top_(io::Checkpoint::load(dir)) {
  std::string manifest = dir + "/" + io::kCheckpointManifestFile;
  struct stat st;
  if (::stat(manifest.c_str(), &st) == 0) {
    readManifest(manifest);
    return;
  }
  // Written before sharded checkpoints: every tensor whole at the top.
  for (bool optimizer : {false, true})
    for (const io::TensorInfo &info :
         (optimizer ? top_.optimizer() : top_.model()).tensors()) {
      if (optimizer &&
          (info.name == "step" || info.name.compare(0, 11, "persistent.") == 0))
        continue; // the step count; expert loads, zero between steps
      int64_t numel = plan::numElements(info.shape).value_or(0);
      tensors_[info.name] = {
          optimizer, info.dtype, info.shape, {{"", info.name, 0, numel}}};
    }
}

void CheckpointReader::readManifest(const std::string &path) {
  io::MappedFile file = io::MappedFile::open(path);
  io::JsonValue root = io::parseJson(
      std::string_view(reinterpret_cast<const char *>(file.data()),
                       file.size()),
      path);
  const io::JsonValue *format = root.find("format");
  if (!root.isObject() || !format || !format->isString() ||
      format->stringValue() != "dsc-sharded-checkpoint")
    throw io::Error(path + ": not a dsc sharded checkpoint manifest");
  int64_t step = manifestCount(root, "step", path);
  if (uint64_t(step) != top_.state().step)
    throw io::Error(
        path + ": the manifest is from step " + std::to_string(step) +
        ", the checkpoint's files from step " +
        std::to_string(top_.state().step) + ": they come from different saves");
  const io::JsonValue *list = root.find("tensors");
  if (!list || !list->isArray())
    throw io::Error(path + ": 'tensors' must be an array");
  for (const io::JsonValue &entry : list->elements()) {
    if (!entry.isObject())
      throw io::Error(path + ": every tensor entry must be an object");
    std::string name = manifestString(entry, "name", path);
    Tensor tensor;
    tensor.optimizer = manifestString(entry, "file", path) == "optimizer";
    std::string dtype = manifestString(entry, "dtype", path);
    std::optional<io::DType> parsed = io::parseDType(dtype);
    if (!parsed)
      throw io::Error(path + ": tensor '" + name + "' has unknown dtype '" +
                      dtype + "'");
    tensor.dtype = *parsed;
    const io::JsonValue *shape = entry.find("shape");
    if (!shape || !shape->isArray())
      throw io::Error(path + ": tensor '" + name + "' needs a shape array");
    for (const io::JsonValue &dim : shape->elements()) {
      std::optional<uint64_t> d = dim.asUInt64();
      if (!d || *d > uint64_t(INT64_MAX))
        throw io::Error(path + ": tensor '" + name +
                        "' has a dimension that is not a count");
      tensor.shape.push_back(int64_t(*d));
    }
    std::optional<int64_t> numel = plan::numElements(tensor.shape);
    if (!numel)
      throw io::Error(path + ": tensor '" + name +
                      "' has a shape of more "
                      "elements than a tensor can hold");
    const io::JsonValue *shards = entry.find("shards");
    if (!shards || !shards->isArray())
      throw io::Error(path + ": tensor '" + name + "' needs a shards array");
    for (const io::JsonValue &s : shards->elements()) {
      if (!s.isObject())
        throw io::Error(path + ": every shard of '" + name +
                        "' must be an object");
      Piece piece{
          manifestString(s, "part", path), manifestString(s, "key", path),
          manifestCount(s, "begin", path), manifestCount(s, "count", path)};
      if (piece.begin > *numel || piece.count > *numel - piece.begin)
        throw io::Error(path + ": shard " + std::to_string(piece.begin) +
                        " + " + std::to_string(piece.count) + " of '" + name +
                        "' lies outside its " + std::to_string(*numel) +
                        " elements");
      if (!piece.part.empty() &&
          (piece.part.find('/') != std::string::npos || piece.part[0] == '.'))
        throw io::Error(path + ": shard part '" + piece.part + "' of '" + name +
                        "' is not a part of this directory");
      tensor.pieces.push_back(std::move(piece));
    }
    tensors_[name] = std::move(tensor);
  }
}

const io::Checkpoint &CheckpointReader::part(const std::string &name) {
  if (name.empty())
    return top_;
  auto &slot = parts_[name];
  if (!slot) {
    slot = std::make_unique<io::Checkpoint>(
        io::Checkpoint::load(dir_ + "/" + name));
    if (slot->state().step != top_.state().step)
      throw io::Error(dir_ + "/" + name + ": from step " +
                      std::to_string(slot->state().step) +
                      ", the checkpoint from step " +
                      std::to_string(top_.state().step) +
                      ": the parts come from different saves");
  }
  return *slot;
}

int64_t CheckpointReader::copy(const std::string &name, const Tensor &tensor,
                               int64_t begin, int64_t count, uint8_t *out) {
  size_t elementBytes = io::dtypeSize(tensor.dtype);
  int64_t covered = 0;
  for (const Piece &piece : tensor.pieces) {
    int64_t from = std::max(begin, piece.begin);
    int64_t to = std::min(begin + count, piece.begin + piece.count);
    if (from >= to)
      continue;
    const io::Checkpoint &source = part(piece.part);
    const io::SafeTensorsFile &file =
        tensor.optimizer ? source.optimizer() : source.model();
    io::TensorView view = file.view(piece.key);
    if (view.dtype != tensor.dtype ||
        view.bytes != size_t(piece.count) * elementBytes)
      throw io::Error(file.path() + ": piece '" + piece.key + "' of '" + name +
                      "' is not the manifest's " + std::to_string(piece.count) +
                      " " + io::dtypeName(tensor.dtype) + " elements");
    std::memcpy(out + size_t(from - begin) * elementBytes,
                view.data + size_t(from - piece.begin) * elementBytes,
                size_t(to - from) * elementBytes);
    covered += to - from;
  }
  return covered;
}

void CheckpointReader::restore(const plan::Plan &plan, const plan::Rank &rank,
                               BufferSet &buffers) {
  std::vector<HeldTensor> held = heldTensors(plan, rank.rank, rank.buffers);
  std::string problems;
  auto problem = [&](const std::string &text) {
    problems += (problems.empty() ? "" : "\n") + text;
  };
  auto modelName = top_.state().extra.find("model");
  if (modelName != top_.state().extra.end() &&
      modelName->second != plan.model.name)
    problem("the checkpoint is of model '" + modelName->second +
            "', the plan's is '" + plan.model.name + "'");
  // Master weights may be absent (written without ZeRO-1 for FP32
  // parameters): they are then the parameter's values.
  std::vector<const HeldTensor *> derived;
  for (const HeldTensor &t : held) {
    auto it = tensors_.find(t.name);
    if (it == tensors_.end()) {
      if (t.state == plan::OptimizerState::master_weight)
        derived.push_back(&t);
      else
        problem("missing tensor '" + t.name + "' (expected shape " +
                io::formatShape(t.shape) + ")");
      continue;
    }
    if (it->second.shape != t.shape)
      problem("tensor '" + t.name + "' has shape " +
              io::formatShape(it->second.shape) + ", expected " +
              io::formatShape(t.shape));
    else if (it->second.dtype != t.dtype)
      problem("tensor '" + t.name + "' is " + io::dtypeName(it->second.dtype) +
              ", expected " + io::dtypeName(t.dtype));
  }
  // Whatever the checkpoint holds must be the plan's: a tensor no rank of
  // the plan would read means another model.
  std::set<std::string> known;
  for (const plan::Parameter &p : plan.parameters)
    for (const ParameterTensor &t : parameterTensors(p)) {
      known.insert(t.name);
      for (plan::OptimizerState state :
           {plan::OptimizerState::exp_avg, plan::OptimizerState::exp_avg_sq,
            plan::OptimizerState::master_weight})
        known.insert(t.name + "." + plan::stateName(state));
    }
  for (const auto &[name, tensor] : tensors_)
    if (!known.count(name))
      problem("unexpected tensor '" + name + "' " +
              io::formatShape(tensor.shape) + " (not in the plan's model)");
  for (const HeldTensor *master : derived) {
    if (!tensors_.count(master->parameterTensor))
      problem("missing tensor '" + master->name +
              "', and its parameter, to start it from");
  }
  if (!problems.empty())
    throw io::Error(
        dir_ + ": the checkpoint does not fit the plan:\n" +
        firstLines(problems, kMaxListedProblems) +
        "\nResuming restores the exact training state, so it needs a plan "
        "of the model, storage and optimizer that wrote the checkpoint (any "
        "pp, dp or zero). To go on under another plan, start from the "
        "trained weights: --weights " +
        dir_ + "/model.safetensors");

  for (const HeldTensor &t : held) {
    auto it = tensors_.find(t.name);
    if (it == tensors_.end())
      continue;
    std::vector<uint8_t> out(size_t(t.count) * io::dtypeSize(t.dtype));
    if (copy(t.name, it->second, t.begin, t.count, out.data()) != t.count)
      throw io::Error(dir_ + ": the pieces of tensor '" + t.name +
                      "' do not cover elements " + std::to_string(t.begin) +
                      ".." + std::to_string(t.begin + t.count - 1));
    buffers.write(t.buffer, t.byteOffset, out.data(), out.size());
  }
  for (const HeldTensor *master : derived) {
    const std::string &parameter = master->parameterTensor;
    const Tensor &source = tensors_.at(parameter);
    std::vector<uint8_t> raw(size_t(master->count) *
                             io::dtypeSize(source.dtype));
    if (copy(parameter, source, master->begin, master->count, raw.data()) !=
        master->count)
      throw io::Error(dir_ + ": the pieces of tensor '" + parameter +
                      "' do not cover the master weight's elements");
    std::vector<float> values(size_t(master->count));
    io::convertToFloat32(source.dtype, raw.data(), values.size(),
                         values.data());
    buffers.write(master->buffer, master->byteOffset, values.data(),
                  values.size() * sizeof(float));
  }
}

} // namespace dsc::exec::detail
