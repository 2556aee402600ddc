//===- Staging.h - FP32 views of operands around a kernel call (private) --===//
//
// The kernels take FP32 pointers. An operand needs a scratch FP32 copy when
// its buffer stores a floating value in BF16 / F16, or when the executor
// must add the kernel's result into the buffer instead of overwriting it
// (outputs bound to loss and persistent buffers, see Executor.h). Which
// operands need it is decided once at bind time; before the call inputs
// (and read-modify-write outputs) are converted into scratch, after it
// outputs are converted back or added.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_EXEC_STAGING_H
#define DSC_EXEC_STAGING_H

#include "dsc/plan/Plan.h"

#include <cstdint>
#include <vector>

namespace dsc::exec::detail {

enum class StageMode {
  Load,       // input: buffer -> FP32 before
  Store,      // written output: FP32 -> buffer after
  LoadStore,  // accumulated or in-place output: both
  Accumulate, // written output added into the buffer after
};

struct StagedOperand {
  StageMode mode;
  plan::DType dtype;
  void *buffer;
  int64_t numel;
  std::vector<float> scratch;
};

/// `n` elements of a floating dtype (f32, bf16, f16) to FP32 and back.
void loadFloat(plan::DType dtype, const void *src, float *dst, int64_t n);
void storeFloat(plan::DType dtype, const float *src, void *dst, int64_t n);

/// Runs the before / after halves of staging.
void stageIn(StagedOperand &s);
void stageOut(StagedOperand &s);

} // namespace dsc::exec::detail

#endif // DSC_EXEC_STAGING_H
