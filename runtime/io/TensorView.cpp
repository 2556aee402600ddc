//===- TensorView.cpp - shapes --------------------------------------------===//

#include "dsc/io/TensorView.h"

namespace dsc::io {

std::string formatShape(const Shape &shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      out += ", ";
    out += std::to_string(shape[i]);
  }
  return out + "]";
}

bool checkedElementCount(const Shape &shape, uint64_t &count,
                         uint64_t elementSize) {
  uint64_t total = elementSize;
  for (int64_t dim : shape) {
    if (dim < 0)
      return false;
    if (__builtin_mul_overflow(total, static_cast<uint64_t>(dim), &total))
      return false;
  }
  count = elementSize == 0 ? 0 : total / elementSize;
  return true;
}

} // namespace dsc::io
