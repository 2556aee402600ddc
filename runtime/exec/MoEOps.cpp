//===- MoEOps.cpp - routing, dispatch, grouped linear, combine ------------===//
//
// Expert ids [T, k] give T and k (their last dimension); the expert count E
// comes from the routing logits [T, E], the offsets [E + 1] or, for the ops
// that take neither, from the route_fwd / dispatch_fwd that produced the ids.
// Offsets are data: the kernels check they start at 0 and never decrease,
// and the executor checks before each grouped GEMM that the last one stays
// inside the row buffers the plan gave it.
//
//===----------------------------------------------------------------------===//

#include "OpBinding.h"
#include "dsc/kernels/cpu/MoE.h"

#include <stdexcept>

namespace dsc::exec::detail {
namespace {

namespace k = kernels::cpu;
using plan::AttrKey;
using plan::Opcode;

k::RouteAttrs routeAttrs(const OpContext &c, int64_t experts, bool fwd) {
  k::RouteAttrs a;
  a.k = c.intAttr(AttrKey::k);
  a.scoring = c.intAttr(AttrKey::scoring) == 1 ? k::ScoringFunc::Sigmoid
                                               : k::ScoringFunc::Softmax;
  a.normTopkProb = c.intAttr(AttrKey::norm_topk_prob) != 0;
  a.routedScalingFactor =
      static_cast<float>(c.floatAttr(AttrKey::routed_scaling_factor));
  if (a.k > experts)
    c.fail("k=" + std::to_string(a.k) + " exceeds the " +
           std::to_string(experts) + " experts");
  if (!fwd)
    return a;
  switch (c.intAttr(AttrKey::topk_method)) {
  case 0:
    a.method = k::TopkMethod::Greedy;
    break;
  case 1:
    a.method = k::TopkMethod::GroupLimitedGreedy;
    break;
  default:
    a.method = k::TopkMethod::NoauxTc;
    break;
  }
  a.nGroup = c.intAttr(AttrKey::n_group);
  a.topkGroup = c.intAttr(AttrKey::topk_group);
  if (a.method != k::TopkMethod::Greedy) {
    if (experts % a.nGroup != 0)
      c.fail("n_group=" + std::to_string(a.nGroup) + " must divide the " +
             std::to_string(experts) + " experts");
    if (a.topkGroup > a.nGroup)
      c.fail("topk_group=" + std::to_string(a.topkGroup) +
             " exceeds n_group=" + std::to_string(a.nGroup));
    if (a.k > a.topkGroup * (experts / a.nGroup))
      c.fail("k=" + std::to_string(a.k) + " exceeds the experts of " +
             std::to_string(a.topkGroup) + " groups");
  }
  return a;
}

KernelFn bindRoute(const OpContext &c) {
  bool fwd = c.op() == Opcode::route_fwd;
  size_t li = fwd ? 0 : 1; // logits
  int64_t experts = c.inLastDim(li);
  int64_t tokens = c.inRows(li, experts, "logits: tokens x experts");
  k::RouteAttrs attrs = routeAttrs(c, experts, fwd);
  int64_t tk = tokens * attrs.k;
  if (fwd) {
    bool bias = c.numInputs() == 2;
    if (bias)
      c.expectInNumel(1, experts, "one bias per expert");
    c.expectOutNumel(0, tk, "experts: tokens x k");
    c.expectOutNumel(1, tk, "weights: tokens x k");
    c.expectOutNumel(2, experts, "loads: one per expert");
    return [=](const KernelArgs &a) {
      k::routeForward(a.f32(0), bias ? a.f32(1) : nullptr, a.outI32(0),
                      a.outF32(1), a.outF32(2), tokens, experts, attrs);
    };
  }
  c.expectInNumel(0, tk, "dweights: tokens x k");
  c.expectInNumel(2, tk, "experts: tokens x k");
  c.expectOutNumel(0, tokens * experts, "dlogits as logits");
  return [=](const KernelArgs &a) {
    k::routeBackward(a.f32(0), a.f32(1), a.i32(2), a.outF32(0), tokens, experts,
                     attrs);
  };
}

KernelFn bindBalanceLoss(const OpContext &c) {
  int64_t experts = c.inLastDim(0);
  int64_t tokens = c.inRows(0, experts, "logits: tokens x experts");
  int64_t kk = c.inLastDim(1);
  c.expectInNumel(1, tokens * kk, "experts: one row of k per logits row");
  if (kk < 1 || kk > experts)
    c.fail(c.describeIn(1) + " must choose between 1 and the " +
           std::to_string(experts) + " experts per token");
  k::BalanceLossAttrs attrs;
  attrs.scoring = c.intAttr(AttrKey::scoring) == 1 ? k::ScoringFunc::Sigmoid
                                                   : k::ScoringFunc::Softmax;
  attrs.seqLen = c.intAttr(AttrKey::seq);
  attrs.weight = static_cast<float>(c.floatAttr(AttrKey::weight));
  if (tokens % attrs.seqLen != 0)
    c.fail(std::to_string(tokens) + " tokens are not whole sequences of seq=" +
           std::to_string(attrs.seqLen));
  if (c.op() == Opcode::balance_loss_fwd) {
    c.expectOutNumel(0, 1, "the loss is a scalar");
    return [=](const KernelArgs &a) {
      k::balanceLossForward(a.f32(0), a.i32(1), a.outF32(0), tokens, experts,
                            kk, attrs);
    };
  }
  c.expectOutNumel(0, tokens * experts, "dlogits as logits");
  return [=](const KernelArgs &a) {
    k::balanceLossBackward(a.f32(0), a.i32(1), a.outF32(0), tokens, experts, kk,
                           attrs);
  };
}

/// Tokens and k of an expert-id operand [T, k].
struct Choice {
  int64_t tokens, k;
};

Choice choiceOf(const OpContext &c, size_t input) {
  int64_t kk = c.inLastDim(input);
  int64_t tokens = c.inRows(input, kk, "expert ids: tokens x k");
  if (tokens == 0)
    c.fail(c.describeIn(input) + " holds no tokens");
  return {tokens, kk};
}

KernelFn bindDispatch(const OpContext &c) {
  Choice ch = choiceOf(c, 1);
  int64_t copies = ch.tokens * ch.k;
  if (c.op() == Opcode::dispatch_fwd) {
    int64_t experts = c.outNumel(1) - 1;
    if (experts < 1)
      c.fail(c.describeOut(1) + " must hold experts + 1 offsets");
    int64_t hidden = c.inRows(0, ch.tokens, "x: tokens x hidden");
    c.expectOutNumel(0, copies * hidden, "rows: tokens x k x hidden");
    return [=](const KernelArgs &a) {
      k::dispatchForward(a.f32(0), a.i32(1), a.outF32(0), a.outI32(1),
                         ch.tokens, hidden, ch.k, experts);
    };
  }
  int64_t experts = c.expertCount(c.inst().inputs[1]);
  int64_t hidden = c.outNumel(0) / ch.tokens;
  c.expectOutNumel(0, ch.tokens * hidden, "dx: tokens x hidden");
  c.expectInNumel(0, copies * hidden, "drows: tokens x k x hidden");
  return [=](const KernelArgs &a) {
    k::dispatchBackward(a.f32(0), a.i32(1), a.outF32(0), ch.tokens, hidden,
                        ch.k, experts);
  };
}

/// Fails (at run time: offsets are data) when the groups end past the
/// `rows` rows the plan's buffers hold.
void checkGroupEnd(const int32_t *offsets, int64_t experts, int64_t rows) {
  if (offsets[experts] < 0 || offsets[experts] > rows)
    throw std::out_of_range("grouped_linear: the offsets end at row " +
                            std::to_string(offsets[experts]) +
                            ", the row buffers hold " + std::to_string(rows));
}

/// The GEMM of a grouped_linear_* or fp8_grouped_linear_* opcode.
enum class GroupedPart { Forward, Input, Weight };

GroupedPart groupedPart(Opcode op) {
  switch (op) {
  case Opcode::grouped_linear_fwd:
  case Opcode::fp8_grouped_linear_fwd:
    return GroupedPart::Forward;
  case Opcode::grouped_linear_bwd_input:
  case Opcode::fp8_grouped_linear_bwd_input:
    return GroupedPart::Input;
  default:
    return GroupedPart::Weight;
  }
}

/// grouped_linear_* and its FP8 form fp8_grouped_linear_*: the same operands
/// and shapes, the FP8 kernels taking fp8_linear's attributes too.
KernelFn bindGroupedLinear(const OpContext &c) {
  using Part = GroupedPart;
  Part part = groupedPart(c.op());
  bool fp8 = c.op() == Opcode::fp8_grouped_linear_fwd ||
             c.op() == Opcode::fp8_grouped_linear_bwd_input ||
             c.op() == Opcode::fp8_grouped_linear_bwd_weight;
  bool weightIsOutput = part == Part::Weight;
  const plan::Buffer &w = weightIsOutput ? c.out(0) : c.in(2);
  if (w.shape.size() != 3)
    c.fail((weightIsOutput ? c.describeOut(0) : c.describeIn(2)) +
           " must be a stack of expert weights [experts, out, in]");
  int64_t experts = w.shape[0], out = w.shape[1], in = w.shape[2];
  size_t oi = weightIsOutput ? 2 : 1; // offsets
  // Expert-parallel rows come in one block per source rank and expert.
  int64_t groups = c.inNumel(oi) - 1;
  if (groups < experts || groups % experts != 0)
    c.fail(c.describeIn(oi) + " must hold the weight's " +
           std::to_string(experts) +
           " experts (times their blocks) + 1 offsets");
  int64_t blocks = groups / experts;
  k::FP8LinearAttrs attrs = fp8 ? fp8LinearAttrs(c) : k::FP8LinearAttrs();
  switch (part) {
  case Part::Forward: {
    int64_t rows = c.inRows(0, in, "rows of the weight's in features");
    c.expectOutNumel(0, rows * out, "rows x the weight's out features");
    return [=](const KernelArgs &a) {
      checkGroupEnd(a.i32(1), groups, rows);
      if (fp8)
        k::fp8GroupedLinearForward(a.f32(0), a.i32(1), a.f32(2), a.outF32(0),
                                   experts, in, out, attrs, blocks);
      else
        k::groupedLinearForward(a.f32(0), a.i32(1), a.f32(2), a.outF32(0),
                                experts, in, out, blocks);
    };
  }
  case Part::Input: {
    int64_t rows = c.inRows(0, out, "dy rows of the weight's out features");
    c.expectOutNumel(0, rows * in, "rows x the weight's in features");
    return [=](const KernelArgs &a) {
      checkGroupEnd(a.i32(1), groups, rows);
      if (fp8)
        k::fp8GroupedLinearBackwardInput(a.f32(0), a.i32(1), a.f32(2),
                                         a.outF32(0), experts, in, out, attrs, blocks);
      else
        k::groupedLinearBackwardInput(a.f32(0), a.i32(1), a.f32(2), a.outF32(0),
                                      experts, in, out, blocks);
    };
  }
  case Part::Weight: {
    int64_t rows = c.inRows(1, in, "rows of the weight's in features");
    c.expectInNumel(0, rows * out, "dy: rows x the weight's out features");
    return [=](const KernelArgs &a) {
      checkGroupEnd(a.i32(2), groups, rows);
      if (fp8)
        k::fp8GroupedLinearBackwardWeight(a.f32(0), a.f32(1), a.i32(2),
                                          a.outF32(0), experts, in, out, attrs, blocks);
      else
        k::groupedLinearBackwardWeight(a.f32(0), a.f32(1), a.i32(2),
                                       a.outF32(0), experts, in, out, blocks);
    };
  }
  }
  return nullptr; // unreachable: every part returned
}

KernelFn bindCombine(const OpContext &c) {
  bool fwd = c.op() == Opcode::combine_fwd;
  size_t base = fwd ? 0 : 1; // rows, weights, experts follow combine_bwd's dy
  Choice ch = choiceOf(c, base + 2);
  int64_t experts = c.expertCount(c.inst().inputs[base + 2]);
  int64_t copies = ch.tokens * ch.k;
  c.expectInNumel(base + 1, copies, "weights: tokens x k");
  int64_t hidden = c.inRows(base, copies, "rows: tokens x k x hidden");
  if (fwd) {
    c.expectOutNumel(0, ch.tokens * hidden, "y: tokens x hidden");
    return [=](const KernelArgs &a) {
      k::combineForward(a.f32(0), a.f32(1), a.i32(2), a.outF32(0), ch.tokens,
                        hidden, ch.k, experts);
    };
  }
  c.expectInNumel(0, ch.tokens * hidden, "dy: tokens x hidden");
  c.expectOutNumel(0, copies * hidden, "drows as rows");
  c.expectOutNumel(1, copies, "dweights as weights");
  return [=](const KernelArgs &a) {
    k::combineBackward(a.f32(0), a.f32(1), a.f32(2), a.i32(3), a.outF32(0),
                       a.outF32(1), ch.tokens, hidden, ch.k, experts);
  };
}

} // namespace

KernelFn bindMoE(const OpContext &c) {
  switch (c.op()) {
  case Opcode::route_fwd:
  case Opcode::route_bwd:
    return bindRoute(c);
  case Opcode::balance_loss_fwd:
  case Opcode::balance_loss_bwd:
    return bindBalanceLoss(c);
  case Opcode::dispatch_fwd:
  case Opcode::dispatch_bwd:
    return bindDispatch(c);
  case Opcode::combine_fwd:
  case Opcode::combine_bwd:
    return bindCombine(c);
  default:
    return bindGroupedLinear(c);
  }
}

} // namespace dsc::exec::detail
