//===- DType.h - element types of tensors on disk ---------------*- C++ -*-===//
//
// The safetensors dtypes dsc reads and writes: FP32 master weights, BF16
// and F16 storage, E4M3 FP8 weights (DeepSeek-V3's checkpoints), and
// 32/64-bit integers (ids, counters). Names are safetensors' own.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_IO_DTYPE_H
#define DSC_IO_DTYPE_H

#include <cstddef>
#include <optional>
#include <string_view>

namespace dsc::io {

enum class DType { F32, BF16, F16, F8_E4M3, I32, I64 };

/// "F32", "BF16", "F16", "F8_E4M3", "I32", "I64".
const char *dtypeName(DType dtype);
/// Bytes per element: 4, 2, 2, 1, 4, 8.
size_t dtypeSize(DType dtype);
/// The dtype named `name` exactly; nullopt for any other name (including
/// safetensors dtypes dsc does not support, such as F64 or F8_E5M2).
std::optional<DType> parseDType(std::string_view name);
/// "F32, BF16, F16, F8_E4M3, I32, I64", for messages.
const char *supportedDTypeNames();

} // namespace dsc::io

#endif // DSC_IO_DTYPE_H
