//===- TensorView.h - a tensor's bytes in place -----------------*- C++ -*-===//
//
// What a reader hands out: dtype, shape and a pointer into the mapped file,
// valid while the file object lives. The pointer has no alignment beyond
// one byte (safetensors offsets need not be aligned), so elements are read
// with memcpy, which the conversions below do.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_IO_TENSORVIEW_H
#define DSC_IO_TENSORVIEW_H

#include "dsc/io/DType.h"
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dsc::io {

using Shape = std::vector<int64_t>;

/// "[2, 3]"; "[]" for a scalar.
std::string formatShape(const Shape &shape);

/// Product of the dimensions (1 for a scalar); false when a dimension is
/// negative or the product (times `elementSize`, when given) overflows.
bool checkedElementCount(const Shape &shape, uint64_t &count,
                         uint64_t elementSize = 1);

struct TensorView {
  std::string name;
  DType dtype = DType::F32;
  Shape shape;
  const uint8_t *data = nullptr;
  size_t bytes = 0;

  /// Elements (bytes / dtype size).
  size_t numel() const { return bytes / dtypeSize(dtype); }
};

} // namespace dsc::io

#endif // DSC_IO_TENSORVIEW_H
