//===- CpuMemory.h - host memory for the CPU backend (private) ------------===//

#ifndef DSC_EXEC_CPU_CPUMEMORY_H
#define DSC_EXEC_CPU_CPUMEMORY_H

#include "dsc/exec/Device.h"

#include <memory>

namespace dsc::exec::detail {

/// Zeroed host bytes aligned to kBufferAlignment. Throws ExecError when the
/// memory cannot be had.
std::unique_ptr<DeviceMemory> allocateHost(size_t bytes);

} // namespace dsc::exec::detail

#endif // DSC_EXEC_CPU_CPUMEMORY_H
