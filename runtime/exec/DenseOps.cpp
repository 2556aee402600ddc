//===- DenseOps.cpp - embedding, RMSNorm, linear and FP8 linear -----------===//
//
// Activations are read as [numel / width, width]: a per-head view [T, h, d]
// feeding a projection is the same bytes as [T, h * d], so linear-like ops
// take their K and N from the weight [N, K] and only need the activation's
// element count to be a whole number of rows.
//
//===----------------------------------------------------------------------===//

#include "OpBinding.h"
#include "dsc/kernels/cpu/Dense.h"

namespace dsc::exec::detail {
namespace {

namespace k = kernels::cpu;
using plan::AttrKey;
using plan::Opcode;

KernelFn bindEmbedding(const OpContext &c) {
  bool fwd = c.op() == Opcode::embedding_fwd;
  // The table is the forward's input 1 and the backward's output 0.
  const plan::Buffer &table = fwd ? c.in(1) : c.out(0);
  if (table.shape.size() != 2)
    c.fail((fwd ? c.describeIn(1) : c.describeOut(0)) +
           " must be a [vocab, hidden] table");
  int64_t vocab = table.shape[0], hidden = table.shape[1];
  int64_t tokens = c.inNumel(0);
  std::string why = "tokens x hidden of the table";
  if (fwd) {
    c.expectOutNumel(0, tokens * hidden, why);
    return [=](const KernelArgs &a) {
      k::embeddingForward(a.i32(0), a.f32(1), a.outF32(0), tokens, vocab,
                          hidden);
    };
  }
  c.expectInNumel(1, tokens * hidden, why);
  return [=](const KernelArgs &a) {
    k::embeddingBackward(a.i32(0), a.f32(1), a.outF32(0), tokens, vocab,
                         hidden);
  };
}

KernelFn bindRmsNorm(const OpContext &c) {
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
    return [=](const KernelArgs &a) {
      k::rmsNormForward(a.f32(0), a.f32(1), a.outF32(0), a.outF32(1), rows, dim,
                        eps);
    };
  }
  c.expectInNumel(0, n, "dy as x");
  c.expectInNumel(3, rows, "one rstd per row");
  c.expectOutNumel(0, n, "dx as x");
  c.expectOutNumel(1, dim, "dw as w");
  return [=](const KernelArgs &a) {
    k::rmsNormBackward(a.f32(0), a.f32(1), a.f32(2), a.f32(3), a.outF32(0),
                       a.outF32(1), rows, dim);
  };
}

/// The weight [N, K] of a linear-like instruction (input or output).
struct LinearDims {
  int64_t rows, in, out;
};

LinearDims linearDims(const OpContext &c) {
  bool weightIsOutput = c.op() == Opcode::linear_bwd_weight ||
                        c.op() == Opcode::fp8_linear_bwd_weight;
  const plan::Buffer &w = weightIsOutput ? c.out(0) : c.in(1);
  if (w.shape.size() != 2)
    c.fail((weightIsOutput ? c.describeOut(0) : c.describeIn(1)) +
           " must be a [out, in] weight");
  LinearDims d{0, w.shape[1], w.shape[0]};
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
  return d;
}

KernelFn bindLinear(const OpContext &c) {
  LinearDims d = linearDims(c);
  switch (c.op()) {
  case Opcode::linear_fwd:
    return [=](const KernelArgs &a) {
      k::linearForward(a.f32(0), a.f32(1), a.outF32(0), d.rows, d.in, d.out);
    };
  case Opcode::linear_bwd_input:
    return [=](const KernelArgs &a) {
      k::linearBackwardInput(a.f32(0), a.f32(1), a.outF32(0), d.rows, d.in,
                             d.out);
    };
  default:
    return [=](const KernelArgs &a) {
      k::linearBackwardWeight(a.f32(0), a.f32(1), a.outF32(0), d.rows, d.in,
                              d.out);
    };
  }
}

KernelFn bindFP8Linear(const OpContext &c) {
  LinearDims d = linearDims(c);
  k::FP8LinearAttrs attrs = fp8LinearAttrs(c);
  switch (c.op()) {
  case Opcode::fp8_linear_fwd:
    return [=](const KernelArgs &a) {
      k::fp8LinearForward(a.f32(0), a.f32(1), a.outF32(0), d.rows, d.in, d.out,
                          attrs);
    };
  case Opcode::fp8_linear_bwd_input:
    return [=](const KernelArgs &a) {
      k::fp8LinearBackwardInput(a.f32(0), a.f32(1), a.outF32(0), d.rows, d.in,
                                d.out, attrs);
    };
  default:
    return [=](const KernelArgs &a) {
      k::fp8LinearBackwardWeight(a.f32(0), a.f32(1), a.outF32(0), d.rows, d.in,
                                 d.out, attrs);
    };
  }
}

/// quantize_fp8 / dequantize_fp8: rows [T, H] (the codes' shape) and
/// scales [T, ceil(H / tile)], f32 or ue8m0 as their buffer says.
KernelFn bindFP8Rows(const OpContext &c) {
  bool quantize = c.op() == Opcode::quantize_fp8;
  const plan::Buffer &codes = quantize ? c.out(0) : c.in(0);
  const plan::Buffer &scales = quantize ? c.out(1) : c.in(1);
  std::string codesText = quantize ? c.describeOut(0) : c.describeIn(0);
  if (codes.shape.empty())
    c.fail(codesText + " must be [rows, channels]");
  int64_t cols = codes.shape.back();
  int64_t tile = c.intAttr(AttrKey::tile);
  int64_t tiles = (cols + tile - 1) / tile;
  int64_t numel = quantize ? c.outNumel(0) : c.inNumel(0);
  int64_t rows = cols > 0 ? numel / cols : 0;
  std::string why = "one scale per 1 x " + std::to_string(tile) +
                    " tile of " + codesText;
  if (quantize) {
    c.expectInNumel(0, numel, "as " + codesText);
    c.expectOutNumel(1, rows * tiles, why);
  } else {
    c.expectInNumel(1, rows * tiles, why);
    c.expectOutNumel(0, numel, "as " + codesText);
  }
  bool powerOfTwo = scales.dtype == plan::DType::ue8m0;
  auto scalesOf = [powerOfTwo](void *p) {
    return powerOfTwo ? k::RowScales{nullptr, static_cast<uint8_t *>(p)}
                      : k::RowScales{static_cast<float *>(p), nullptr};
  };
  if (quantize)
    return [=](const KernelArgs &a) {
      k::quantizeRowsFP8(a.f32(0), static_cast<uint8_t *>(a.out[0]),
                         scalesOf(a.out[1]), rows, cols, tile);
    };
  return [=](const KernelArgs &a) {
    k::dequantizeRowsFP8(static_cast<const uint8_t *>(a.in[0]),
                         scalesOf(a.in[1]), a.outF32(0), rows, cols, tile);
  };
}

} // namespace

k::FP8LinearAttrs fp8LinearAttrs(const OpContext &c) {
  k::FP8LinearAttrs attrs;
  attrs.tile = c.intAttr(AttrKey::tile);
  attrs.block = c.intAttr(AttrKey::block);
  attrs.scaleFormat = c.intAttr(AttrKey::scale_format) == 1
                          ? numerics::ScaleFormat::UE8M0
                          : numerics::ScaleFormat::FP32;
  if (c.op() == Opcode::fp8_grouped_linear_fwd)
    attrs.quantizedInput = c.intAttr(AttrKey::quantized_input) == 1;
  return attrs;
}

KernelFn bindDense(const OpContext &c) {
  switch (c.op()) {
  case Opcode::embedding_fwd:
  case Opcode::embedding_bwd:
    return bindEmbedding(c);
  case Opcode::rms_norm_fwd:
  case Opcode::rms_norm_bwd:
    return bindRmsNorm(c);
  case Opcode::linear_fwd:
  case Opcode::linear_bwd_input:
  case Opcode::linear_bwd_weight:
    return bindLinear(c);
  case Opcode::quantize_fp8:
  case Opcode::dequantize_fp8:
    return bindFP8Rows(c);
  default:
    return bindFP8Linear(c);
  }
}

} // namespace dsc::exec::detail
