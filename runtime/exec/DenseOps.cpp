//===- DenseOps.cpp - embedding, RMSNorm, linear and FP8 linear -----------===//
//
// Activations are read as [numel / width, width]: a per-head view [T, h, d]
// feeding a projection is the same bytes as [T, h * d], so linear-like ops
// take their K and N from the weight [N, K] and only need the activation's
// element count to be a whole number of rows.
//
//===----------------------------------------------------------------------===//

#include "OpBinding.h"

namespace dsc::exec::detail {
namespace {

using plan::AttrKey;
using plan::Opcode;

LaunchDesc describeEmbedding(const OpContext &c) {
  bool fwd = c.op() == Opcode::embedding_fwd;
  // The table is the forward's input 1 and the backward's output 0.
  const plan::Buffer &table = fwd ? c.in(1) : c.out(0);
  if (table.shape.size() != 2)
    c.fail((fwd ? c.describeIn(1) : c.describeOut(0)) +
           " must be a [vocab, hidden] table");
  int64_t vocab = table.shape[0], hidden = table.shape[1];
  int64_t tokens = c.inNumel(0);
  std::string why = "tokens x hidden of the table";
  if (fwd)
    c.expectOutNumel(0, tokens * hidden, why);
  else
    c.expectInNumel(1, tokens * hidden, why);
  return EmbeddingLaunch{tokens, vocab, hidden};
}

LaunchDesc describeRmsNorm(const OpContext &c) {
  bool fwd = c.op() == Opcode::rms_norm_fwd;
  // x is input 0 forward, input 1 backward; w follows it.
  size_t xi = fwd ? 0 : 1, wi = xi + 1;
  int64_t dim = c.inNumel(wi);
  if (c.inLastDim(xi) != dim)
    c.fail(c.describeIn(xi) + " must end in the weight's " +
           std::to_string(dim) + " channels (" + c.describeIn(wi) + ")");
  int64_t rows = c.inRows(xi, dim, "rows of the norm");
  int64_t n = rows * dim;
  if (fwd) {
    float eps = static_cast<float>(c.floatAttr(AttrKey::eps));
    c.expectOutNumel(0, n, "as x");
    c.expectOutNumel(1, rows, "one rstd per row");
    return RmsNormLaunch{rows, dim, eps};
  }
  c.expectInNumel(0, n, "dy as x");
  c.expectInNumel(3, rows, "one rstd per row");
  c.expectOutNumel(0, n, "dx as x");
  c.expectOutNumel(1, dim, "dw as w");
  return RmsNormLaunch{rows, dim};
}

/// The weight [N, K] of a linear-like instruction (input or output).
LaunchDesc describeLinear(const OpContext &c) {
  bool weightIsOutput = c.op() == Opcode::linear_bwd_weight ||
                        c.op() == Opcode::fp8_linear_bwd_weight;
  const plan::Buffer &w = weightIsOutput ? c.out(0) : c.in(1);
  if (w.shape.size() != 2)
    c.fail((weightIsOutput ? c.describeOut(0) : c.describeIn(1)) +
           " must be a [out, in] weight");
  LinearLaunch d{0, w.shape[1], w.shape[0], {}};
  switch (c.op()) {
  case Opcode::linear_fwd:
  case Opcode::fp8_linear_fwd:
    d.rows = c.inRows(0, d.in, "x rows of the weight's in features");
    c.expectOutNumel(0, d.rows * d.out, "rows x the weight's out features");
    break;
  case Opcode::linear_bwd_input:
  case Opcode::fp8_linear_bwd_input:
    d.rows = c.inRows(0, d.out, "dy rows of the weight's out features");
    c.expectOutNumel(0, d.rows * d.in, "rows x the weight's in features");
    break;
  default: // the weight gradient: dy, x -> dw
    d.rows = c.inRows(1, d.in, "x rows of the weight's in features");
    c.expectInNumel(0, d.rows * d.out, "rows x the weight's out features");
    break;
  }
  bool fp8 = c.op() == Opcode::fp8_linear_fwd ||
             c.op() == Opcode::fp8_linear_bwd_input ||
             c.op() == Opcode::fp8_linear_bwd_weight;
  if (fp8)
    d.fp8 = fp8Recipe(c);
  return d;
}

/// quantize_fp8 / dequantize_fp8: rows [T, H] (the codes' shape) and
/// scales [T, ceil(H / tile)], f32 or ue8m0 as their buffer says.
LaunchDesc describeFP8Rows(const OpContext &c) {
  bool quantize = c.op() == Opcode::quantize_fp8;
  const plan::Buffer &codes = quantize ? c.out(0) : c.in(0);
  const plan::Buffer &scales = quantize ? c.out(1) : c.in(1);
  std::string codesText = quantize ? c.describeOut(0) : c.describeIn(0);
  if (codes.shape.empty())
    c.fail(codesText + " must be [rows, channels]");
  FP8RowsLaunch d;
  d.cols = codes.shape.back();
  d.tile = c.intAttr(AttrKey::tile);
  int64_t numel = quantize ? c.outNumel(0) : c.inNumel(0);
  d.rows = d.cols > 0 ? numel / d.cols : 0;
  int64_t tiles = (d.cols + d.tile - 1) / d.tile;
  std::string why =
      "one scale per 1 x " + std::to_string(d.tile) + " tile of " + codesText;
  if (quantize) {
    c.expectInNumel(0, numel, "as " + codesText);
    c.expectOutNumel(1, d.rows * tiles, why);
  } else {
    c.expectInNumel(1, d.rows * tiles, why);
    c.expectOutNumel(0, numel, "as " + codesText);
  }
  d.ue8m0 = scales.dtype == plan::DType::ue8m0;
  return d;
}

} // namespace

FP8Recipe fp8Recipe(const OpContext &c) {
  FP8Recipe recipe;
  recipe.tile = c.intAttr(AttrKey::tile);
  recipe.block = c.intAttr(AttrKey::block);
  recipe.ue8m0 = c.intAttr(AttrKey::scale_format) == 1;
  if (c.op() == Opcode::fp8_grouped_linear_fwd)
    recipe.quantizedInput = c.intAttr(AttrKey::quantized_input) == 1;
  return recipe;
}

LaunchDesc describeDense(const OpContext &c) {
  switch (c.op()) {
  case Opcode::embedding_fwd:
  case Opcode::embedding_bwd:
    return describeEmbedding(c);
  case Opcode::rms_norm_fwd:
  case Opcode::rms_norm_bwd:
    return describeRmsNorm(c);
  case Opcode::quantize_fp8:
  case Opcode::dequantize_fp8:
    return describeFP8Rows(c);
  default: // linear_* and fp8_linear_*
    return describeLinear(c);
  }
}

} // namespace dsc::exec::detail
