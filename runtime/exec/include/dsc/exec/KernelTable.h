//===- KernelTable.h - a backend's kernels, keyed by opcode -----*- C++ -*-===//
//
// Every backend registers one launch per opcode it can run; the executor
// looks the instruction's opcode up at bind time, so a backend without a
// kernel for an opcode refuses the plan up front ("the <device> backend has
// no kernel for <opcode>") instead of failing mid-step. A launch gets the
// backend-neutral description (Launch.h) and the operands' memory as the
// backend prepared it (the CPU's: FP32 for floating operands, see
// Device::prepareLaunch); it never checks shapes, the binding did.
//
// Communication is not here: it is driven by the Communicator (an NCCL one
// works on device memory the same way).
//
//===----------------------------------------------------------------------===//

#ifndef DSC_EXEC_KERNELTABLE_H
#define DSC_EXEC_KERNELTABLE_H

#include "dsc/exec/Launch.h"
#include "dsc/plan/Plan.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace dsc::exec {

/// Operand memory of one launch, inputs and outputs in instruction order,
/// and the optimizer clock (AdamW).
struct KernelArgs {
  std::vector<void *> in, out;
  const OptimizerClock *clock = nullptr;

  const float *f32(size_t i) const { return static_cast<const float *>(in[i]); }
  const int32_t *i32(size_t i) const {
    return static_cast<const int32_t *>(in[i]);
  }
  float *outF32(size_t i) const { return static_cast<float *>(out[i]); }
  int32_t *outI32(size_t i) const { return static_cast<int32_t *>(out[i]); }
};

class KernelTable {
public:
  using Launch = std::function<void(const LaunchDesc &, const KernelArgs &)>;

  /// Registers `op`'s launch; throws ExecError when `op` has one already
  /// (two registrations are a backend's bug, not a choice).
  void add(plan::Opcode op, Launch launch);
  /// `op`'s launch, or null when the backend has none.
  const Launch *find(plan::Opcode op) const;

private:
  std::vector<Launch> launches_; // by opcode value
};

} // namespace dsc::exec

#endif // DSC_EXEC_KERNELTABLE_H
