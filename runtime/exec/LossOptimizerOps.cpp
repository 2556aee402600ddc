//===- LossOptimizerOps.cpp - cross-entropy, AdamW, expert bias update ----===//

#include "OpBinding.h"

namespace dsc::exec::detail {
namespace {

using plan::AttrKey;
using plan::DType;
using plan::Opcode;

LaunchDesc describeCrossEntropy(const OpContext &c) {
  int64_t vocab = c.inLastDim(0);
  int64_t tokens = c.inRows(0, vocab, "logits: tokens x vocab");
  c.expectInNumel(1, tokens, "one label per logits row");
  float weight = static_cast<float>(c.floatAttr(AttrKey::weight));
  if (c.op() == Opcode::cross_entropy_fwd)
    c.expectOutNumel(0, 1, "the loss is a scalar");
  else
    c.expectOutNumel(0, tokens * vocab, "dlogits as logits");
  return CrossEntropyLaunch{tokens, vocab, weight};
}

LaunchDesc describeAdamW(const OpContext &c) {
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
  // the trainer advances (at run time), scaled per parameter by lr_scale.
  auto decay = plan::attrValue(c.inst(), AttrKey::weight_decay);
  double weightDecay = decay ? *decay : c.plan().optimizer.weightDecay;
  const plan::Optimizer &opt = c.plan().optimizer;
  AdamWLaunch d;
  d.n = n;
  d.bf16Moments = bf16;
  d.master = master;
  d.beta1 = static_cast<float>(opt.beta1);
  d.beta2 = static_cast<float>(opt.beta2);
  d.eps = static_cast<float>(opt.eps);
  d.weightDecay = static_cast<float>(weightDecay);
  d.lrScale = c.floatAttr(AttrKey::lr_scale);
  return d;
}

LaunchDesc describeExpertBias(const OpContext &c) {
  int64_t experts = c.inNumel(0);
  c.expectOutNumel(0, experts, "one bias per expert load");
  float gamma = static_cast<float>(c.floatAttr(AttrKey::gamma));
  return ExpertBiasLaunch{experts, gamma};
}

} // namespace

LaunchDesc describeLossOptimizer(const OpContext &c) {
  switch (c.op()) {
  case Opcode::cross_entropy_fwd:
  case Opcode::cross_entropy_bwd:
    return describeCrossEntropy(c);
  case Opcode::adamw:
    return describeAdamW(c);
  default:
    return describeExpertBias(c);
  }
}

} // namespace dsc::exec::detail
