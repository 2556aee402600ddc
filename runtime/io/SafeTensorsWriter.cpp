//===- SafeTensorsWriter.cpp - write safetensors files atomically ---------===//

#include "dsc/io/SafeTensorsWriter.h"
#include "dsc/io/AtomicFile.h"
#include "dsc/io/Error.h"
#include "dsc/io/Json.h"
#include "dsc/io/SafeTensorsReader.h"
#include <algorithm>
#include <cstring>

namespace dsc::io {

namespace {

/// Tensors in name order, validated.
std::vector<const TensorRef *>
sortedValidated(const std::string &path,
                const std::vector<TensorRef> &tensors) {
  std::vector<const TensorRef *> sorted;
  for (const TensorRef &t : tensors)
    sorted.push_back(&t);
  std::sort(
      sorted.begin(), sorted.end(),
      [](const TensorRef *a, const TensorRef *b) { return a->name < b->name; });
  for (size_t i = 0; i < sorted.size(); ++i) {
    const TensorRef &t = *sorted[i];
    std::string where = path + ": tensor '" + t.name + "': ";
    if (t.name.empty())
      throw Error(path + ": a tensor has an empty name");
    if (t.name == "__metadata__")
      throw Error(where + "the name is reserved for the metadata");
    if (!isValidUtf8(t.name))
      throw Error(path + ": a tensor name is not valid UTF-8 (safetensors "
                         "headers are JSON)");
    if (i > 0 && sorted[i - 1]->name == t.name)
      throw Error(where + "given twice");
    uint64_t count = 0;
    uint64_t size = dtypeSize(t.dtype);
    if (!checkedElementCount(t.shape, count, size))
      throw Error(where + "shape " + formatShape(t.shape) +
                  " has a negative dimension or overflows");
    if (count * size != t.bytes)
      throw Error(where + "shape " + formatShape(t.shape) + " of " +
                  dtypeName(t.dtype) + " needs " +
                  std::to_string(count * size) + " bytes, given " +
                  std::to_string(t.bytes));
    if (t.bytes > 0 && !t.data)
      throw Error(where + "no data");
  }
  return sorted;
}

/// Metadata must be valid UTF-8 for readers (ours included) to accept it.
void validateMetadata(const std::string &path,
                      const std::map<std::string, std::string> &metadata) {
  for (const auto &[key, value] : metadata) {
    if (!isValidUtf8(key))
      throw Error(path + ": a metadata key is not valid UTF-8 (safetensors "
                         "headers are JSON)");
    if (!isValidUtf8(value))
      throw Error(path + ": metadata '" + key +
                  "' is not valid UTF-8 (safetensors headers are JSON; "
                  "encode binary values, e.g. as hex)");
  }
}

std::string headerOf(const std::vector<const TensorRef *> &sorted,
                     const std::map<std::string, std::string> &metadata) {
  std::string json = "{";
  bool first = true;
  if (!metadata.empty()) {
    json += "\"__metadata__\":{";
    for (const auto &[key, value] : metadata) {
      if (!first)
        json += ',';
      first = false;
      json += jsonQuote(key) + ":" + jsonQuote(value);
    }
    json += '}';
    first = false;
  }
  uint64_t offset = 0;
  for (const TensorRef *t : sorted) {
    if (!first)
      json += ',';
    first = false;
    json += jsonQuote(t->name) + ":{\"dtype\":\"" + dtypeName(t->dtype) +
            "\",\"shape\":[";
    for (size_t i = 0; i < t->shape.size(); ++i) {
      if (i)
        json += ',';
      json += std::to_string(t->shape[i]);
    }
    json += "],\"data_offsets\":[" + std::to_string(offset) + "," +
            std::to_string(offset + t->bytes) + "]}";
    offset += t->bytes;
  }
  json += '}';
  return json;
}

} // namespace

std::string
safeTensorsHeader(const std::vector<TensorRef> &tensors,
                  const std::map<std::string, std::string> &metadata) {
  validateMetadata("<header>", metadata);
  return headerOf(sortedValidated("<header>", tensors), metadata);
}

void writeSafeTensors(const std::string &path,
                      const std::vector<TensorRef> &tensors,
                      const std::map<std::string, std::string> &metadata) {
  std::vector<const TensorRef *> sorted = sortedValidated(path, tensors);
  validateMetadata(path, metadata);
  std::string header = headerOf(sorted, metadata);
  // Pad with spaces (valid JSON whitespace) so the data section starts at a
  // multiple of 8 bytes: tensors of 8-byte dtypes can then be used in place
  // by readers that need alignment.
  header.append((8 - header.size() % 8) % 8, ' ');
  if (header.size() > kMaxSafeTensorsHeader)
    throw Error(path + ": the header would be " +
                std::to_string(header.size()) + " bytes, over the " +
                std::to_string(kMaxSafeTensorsHeader) +
                "-byte limit readers accept");

  AtomicFileWriter out(path);
  uint64_t length = header.size();
  uint8_t prefix[8];
  std::memcpy(prefix, &length, 8); // little-endian host (checked elsewhere)
  out.write(prefix, 8);
  out.write(header.data(), header.size());
  for (const TensorRef *t : sorted)
    if (t->bytes > 0)
      out.write(t->data, t->bytes);
  out.commit();
}

} // namespace dsc::io
