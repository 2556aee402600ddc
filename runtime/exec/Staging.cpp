//===- Staging.cpp - FP32 views of operands around a kernel call ----------===//

#include "Staging.h"
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

void stageIn(StagedOperand &s) {
  if (s.mode == StageMode::Load || s.mode == StageMode::LoadStore)
    loadFloat(s.dtype, s.buffer, s.scratch.data(), s.numel);
}

void stageOut(StagedOperand &s) {
  switch (s.mode) {
  case StageMode::Load:
    return;
  case StageMode::Store:
  case StageMode::LoadStore:
    storeFloat(s.dtype, s.scratch.data(), s.buffer, s.numel);
    return;
  case StageMode::Accumulate:
    if (s.dtype == DType::f32) {
      float *dst = static_cast<float *>(s.buffer);
      for (int64_t i = 0; i < s.numel; ++i)
        dst[i] += s.scratch[i];
      return;
    }
    // Other floating dtypes: add in FP32, round once.
    std::vector<float> sum(s.numel);
    loadFloat(s.dtype, s.buffer, sum.data(), s.numel);
    for (int64_t i = 0; i < s.numel; ++i)
      sum[i] += s.scratch[i];
    storeFloat(s.dtype, sum.data(), s.buffer, s.numel);
    return;
  }
}

} // namespace dsc::exec::detail
