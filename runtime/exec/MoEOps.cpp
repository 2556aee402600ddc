//===- MoEOps.cpp - routing, dispatch, grouped linear, combine ------------===//
//
// Expert ids [T, k] give T and k (their last dimension); the expert count E
// comes from the routing logits [T, E], the offsets [E + 1] or, for the ops
// that take neither, from the route_fwd / dispatch_fwd that produced the ids.
// Offsets are data: the backend checks them when it runs (the CPU's kernels
// check they start at 0 and never decrease, and its grouped GEMM launches
// that the last one stays inside the row buffers the plan gave it).
//
//===----------------------------------------------------------------------===//

#include "OpBinding.h"

namespace dsc::exec::detail {
namespace {

using plan::AttrKey;
using plan::Opcode;

/// Scoring attribute 1 is sigmoid (V3), 0 softmax.
Scoring scoringOf(const OpContext &c) {
  return c.intAttr(AttrKey::scoring) == 1 ? Scoring::Sigmoid : Scoring::Softmax;
}

/// route_fwd's and route_bwd's attributes (the backward takes no group
/// selection: greedy over one group).
RouteLaunch routeAttrs(const OpContext &c, int64_t experts, bool fwd) {
  RouteLaunch a{};
  a.method = TopkMethod::Greedy;
  a.nGroup = 1;
  a.topkGroup = 1;
  a.k = c.intAttr(AttrKey::k);
  a.scoring = scoringOf(c);
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
    a.method = TopkMethod::Greedy;
    break;
  case 1:
    a.method = TopkMethod::GroupLimitedGreedy;
    break;
  default:
    a.method = TopkMethod::NoauxTc;
    break;
  }
  a.nGroup = c.intAttr(AttrKey::n_group);
  a.topkGroup = c.intAttr(AttrKey::topk_group);
  if (a.method != TopkMethod::Greedy) {
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

LaunchDesc describeRoute(const OpContext &c) {
  bool fwd = c.op() == Opcode::route_fwd;
  size_t li = fwd ? 0 : 1; // logits
  int64_t experts = c.inLastDim(li);
  int64_t tokens = c.inRows(li, experts, "logits: tokens x experts");
  RouteLaunch d = routeAttrs(c, experts, fwd);
  d.tokens = tokens;
  d.experts = experts;
  d.bias = fwd && c.numInputs() == 2;
  int64_t tk = tokens * d.k;
  if (fwd) {
    if (d.bias)
      c.expectInNumel(1, experts, "one bias per expert");
    c.expectOutNumel(0, tk, "experts: tokens x k");
    c.expectOutNumel(1, tk, "weights: tokens x k");
    c.expectOutNumel(2, experts, "loads: one per expert");
    return d;
  }
  c.expectInNumel(0, tk, "dweights: tokens x k");
  c.expectInNumel(2, tk, "experts: tokens x k");
  c.expectOutNumel(0, tokens * experts, "dlogits as logits");
  return d;
}

LaunchDesc describeBalanceLoss(const OpContext &c) {
  int64_t experts = c.inLastDim(0);
  int64_t tokens = c.inRows(0, experts, "logits: tokens x experts");
  int64_t kk = c.inLastDim(1);
  c.expectInNumel(1, tokens * kk, "experts: one row of k per logits row");
  if (kk < 1 || kk > experts)
    c.fail(c.describeIn(1) + " must choose between 1 and the " +
           std::to_string(experts) + " experts per token");
  BalanceLossLaunch attrs{tokens, experts, kk, scoringOf(c), 0, 0};
  attrs.seqLen = c.intAttr(AttrKey::seq);
  attrs.weight = static_cast<float>(c.floatAttr(AttrKey::weight));
  if (tokens % attrs.seqLen != 0)
    c.fail(std::to_string(tokens) + " tokens are not whole sequences of seq=" +
           std::to_string(attrs.seqLen));
  if (c.op() == Opcode::balance_loss_fwd)
    c.expectOutNumel(0, 1, "the loss is a scalar");
  else
    c.expectOutNumel(0, tokens * experts, "dlogits as logits");
  return attrs;
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

LaunchDesc describeDispatch(const OpContext &c) {
  Choice ch = choiceOf(c, 1);
  int64_t copies = ch.tokens * ch.k;
  if (c.op() == Opcode::dispatch_fwd) {
    int64_t experts = c.outNumel(1) - 1;
    if (experts < 1)
      c.fail(c.describeOut(1) + " must hold experts + 1 offsets");
    int64_t hidden = c.inRows(0, ch.tokens, "x: tokens x hidden");
    c.expectOutNumel(0, copies * hidden, "rows: tokens x k x hidden");
    return ExpertRowsLaunch{ch.tokens, hidden, ch.k, experts};
  }
  int64_t experts = c.expertCount(c.inst().inputs[1]);
  int64_t hidden = c.outNumel(0) / ch.tokens;
  c.expectOutNumel(0, ch.tokens * hidden, "dx: tokens x hidden");
  c.expectInNumel(0, copies * hidden, "drows: tokens x k x hidden");
  return ExpertRowsLaunch{ch.tokens, hidden, ch.k, experts};
}

/// grouped_linear_* and its FP8 form fp8_grouped_linear_*: the same operands
/// and shapes, the FP8 kernels taking fp8_linear's attributes too.
LaunchDesc describeGroupedLinear(const OpContext &c) {
  Opcode op = c.op();
  bool weightIsOutput = op == Opcode::grouped_linear_bwd_weight ||
                        op == Opcode::fp8_grouped_linear_bwd_weight;
  bool fp8 = op == Opcode::fp8_grouped_linear_fwd ||
             op == Opcode::fp8_grouped_linear_bwd_input ||
             op == Opcode::fp8_grouped_linear_bwd_weight;
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
  GroupedLinearLaunch d{experts, in, out, groups, groups / experts, 0, {}};
  if (fp8)
    d.fp8 = fp8Recipe(c);
  if (op == Opcode::grouped_linear_fwd ||
      op == Opcode::fp8_grouped_linear_fwd) {
    d.rows = c.inRows(0, in, "rows of the weight's in features");
    c.expectOutNumel(0, d.rows * out, "rows x the weight's out features");
  } else if (!weightIsOutput) {
    d.rows = c.inRows(0, out, "dy rows of the weight's out features");
    c.expectOutNumel(0, d.rows * in, "rows x the weight's in features");
  } else {
    d.rows = c.inRows(1, in, "rows of the weight's in features");
    c.expectInNumel(0, d.rows * out, "dy: rows x the weight's out features");
  }
  return d;
}

LaunchDesc describeCombine(const OpContext &c) {
  bool fwd = c.op() == Opcode::combine_fwd;
  size_t base = fwd ? 0 : 1; // rows, weights, experts follow combine_bwd's dy
  Choice ch = choiceOf(c, base + 2);
  int64_t experts = c.expertCount(c.inst().inputs[base + 2]);
  int64_t copies = ch.tokens * ch.k;
  c.expectInNumel(base + 1, copies, "weights: tokens x k");
  int64_t hidden = c.inRows(base, copies, "rows: tokens x k x hidden");
  if (fwd) {
    c.expectOutNumel(0, ch.tokens * hidden, "y: tokens x hidden");
    return ExpertRowsLaunch{ch.tokens, hidden, ch.k, experts};
  }
  c.expectInNumel(0, ch.tokens * hidden, "dy: tokens x hidden");
  c.expectOutNumel(0, copies * hidden, "drows as rows");
  c.expectOutNumel(1, copies, "dweights as weights");
  return ExpertRowsLaunch{ch.tokens, hidden, ch.k, experts};
}

} // namespace

LaunchDesc describeMoE(const OpContext &c) {
  switch (c.op()) {
  case Opcode::route_fwd:
  case Opcode::route_bwd:
    return describeRoute(c);
  case Opcode::balance_loss_fwd:
  case Opcode::balance_loss_bwd:
    return describeBalanceLoss(c);
  case Opcode::dispatch_fwd:
  case Opcode::dispatch_bwd:
    return describeDispatch(c);
  case Opcode::combine_fwd:
  case Opcode::combine_bwd:
    return describeCombine(c);
  default:
    return describeGroupedLinear(c);
  }
}

} // namespace dsc::exec::detail
