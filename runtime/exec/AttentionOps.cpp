//===- AttentionOps.cpp - RoPE and causal attention -----------------------===//
//
// Both need heads: their operands are the plan's per-head views [T, heads,
// d] (a rank-2 [T, d] operand is one head). Sequences of `seq` tokens must
// tile T, since positions restart and causality holds per sequence.
//
//===----------------------------------------------------------------------===//

#include "OpBinding.h"

namespace dsc::exec::detail {
namespace {

using plan::AttrKey;
using plan::Opcode;

struct Heads {
  int64_t tokens, heads, dim;
};

Heads headsOf(const OpContext &c, const plan::Buffer &b,
              const std::string &what) {
  if (b.shape.size() == 3)
    return {b.shape[0], b.shape[1], b.shape[2]};
  if (b.shape.size() == 2)
    return {b.shape[0], 1, b.shape[1]};
  c.fail(what + " must be a per-head view [tokens, heads, dim] (or [tokens, "
                "dim])");
}

void checkSeq(const OpContext &c, int64_t tokens, int64_t seq) {
  if (seq <= 0 || tokens % seq != 0)
    c.fail("seq=" + std::to_string(seq) + " must divide the " +
           std::to_string(tokens) + " tokens");
}

LaunchDesc describeRope(const OpContext &c) {
  Heads x = headsOf(c, c.in(0), c.describeIn(0));
  c.expectOutNumel(0, x.tokens * x.heads * x.dim, "as the input");
  RopeLaunch attrs;
  attrs.tokens = x.tokens;
  attrs.heads = x.heads;
  attrs.dim = x.dim;
  attrs.seq = c.intAttr(AttrKey::seq);
  attrs.ropeDim = c.intAttr(AttrKey::rope_dim);
  attrs.theta = static_cast<float>(c.floatAttr(AttrKey::theta));
  attrs.factor = static_cast<float>(c.floatAttr(AttrKey::yarn_factor));
  attrs.originalMaxPositions =
      c.intAttr(AttrKey::original_max_position_embeddings);
  attrs.betaFast = static_cast<float>(c.floatAttr(AttrKey::beta_fast));
  attrs.betaSlow = static_cast<float>(c.floatAttr(AttrKey::beta_slow));
  attrs.mscale = static_cast<float>(c.floatAttr(AttrKey::mscale));
  attrs.mscaleAllDim = static_cast<float>(c.floatAttr(AttrKey::mscale_all_dim));
  checkSeq(c, x.tokens, attrs.seq);
  if (attrs.ropeDim % 2 != 0 || attrs.ropeDim > x.dim)
    c.fail("rope_dim=" + std::to_string(attrs.ropeDim) +
           " must be even and at most the head dimension " +
           std::to_string(x.dim));
  return attrs;
}

LaunchDesc describeAttentionOp(const OpContext &c) {
  bool fwd = c.op() == Opcode::attention_fwd;
  size_t base = fwd ? 0 : 1; // attention_bwd takes dO first
  Heads q = headsOf(c, c.in(base), c.describeIn(base));
  Heads kk = headsOf(c, c.in(base + 1), c.describeIn(base + 1));
  Heads v = headsOf(c, c.in(base + 2), c.describeIn(base + 2));
  if (kk.tokens != q.tokens || kk.heads != q.heads || kk.dim != q.dim)
    c.fail(c.describeIn(base + 1) + " must have q's shape " +
           shapeText({q.tokens, q.heads, q.dim}));
  if (v.tokens != q.tokens || v.heads != q.heads)
    c.fail(c.describeIn(base + 2) + " must have q's tokens and heads " +
           shapeText({q.tokens, q.heads}));
  int64_t seq = c.intAttr(AttrKey::seq);
  auto scale = static_cast<float>(c.floatAttr(AttrKey::scale));
  checkSeq(c, q.tokens, seq);
  int64_t t = q.tokens, h = q.heads, dq = q.dim, dv = v.dim;
  AttentionLaunch launch{t, h, dq, dv, seq, scale};
  if (fwd) {
    c.expectOutNumel(0, t * h * dv, "o: tokens x heads x v's dim");
    c.expectOutNumel(1, t * h, "lse: tokens x heads");
    return launch;
  }
  c.expectInNumel(0, t * h * dv, "dO as o");
  c.expectInNumel(4, t * h * dv, "o: tokens x heads x v's dim");
  c.expectInNumel(5, t * h, "lse: tokens x heads");
  c.expectOutNumel(0, t * h * dq, "dq as q");
  c.expectOutNumel(1, t * h * dq, "dk as k");
  c.expectOutNumel(2, t * h * dv, "dv as v");
  return launch;
}

} // namespace

LaunchDesc describeAttention(const OpContext &c) {
  if (c.op() == Opcode::rope_fwd || c.op() == Opcode::rope_bwd)
    return describeRope(c);
  return describeAttentionOp(c);
}

} // namespace dsc::exec::detail
