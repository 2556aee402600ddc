//===- SafeTensorsReader.cpp - validated safetensors files ----------------===//

#include "dsc/io/SafeTensorsReader.h"
#include "dsc/io/Error.h"
#include "dsc/io/Json.h"
#include "dsc/io/TensorConvert.h"
#include <algorithm>
#include <cstring>

namespace dsc::io {

namespace {

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

std::string offsetsText(uint64_t begin, uint64_t end) {
  return "[" + std::to_string(begin) + ", " + std::to_string(end) + "]";
}

/// Reads one tensor entry of the header, checking everything that does not
/// depend on the other tensors.
TensorInfo parseTensorEntry(const std::string &path, const std::string &name,
                            const JsonValue &entry, uint64_t dataSize) {
  std::string where = path + ": tensor " + quoted(name) + ": ";
  if (name.empty())
    throw Error(path + ": a tensor has an empty name");
  if (!entry.isObject())
    throw Error(where + "entry is " + jsonKindPhrase(entry.kind()) +
                ", expected an object with dtype, shape and data_offsets");
  for (const auto &member : entry.members())
    if (member.first != "dtype" && member.first != "shape" &&
        member.first != "data_offsets")
      throw Error(where + "unexpected key " + quoted(member.first) +
                  " (expected dtype, shape and data_offsets)");

  TensorInfo info;
  info.name = name;

  const JsonValue *dtype = entry.find("dtype");
  if (!dtype)
    throw Error(where + "missing 'dtype'");
  if (!dtype->isString())
    throw Error(where + "'dtype' is " + jsonKindPhrase(dtype->kind()) +
                ", expected a string");
  std::optional<DType> parsed = parseDType(dtype->stringValue());
  if (!parsed)
    throw Error(where + "unsupported dtype " + quoted(dtype->stringValue()) +
                " (supported: " + supportedDTypeNames() + ")");
  info.dtype = *parsed;

  const JsonValue *shape = entry.find("shape");
  if (!shape)
    throw Error(where + "missing 'shape'");
  if (!shape->isArray())
    throw Error(where + "'shape' is " + jsonKindPhrase(shape->kind()) +
                ", expected an array of non-negative integers");
  for (const JsonValue &dim : shape->elements()) {
    std::optional<uint64_t> value = dim.asUInt64();
    if (!value || *value > static_cast<uint64_t>(INT64_MAX))
      throw Error(where + "'shape' has an element that is not a "
                          "non-negative 64-bit integer");
    info.shape.push_back(static_cast<int64_t>(*value));
  }

  const JsonValue *offsets = entry.find("data_offsets");
  if (!offsets)
    throw Error(where + "missing 'data_offsets'");
  if (!offsets->isArray() || offsets->elements().size() != 2 ||
      !offsets->elements()[0].asUInt64() || !offsets->elements()[1].asUInt64())
    throw Error(where + "'data_offsets' must be an array of two non-negative "
                        "integers [begin, end]");
  info.begin = *offsets->elements()[0].asUInt64();
  info.end = *offsets->elements()[1].asUInt64();
  if (info.begin > info.end)
    throw Error(where + "data_offsets " + offsetsText(info.begin, info.end) +
                " end before they begin");
  if (info.end > dataSize)
    throw Error(where + "data_offsets " + offsetsText(info.begin, info.end) +
                " run past the end of the data section (" +
                std::to_string(dataSize) + " bytes): the file is truncated");

  uint64_t count = 0;
  uint64_t size = dtypeSize(info.dtype);
  if (!checkedElementCount(info.shape, count, size))
    throw Error(where + "shape " + formatShape(info.shape) + " of " +
                dtypeName(info.dtype) + " overflows 64-bit byte counts");
  if (count * size != info.end - info.begin)
    throw Error(where + "shape " + formatShape(info.shape) + " of " +
                dtypeName(info.dtype) + " needs " +
                std::to_string(count * size) + " bytes but data_offsets " +
                offsetsText(info.begin, info.end) + " hold " +
                std::to_string(info.end - info.begin));
  return info;
}

} // namespace

SafeTensorsFile SafeTensorsFile::open(const std::string &path) {
  SafeTensorsFile result;
  result.file_ = MappedFile::open(path);
  const uint8_t *bytes = result.file_.data();
  uint64_t fileSize = result.file_.size();

  if (fileSize < 8)
    throw Error(path + ": " + std::to_string(fileSize) +
                "-byte file is too short for the 8-byte header length (not a "
                "safetensors file, or truncated)");
  uint64_t headerSize;
  std::memcpy(&headerSize, bytes, 8);
  if (headerSize > kMaxSafeTensorsHeader)
    throw Error(path + ": header length " + std::to_string(headerSize) +
                " exceeds the " + std::to_string(kMaxSafeTensorsHeader) +
                "-byte limit (not a safetensors file, or corrupt)");
  if (headerSize > fileSize - 8)
    throw Error(path + ": header length " + std::to_string(headerSize) +
                " runs past the end of the " + std::to_string(fileSize) +
                "-byte file (truncated, or not a safetensors file)");
  if (headerSize < 2 || bytes[8] != '{')
    throw Error(path + ": the header is not a JSON object (not a "
                       "safetensors file, or corrupt)");
  result.dataStart_ = 8 + headerSize;
  uint64_t dataSize = fileSize - result.dataStart_;

  std::string_view text(reinterpret_cast<const char *>(bytes + 8),
                        static_cast<size_t>(headerSize));
  JsonValue header = parseJson(text, path + ": header");
  if (!header.isObject())
    throw Error(path + ": the header is not a JSON object");

  for (const auto &[name, value] : header.members()) {
    if (name == "__metadata__") {
      if (!value.isObject())
        throw Error(path + ": __metadata__ is " + jsonKindPhrase(value.kind()) +
                    ", expected an object of strings");
      for (const auto &[key, item] : value.members()) {
        if (!item.isString())
          throw Error(path + ": __metadata__ key " + quoted(key) + " is " +
                      jsonKindPhrase(item.kind()) + ", expected a string");
        result.metadata_[key] = item.stringValue();
      }
      continue;
    }
    result.tensors_.push_back(parseTensorEntry(path, name, value, dataSize));
  }

  // The tensors must tile the data section: sorted by offset, each begins
  // where the previous one ended, and the last ends at the end of the file.
  // Overlaps would alias tensors; gaps and trailing bytes mean a corrupt or
  // mis-assembled file.
  std::vector<const TensorInfo *> byOffset;
  for (const TensorInfo &info : result.tensors_)
    byOffset.push_back(&info);
  std::sort(byOffset.begin(), byOffset.end(),
            [](const TensorInfo *a, const TensorInfo *b) {
              return a->begin != b->begin ? a->begin < b->begin
                                          : a->end < b->end;
            });
  uint64_t covered = 0;
  const TensorInfo *previous = nullptr;
  for (const TensorInfo *info : byOffset) {
    if (info->begin < covered)
      throw Error(path + ": tensors " + quoted(previous->name) + " " +
                  offsetsText(previous->begin, previous->end) + " and " +
                  quoted(info->name) + " " +
                  offsetsText(info->begin, info->end) + " overlap");
    if (info->begin > covered)
      throw Error(path + ": data bytes " + offsetsText(covered, info->begin) +
                  (previous ? " between tensors " + quoted(previous->name) +
                                  " and " + quoted(info->name)
                            : " before tensor " + quoted(info->name)) +
                  " belong to no tensor");
    covered = info->end;
    previous = info;
  }
  if (covered != dataSize)
    throw Error(path + ": " + std::to_string(dataSize - covered) +
                " bytes after the last tensor belong to no tensor (data "
                "section is " +
                std::to_string(dataSize) + " bytes, tensors cover " +
                std::to_string(covered) + ")");

  std::sort(
      result.tensors_.begin(), result.tensors_.end(),
      [](const TensorInfo &a, const TensorInfo &b) { return a.name < b.name; });
  return result;
}

const TensorInfo *SafeTensorsFile::find(std::string_view name) const {
  auto it = std::lower_bound(
      tensors_.begin(), tensors_.end(), name,
      [](const TensorInfo &info, std::string_view n) { return info.name < n; });
  if (it == tensors_.end() || it->name != name)
    return nullptr;
  return &*it;
}

bool SafeTensorsFile::contains(std::string_view name) const {
  return find(name) != nullptr;
}

TensorView SafeTensorsFile::view(std::string_view name) const {
  const TensorInfo *info = find(name);
  if (!info)
    throw Error(path() + ": no tensor " + quoted(name));
  TensorView view;
  view.name = info->name;
  view.dtype = info->dtype;
  view.shape = info->shape;
  view.data = file_.data() + dataStart_ + info->begin;
  view.bytes = static_cast<size_t>(info->end - info->begin);
  return view;
}

std::vector<float> SafeTensorsFile::readFloat32(std::string_view name,
                                                const Fp8Options &fp8) const {
  TensorView tensor = view(name);
  std::vector<float> out(tensor.numel());
  readFloat32Into(name, out.data(), out.size(), fp8);
  return out;
}

void SafeTensorsFile::readFloat32Into(std::string_view name, float *out,
                                      size_t count,
                                      const Fp8Options &fp8) const {
  TensorView tensor = view(name);
  std::string where = path() + ": tensor " + quoted(name) + ": ";
  if (tensor.dtype == DType::I32 || tensor.dtype == DType::I64)
    throw Error(where + dtypeName(tensor.dtype) +
                " cannot be read as FP32 (read it with readInt64)");
  if (count != tensor.numel())
    throw Error(where + std::to_string(tensor.numel()) + " elements " +
                formatShape(tensor.shape) + ", but the destination holds " +
                std::to_string(count));
  if (tensor.dtype != DType::F8_E4M3 || fp8.scaling == Fp8Scaling::None) {
    if (count > 0) // an empty tensor's data pointer may be past the map
      convertToFloat32(tensor.dtype, tensor.data, count, out);
    return;
  }

  if (fp8.blockRows <= 0 || fp8.blockCols <= 0)
    throw Error(where + "block dequantization needs positive block sizes");
  if (tensor.shape.size() != 2)
    throw Error(where + "block dequantization needs a 2-D tensor, shape is " +
                formatShape(tensor.shape));
  std::string scaleName = std::string(name) + std::string(kScaleInvSuffix);
  const TensorInfo *scale = find(scaleName);
  if (!scale)
    throw Error(where + "no scale tensor " + quoted(scaleName) +
                " for block dequantization");
  int64_t rows = tensor.shape[0], cols = tensor.shape[1];
  Shape expected = {(rows + fp8.blockRows - 1) / fp8.blockRows,
                    (cols + fp8.blockCols - 1) / fp8.blockCols};
  if (scale->dtype != DType::F32)
    throw Error(where + "scale tensor " + quoted(scaleName) + " is " +
                dtypeName(scale->dtype) + ", expected F32");
  if (scale->shape != expected)
    throw Error(where + "scale tensor " + quoted(scaleName) + " has shape " +
                formatShape(scale->shape) + ", expected " +
                formatShape(expected) + " for " + formatShape(tensor.shape) +
                " in " + std::to_string(fp8.blockRows) + "x" +
                std::to_string(fp8.blockCols) + " blocks");
  TensorView scaleView = view(scaleName);
  dequantizeE4M3Blocks(tensor.data, scaleView.data, rows, cols, fp8.blockRows,
                       fp8.blockCols, out);
}

std::vector<int64_t> SafeTensorsFile::readInt64(std::string_view name) const {
  TensorView tensor = view(name);
  std::vector<int64_t> out(tensor.numel());
  if (tensor.dtype == DType::I64) {
    if (!out.empty())
      std::memcpy(out.data(), tensor.data, tensor.bytes);
  } else if (tensor.dtype == DType::I32) {
    for (size_t i = 0; i < out.size(); ++i) {
      int32_t v;
      std::memcpy(&v, tensor.data + 4 * i, 4);
      out[i] = v;
    }
  } else {
    throw Error(path() + ": tensor " + quoted(name) + ": " +
                dtypeName(tensor.dtype) + " is not an integer dtype");
  }
  return out;
}

} // namespace dsc::io
