//===- CpuStaging.cpp - FP32 views of operands around a CPU kernel --------===//

#include "CpuStaging.h"
#include "../FloatStorage.h"

namespace dsc::exec::detail {

using plan::DType;

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

CpuLaunch::CpuLaunch(KernelTable::Launch launch, LaunchDesc desc,
                     const std::vector<Operand> &inputs,
                     const std::vector<Operand> &outputs,
                     const OptimizerClock &clock)
    : launch_(std::move(launch)), desc_(std::move(desc)) {
  args_.clock = &clock;
  // Pointers into `staged_` must not move as it grows.
  staged_.reserve(inputs.size() + outputs.size());
  for (const Operand &operand : inputs)
    args_.in.push_back(bindOperand(operand));
  for (const Operand &operand : outputs)
    args_.out.push_back(bindOperand(operand));
}

void *CpuLaunch::bindOperand(const Operand &operand) {
  StageMode mode;
  if (operand.use == OperandUse::AddTo) {
    mode = StageMode::Accumulate;
  } else if (operand.type == plan::OperandType::Floating &&
             operand.dtype != DType::f32) {
    mode = operand.use == OperandUse::Read    ? StageMode::Load
           : operand.use == OperandUse::Write ? StageMode::Store
                                              : StageMode::LoadStore;
  } else {
    return operand.data; // the kernel takes the buffer's own bytes
  }
  staged_.push_back({mode, operand.dtype, operand.data, operand.numel, {}});
  staged_.back().scratch.resize(size_t(operand.numel));
  return staged_.back().scratch.data();
}

void CpuLaunch::operator()() {
  for (StagedOperand &s : staged_)
    stageIn(s);
  launch_(desc_, args_);
  for (StagedOperand &s : staged_)
    stageOut(s);
}

} // namespace dsc::exec::detail
