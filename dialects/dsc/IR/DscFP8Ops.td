//===- DscFP8Ops.td - linear-level FP8 ops ----------------*- tablegen -*-===//
//
// The linear-level ops DeepSeek-V3's FP8 linear layers run as: quantize the
// input per tile, then a GEMM of FP8 operands with their scales. The
// model-level ops hold them in their `linears` region (dsc-fp8-quantize
// puts them there); the lowering to kernel-level ops takes them from there.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_FP8OPS_TD
#define DSC_FP8OPS_TD

def Dsc_QuantizeOp : Dsc_Op<"quantize", [
    Pure, DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmResultNames"]>
  ]> {
  let summary = "quantize activations to FP8 E4M3 with one scale per tile";
  let description = [{
    Cuts each token's N channels into `1 x T` tiles (`tile = [1, T]`) and
    stores every value as `value / scale` in `f8E4M3FN`, one FP32 scale per
    tile: `max(amax, 1e-4) / 448`, rounded up to a power of two with
    `scale ue8m0`. A ragged last tile is zero-padded, so the scales are
    `tensor<?x?xceil(N/T)xf32>`.

    `dispatch` marks the copy the MoE all-to-all sends to the routed experts
    (DeepSeek-V3 dispatches FP8 with power-of-two scales and combines BF16).

    ```mlir
    %fp8, %scales = dsc.quantize %x tile [1, 128] scale fp32
        : tensor<?x?x7168xbf16> -> tensor<?x?x7168xf8E4M3FN>,
          tensor<?x?x56xf32>
    ```
  }];
  let arguments = (ins
    Dsc_Activation:$input,
    DenseI64ArrayAttr:$tile,
    Dsc_ScaleFormat:$scale,
    UnitAttr:$dispatch
  );
  let results = (outs Dsc_Activation:$quantized, Dsc_Activation:$scales);
  let assemblyFormat = [{
    $input `tile` $tile `scale` $scale (`dispatch` $dispatch^)? attr-dict
    `:` type($input) `->` type($quantized) `,` type($scales)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    int64_t getTileWidth() { return getTile()[1]; }
  }];
}

def Dsc_FP8GemmOp : Dsc_Op<"fp8_gemm", [
    Pure, DeclareOpInterfaceMethods<SymbolUserOpInterface>
  ]> {
  let summary = "GEMM of FP8 activations and an FP8 weight, with their scales";
  let description = [{
    `output = (input * input_scales) (weight * weight_scale_inv)^T`, as
    DeepGEMM computes it: `input` is `[tokens, K]` in `f8E4M3FN` with
    `input_scales` per `recipe.act_tile`; `weight` names an `f8E4M3FN`
    parameter `[N, K]` whose FP32 block scales are the parameter
    `<weight>_scale_inv` of shape `[ceil(N / R), ceil(K / C)]` for
    `recipe.weight_block = [R, C]`. Partial sums are promoted to FP32 every
    `recipe.promote` elements of K; the output is BF16.

    A stacked routed-expert weight `[E, N, K]` (scales `[E, ...]`) makes it
    a grouped GEMM: each row of `input` is a token dispatched to one expert,
    multiplied by that expert's weight.

    For training it marks what the recipe does differently for this layer:
    `saves e5m6` keeps its input for the backward pass in E5M6 instead of
    the FP8 copy (the linear after attention, whose input the attention
    backward reads too); `combine` means its output is what the MoE
    all-to-all combine returns (BF16). The backward follows the recipe's
    `wgrad_tile`/`wgrad_scale`.

    ```mlir
    %0 = dsc.fp8_gemm %fp8, %scales,
        @"model.layers.3.self_attn.q_a_proj.weight" #fp8
        : tensor<?x?x7168xf8E4M3FN>, tensor<?x?x56xf32>
        -> tensor<?x?x1536xbf16>
    ```
  }];
  let arguments = (ins
    Dsc_Activation:$input,
    Dsc_Activation:$input_scales,
    FlatSymbolRefAttr:$weight,
    Dsc_FP8RecipeAttr:$recipe,
    OptionalAttr<Dsc_SavedActivation>:$saved,
    UnitAttr:$combine
  );
  let results = (outs Dsc_Activation:$output);
  let assemblyFormat = [{
    $input `,` $input_scales `,` $weight $recipe (`saves` $saved^)?
    (`combine` $combine^)? attr-dict
    `:` type($input) `,` type($input_scales) `->` type($output)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The parameter holding the weight's block scales.
    std::string getWeightScalesName();
  }];
}

#endif // DSC_FP8OPS_TD
