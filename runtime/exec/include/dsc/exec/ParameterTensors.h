//===- ParameterTensors.h - a plan parameter's checkpoint tensors -*- C++ -*-=//
//
// A plan parameter is one checkpoint tensor, or a stack of routed experts
// whose name holds `{e}` (Plan.fbs's ExpertSlice): expert i of the stack is
// the tensor named with `{e}` replaced by its global index first + i, of the
// stack's shape without the leading dimension, at element offset i x that
// size in the buffer. Weights files and dsc-run's checkpoints both name
// tensors this way (HuggingFace's per-expert names), so a checkpoint does
// not depend on how experts were stacked or placed.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_EXEC_PARAMETERTENSORS_H
#define DSC_EXEC_PARAMETERTENSORS_H

#include "dsc/exec/Buffers.h"
#include "dsc/plan/Plan.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dsc::exec {

struct ParameterTensor {
  std::string name;
  std::vector<int64_t> shape;
  /// Where the tensor starts in the parameter's buffer, in elements.
  int64_t offset = 0;
  int64_t numel = 0;
};

/// The checkpoint tensors of `parameter` in buffer order.
std::vector<ParameterTensor> parameterTensors(const plan::Parameter &parameter);

/// Sets parameter `parameter` on `rank` to `values` (FP32, the parameter's
/// element count): its parameter buffers take them in their dtype, and its
/// FP32 master-weight states, if any, exactly (a ZeRO-1 master shard its
/// slice of them, Plan::shardRange).
void writeParameter(const plan::Plan &plan, const plan::Rank &rank,
                    BufferSet &buffers, int32_t parameter,
                    const std::vector<float> &values);

} // namespace dsc::exec

#endif // DSC_EXEC_PARAMETERTENSORS_H
