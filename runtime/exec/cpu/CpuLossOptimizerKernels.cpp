//===- CpuLossOptimizerKernels.cpp - cross-entropy, AdamW, expert bias ----===//

#include "CpuKernels.h"
#include "dsc/kernels/cpu/Loss.h"
#include "dsc/kernels/cpu/Optimizer.h"

#include <cstring>

namespace dsc::exec::detail {
namespace {

namespace k = kernels::cpu;
using plan::Opcode;

void adamw(const AdamWLaunch &d, const KernelArgs &a) {
  k::AdamWAttrs attrs;
  attrs.lr = static_cast<float>(a.clock->lr * d.lrScale);
  attrs.beta1 = d.beta1;
  attrs.beta2 = d.beta2;
  attrs.eps = d.eps;
  attrs.weightDecay = d.weightDecay;
  attrs.step = a.clock->step;
  // With an FP32 master copy, the update runs on it and the (lower
  // precision) parameter takes its rounded value: the parameter's FP32
  // staging is converted back to its dtype after the call.
  float *target = d.master ? a.outF32(3) : a.outF32(0);
  if (d.bf16Moments)
    k::adamwStepBF16(target, a.f32(0), static_cast<uint16_t *>(a.out[1]),
                     static_cast<uint16_t *>(a.out[2]), d.n, attrs);
  else
    k::adamwStep(target, a.f32(0), a.outF32(1), a.outF32(2), d.n, attrs);
  if (d.master)
    std::memcpy(a.outF32(0), target, size_t(d.n) * sizeof(float));
}

} // namespace

void addCpuLossOptimizerKernels(KernelTable &t) {
  using C = CrossEntropyLaunch;
  addLaunch<C>(t, Opcode::cross_entropy_fwd,
               [](const C &d, const KernelArgs &a) {
                 k::crossEntropyForward(a.f32(0), a.i32(1), a.outF32(0),
                                        d.tokens, d.vocab, d.weight);
               });
  addLaunch<C>(t, Opcode::cross_entropy_bwd,
               [](const C &d, const KernelArgs &a) {
                 k::crossEntropyBackward(a.f32(0), a.i32(1), a.outF32(0),
                                         d.tokens, d.vocab, d.weight);
               });
  addLaunch<AdamWLaunch>(t, Opcode::adamw, adamw);
  using B = ExpertBiasLaunch;
  addLaunch<B>(t, Opcode::expert_bias_update,
               [](const B &d, const KernelArgs &a) {
                 k::expertBiasUpdate(a.outF32(0), a.f32(0), d.experts, d.gamma);
               });
}

} // namespace dsc::exec::detail
