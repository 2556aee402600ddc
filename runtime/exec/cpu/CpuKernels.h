//===- CpuKernels.h - the CPU backend's kernel table (private) ------------===//
//
// Each file registers the launches of one group of dsc_cpu_kernels headers.
// A launch reads its description (Launch.h) and calls the kernel on the
// operands CpuLaunch prepared: FP32 for floating operands, the buffer's own
// bytes otherwise (AdamW's BF16 moments, ids, offsets).
//
//===----------------------------------------------------------------------===//

#ifndef DSC_EXEC_CPU_CPUKERNELS_H
#define DSC_EXEC_CPU_CPUKERNELS_H

#include "dsc/exec/KernelTable.h"
#include "dsc/kernels/cpu/Dense.h"

#include <variant>

namespace dsc::exec::detail {

/// Registers `op`'s launch `call(const D &, const KernelArgs &)` for its
/// description type D.
template <typename D, typename F>
void addLaunch(KernelTable &table, plan::Opcode op, F call) {
  table.add(op, [call](const LaunchDesc &desc, const KernelArgs &a) {
    call(std::get<D>(desc), a);
  });
}

/// The CPU kernels' form of an FP8 recipe.
kernels::cpu::FP8LinearAttrs cpuFP8Attrs(const FP8Recipe &recipe);

/// Dense.h and Attention.h.
void addCpuDenseKernels(KernelTable &table);
/// Elementwise.h, Tokens.h, fill and copy.
void addCpuElementwiseKernels(KernelTable &table);
/// MoE.h and ExpertExchange.h.
void addCpuMoEKernels(KernelTable &table);
/// Loss.h and Optimizer.h.
void addCpuLossOptimizerKernels(KernelTable &table);

} // namespace dsc::exec::detail

#endif // DSC_EXEC_CPU_CPUKERNELS_H
