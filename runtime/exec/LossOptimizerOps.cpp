//===- LossOptimizerOps.cpp - cross-entropy, AdamW, expert bias update ----===//

#include "OpBinding.h"
#include "dsc/kernels/cpu/Loss.h"
#include "dsc/kernels/cpu/Optimizer.h"

#include <cstring>

namespace dsc::exec::detail {
namespace {

namespace k = kernels::cpu;
using plan::AttrKey;
using plan::DType;
using plan::Opcode;

KernelFn bindCrossEntropy(const OpContext &c) {
  int64_t vocab = c.inLastDim(0);
  int64_t tokens = c.inRows(0, vocab, "logits: tokens x vocab");
  c.expectInNumel(1, tokens, "one label per logits row");
  float weight = static_cast<float>(c.floatAttr(AttrKey::weight));
  if (c.op() == Opcode::cross_entropy_fwd) {
    c.expectOutNumel(0, 1, "the loss is a scalar");
    return [=](const KernelArgs &a) {
      k::crossEntropyForward(a.f32(0), a.i32(1), a.outF32(0), tokens, vocab,
                             weight);
    };
  }
  c.expectOutNumel(0, tokens * vocab, "dlogits as logits");
  return [=](const KernelArgs &a) {
    k::crossEntropyBackward(a.f32(0), a.i32(1), a.outF32(0), tokens, vocab,
                            weight);
  };
}

KernelFn bindAdamW(const OpContext &c) {
  int64_t n = c.inNumel(0);
  for (size_t i = 0; i < c.numOutputs(); ++i)
    c.expectOutNumel(i, n, "as the gradient");
  DType m = c.out(1).dtype, v = c.out(2).dtype;
  if (m != v)
    c.fail("the moments must share a dtype: " + c.describeOut(1) + ", " +
           c.describeOut(2));
  bool bf16 = m == DType::bf16;
  bool master = c.numOutputs() == 4;
  // weight_decay defaults to the plan's; lr and step come from the clock
  // the trainer advances, scaled per parameter by lr_scale.
  auto decay = plan::attrValue(c.inst(), AttrKey::weight_decay);
  double weightDecay = decay ? *decay : c.plan().optimizer.weightDecay;
  double lrScale = c.floatAttr(AttrKey::lr_scale);
  const plan::Optimizer &opt = c.plan().optimizer;
  const OptimizerClock *clock = &c.clock();
  return [=](const KernelArgs &a) {
    k::AdamWAttrs attrs;
    attrs.lr = static_cast<float>(clock->lr * lrScale);
    attrs.beta1 = static_cast<float>(opt.beta1);
    attrs.beta2 = static_cast<float>(opt.beta2);
    attrs.eps = static_cast<float>(opt.eps);
    attrs.weightDecay = static_cast<float>(weightDecay);
    attrs.step = clock->step;
    // With an FP32 master copy, the update runs on it and the (lower
    // precision) parameter takes its rounded value; the executor converts
    // the parameter's FP32 staging back to its dtype.
    float *target = master ? a.outF32(3) : a.outF32(0);
    if (bf16)
      k::adamwStepBF16(target, a.f32(0), static_cast<uint16_t *>(a.out[1]),
                       static_cast<uint16_t *>(a.out[2]), n, attrs);
    else
      k::adamwStep(target, a.f32(0), a.outF32(1), a.outF32(2), n, attrs);
    if (master)
      std::memcpy(a.outF32(0), target, n * sizeof(float));
  };
}

KernelFn bindExpertBias(const OpContext &c) {
  int64_t experts = c.inNumel(0);
  c.expectOutNumel(0, experts, "one bias per expert load");
  float gamma = static_cast<float>(c.floatAttr(AttrKey::gamma));
  return [=](const KernelArgs &a) {
    k::expertBiasUpdate(a.outF32(0), a.f32(0), experts, gamma);
  };
}

} // namespace

KernelFn bindLossOptimizer(const OpContext &c) {
  switch (c.op()) {
  case Opcode::cross_entropy_fwd:
  case Opcode::cross_entropy_bwd:
    return bindCrossEntropy(c);
  case Opcode::adamw:
    return bindAdamW(c);
  default:
    return bindExpertBias(c);
  }
}

} // namespace dsc::exec::detail
