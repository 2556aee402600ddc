//===- CpuStaging.h - FP32 views of operands around a CPU kernel (private) ===//
//
// The CPU kernels take FP32 pointers: that is this backend's detail, not
// the executor's. An operand needs a scratch FP32 copy when its buffer
// stores a floating value in BF16 / F16, or when the kernel's value must be
// added into the buffer (OperandUse::AddTo) instead of overwriting it.
// Which operands need it is decided once at bind time; before the call
// inputs (and read-modify-write outputs) are converted into scratch, after
// it outputs are converted back or added.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_EXEC_CPU_CPUSTAGING_H
#define DSC_EXEC_CPU_CPUSTAGING_H

#include "dsc/exec/Device.h"

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

/// Runs the before / after halves of staging.
void stageIn(StagedOperand &s);
void stageOut(StagedOperand &s);

/// A CPU launch bound to its operands: the pointers the kernel gets and
/// the operands staged through FP32 around it.
class CpuLaunch {
public:
  CpuLaunch(KernelTable::Launch launch, LaunchDesc desc,
            const std::vector<Operand> &inputs,
            const std::vector<Operand> &outputs, const OptimizerClock &clock);
  CpuLaunch(const CpuLaunch &) = delete;
  CpuLaunch &operator=(const CpuLaunch &) = delete;
  void operator()();

private:
  void *bindOperand(const Operand &operand);

  KernelTable::Launch launch_;
  LaunchDesc desc_;
  KernelArgs args_;
  std::vector<StagedOperand> staged_;
};

} // namespace dsc::exec::detail

#endif // DSC_EXEC_CPU_CPUSTAGING_H
