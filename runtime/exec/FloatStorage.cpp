//===- FloatStorage.cpp - floating storage dtypes to FP32 and back --------===//

#include "FloatStorage.h"
#include "dsc/numerics/HalfFloat.h"

#include <cstring>

namespace dsc::exec::detail {

using plan::DType;

void loadFloat(DType dtype, const void *src, float *dst, int64_t n) {
  const auto *half = static_cast<const uint16_t *>(src);
  switch (dtype) {
  case DType::bf16:
    numerics::bf16ToFloat(half, dst, n);
    return;
  case DType::f16:
    for (int64_t i = 0; i < n; ++i)
      dst[i] = numerics::f16ToFloat(half[i]);
    return;
  default:
    std::memcpy(dst, src, n * sizeof(float));
    return;
  }
}

void storeFloat(DType dtype, const float *src, void *dst, int64_t n) {
  auto *half = static_cast<uint16_t *>(dst);
  switch (dtype) {
  case DType::bf16:
    numerics::floatToBF16(src, half, n);
    return;
  case DType::f16:
    for (int64_t i = 0; i < n; ++i)
      half[i] = numerics::floatToF16(src[i]);
    return;
  default:
    std::memcpy(dst, src, n * sizeof(float));
    return;
  }
}

} // namespace dsc::exec::detail
