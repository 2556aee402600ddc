//===- DType.cpp - element types of tensors on disk -----------------------===//

#include "dsc/io/DType.h"

namespace dsc::io {

const char *dtypeName(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "F32";
  case DType::BF16:
    return "BF16";
  case DType::F16:
    return "F16";
  case DType::F8_E4M3:
    return "F8_E4M3";
  case DType::I32:
    return "I32";
  case DType::I64:
    return "I64";
  }
  return "?";
}

size_t dtypeSize(DType dtype) {
  switch (dtype) {
  case DType::F32:
  case DType::I32:
    return 4;
  case DType::BF16:
  case DType::F16:
    return 2;
  case DType::F8_E4M3:
    return 1;
  case DType::I64:
    return 8;
  }
  return 1;
}

std::optional<DType> parseDType(std::string_view name) {
  for (DType dtype : {DType::F32, DType::BF16, DType::F16, DType::F8_E4M3,
                      DType::I32, DType::I64})
    if (name == dtypeName(dtype))
      return dtype;
  return std::nullopt;
}

const char *supportedDTypeNames() {
  return "F32, BF16, F16, F8_E4M3, I32, I64";
}

} // namespace dsc::io
