//===- CpuDenseKernels.cpp - embedding, RMSNorm, linear, RoPE, attention --===//

#include "CpuKernels.h"
#include "dsc/kernels/cpu/Attention.h"
#include "dsc/kernels/cpu/Dense.h"

namespace dsc::exec::detail {

namespace k = kernels::cpu;
using plan::Opcode;

k::FP8LinearAttrs cpuFP8Attrs(const FP8Recipe &recipe) {
  k::FP8LinearAttrs attrs;
  attrs.tile = recipe.tile;
  attrs.block = recipe.block;
  attrs.scaleFormat =
      recipe.ue8m0 ? numerics::ScaleFormat::UE8M0 : numerics::ScaleFormat::FP32;
  attrs.quantizedInput = recipe.quantizedInput;
  return attrs;
}

namespace {

k::RopeAttrs ropeAttrs(const RopeLaunch &d) {
  k::RopeAttrs attrs;
  attrs.seq = d.seq;
  attrs.ropeDim = d.ropeDim;
  attrs.theta = d.theta;
  attrs.factor = d.factor;
  attrs.originalMaxPositions = d.originalMaxPositions;
  attrs.betaFast = d.betaFast;
  attrs.betaSlow = d.betaSlow;
  attrs.mscale = d.mscale;
  attrs.mscaleAllDim = d.mscaleAllDim;
  return attrs;
}

/// Where an FP8 row tensor's scales are: UE8M0 bytes or FP32 values.
k::RowScales rowScales(const FP8RowsLaunch &d, void *scales) {
  return d.ue8m0 ? k::RowScales{nullptr, static_cast<uint8_t *>(scales)}
                 : k::RowScales{static_cast<float *>(scales), nullptr};
}

k::AttentionAttrs attentionAttrs(const AttentionLaunch &d) {
  k::AttentionAttrs attrs;
  attrs.seq = d.seq;
  attrs.scale = d.scale;
  return attrs;
}

} // namespace

void addCpuDenseKernels(KernelTable &t) {
  using E = EmbeddingLaunch;
  addLaunch<E>(t, Opcode::embedding_fwd, [](const E &d, const KernelArgs &a) {
    k::embeddingForward(a.i32(0), a.f32(1), a.outF32(0), d.tokens, d.vocab,
                        d.hidden);
  });
  addLaunch<E>(t, Opcode::embedding_bwd, [](const E &d, const KernelArgs &a) {
    k::embeddingBackward(a.i32(0), a.f32(1), a.outF32(0), d.tokens, d.vocab,
                         d.hidden);
  });
  using N = RmsNormLaunch;
  addLaunch<N>(t, Opcode::rms_norm_fwd, [](const N &d, const KernelArgs &a) {
    k::rmsNormForward(a.f32(0), a.f32(1), a.outF32(0), a.outF32(1), d.rows,
                      d.dim, d.eps);
  });
  addLaunch<N>(t, Opcode::rms_norm_bwd, [](const N &d, const KernelArgs &a) {
    k::rmsNormBackward(a.f32(0), a.f32(1), a.f32(2), a.f32(3), a.outF32(0),
                       a.outF32(1), d.rows, d.dim);
  });
  using L = LinearLaunch;
  addLaunch<L>(t, Opcode::linear_fwd, [](const L &d, const KernelArgs &a) {
    k::linearForward(a.f32(0), a.f32(1), a.outF32(0), d.rows, d.in, d.out);
  });
  addLaunch<L>(t, Opcode::linear_bwd_input,
               [](const L &d, const KernelArgs &a) {
                 k::linearBackwardInput(a.f32(0), a.f32(1), a.outF32(0), d.rows,
                                        d.in, d.out);
               });
  addLaunch<L>(t, Opcode::linear_bwd_weight,
               [](const L &d, const KernelArgs &a) {
                 k::linearBackwardWeight(a.f32(0), a.f32(1), a.outF32(0),
                                         d.rows, d.in, d.out);
               });
  addLaunch<L>(t, Opcode::fp8_linear_fwd, [](const L &d, const KernelArgs &a) {
    k::fp8LinearForward(a.f32(0), a.f32(1), a.outF32(0), d.rows, d.in, d.out,
                        cpuFP8Attrs(d.fp8));
  });
  addLaunch<L>(
      t, Opcode::fp8_linear_bwd_input, [](const L &d, const KernelArgs &a) {
        k::fp8LinearBackwardInput(a.f32(0), a.f32(1), a.outF32(0), d.rows, d.in,
                                  d.out, cpuFP8Attrs(d.fp8));
      });
  addLaunch<L>(
      t, Opcode::fp8_linear_bwd_weight, [](const L &d, const KernelArgs &a) {
        k::fp8LinearBackwardWeight(a.f32(0), a.f32(1), a.outF32(0), d.rows,
                                   d.in, d.out, cpuFP8Attrs(d.fp8));
      });
  using Q = FP8RowsLaunch;
  addLaunch<Q>(t, Opcode::quantize_fp8, [](const Q &d, const KernelArgs &a) {
    k::quantizeRowsFP8(a.f32(0), static_cast<uint8_t *>(a.out[0]),
                       rowScales(d, a.out[1]), d.rows, d.cols, d.tile);
  });
  addLaunch<Q>(t, Opcode::dequantize_fp8, [](const Q &d, const KernelArgs &a) {
    k::dequantizeRowsFP8(static_cast<const uint8_t *>(a.in[0]),
                         rowScales(d, a.in[1]), a.outF32(0), d.rows, d.cols,
                         d.tile);
  });
  using R = RopeLaunch;
  addLaunch<R>(t, Opcode::rope_fwd, [](const R &d, const KernelArgs &a) {
    k::ropeForward(a.f32(0), a.outF32(0), d.tokens, d.heads, d.dim,
                   ropeAttrs(d));
  });
  addLaunch<R>(t, Opcode::rope_bwd, [](const R &d, const KernelArgs &a) {
    k::ropeBackward(a.f32(0), a.outF32(0), d.tokens, d.heads, d.dim,
                    ropeAttrs(d));
  });
  using A = AttentionLaunch;
  addLaunch<A>(t, Opcode::attention_fwd, [](const A &d, const KernelArgs &a) {
    k::attentionForward(a.f32(0), a.f32(1), a.f32(2), a.outF32(0), a.outF32(1),
                        d.tokens, d.heads, d.qkDim, d.vDim, attentionAttrs(d));
  });
  addLaunch<A>(t, Opcode::attention_bwd, [](const A &d, const KernelArgs &a) {
    k::attentionBackward(a.f32(0), a.f32(1), a.f32(2), a.f32(3), a.f32(4),
                         a.f32(5), a.outF32(0), a.outF32(1), a.outF32(2),
                         d.tokens, d.heads, d.qkDim, d.vDim, attentionAttrs(d));
  });
}

} // namespace dsc::exec::detail
