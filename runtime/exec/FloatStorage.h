//===- FloatStorage.h - floating storage dtypes to FP32 and back (private) ===//
//
// The host's view of f32 / bf16 / f16 buffers: weights and checkpoints are
// converted on their way in and out, and the CPU backend stages kernel
// operands through FP32 with the same conversions (cpu/CpuStaging.h).
//
//===----------------------------------------------------------------------===//

#ifndef DSC_EXEC_FLOATSTORAGE_H
#define DSC_EXEC_FLOATSTORAGE_H

#include "dsc/plan/Plan.h"

#include <cstdint>

namespace dsc::exec::detail {

/// `n` elements of a floating dtype (f32, bf16, f16) to FP32 and back.
void loadFloat(plan::DType dtype, const void *src, float *dst, int64_t n);
void storeFloat(plan::DType dtype, const float *src, void *dst, int64_t n);

} // namespace dsc::exec::detail

#endif // DSC_EXEC_FLOATSTORAGE_H
