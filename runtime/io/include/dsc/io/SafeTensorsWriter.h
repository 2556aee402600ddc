//===- SafeTensorsWriter.h - write safetensors files atomically --*- C++
//-*-===//
//
// Writes tensors and metadata as one safetensors file: tensors sorted by
// name in the header and in the data section (so the same tensors always
// give the same bytes), "__metadata__" first, the header padded with
// spaces so the data section starts 8-byte aligned, as the format
// recommends. The file is written through AtomicFileWriter: a failure
// leaves the previous file (or none) in place.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_IO_SAFETENSORSWRITER_H
#define DSC_IO_SAFETENSORSWRITER_H

#include "dsc/io/TensorView.h"
#include <map>
#include <string>
#include <vector>

namespace dsc::io {

/// A tensor to write; `data` (little-endian, `bytes` long) is not owned.
struct TensorRef {
  std::string name;
  DType dtype = DType::F32;
  Shape shape;
  const void *data = nullptr;
  size_t bytes = 0;
};

/// A tensor to write that owns its bytes.
struct OwnedTensor {
  std::string name;
  DType dtype = DType::F32;
  Shape shape;
  std::vector<uint8_t> data;

  TensorRef ref() const {
    return {name, dtype, shape, data.data(), data.size()};
  }
};

/// Validates the tensors (unique non-empty names other than "__metadata__",
/// bytes = numel x dtype size) and writes `path` atomically. Throws
/// dsc::io::Error naming the file and tensor; nothing is written then.
void writeSafeTensors(const std::string &path,
                      const std::vector<TensorRef> &tensors,
                      const std::map<std::string, std::string> &metadata = {});

/// The header JSON writeSafeTensors writes (without length or padding).
std::string
safeTensorsHeader(const std::vector<TensorRef> &tensors,
                  const std::map<std::string, std::string> &metadata);

} // namespace dsc::io

#endif // DSC_IO_SAFETENSORSWRITER_H
