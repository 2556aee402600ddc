//===- DscGradientOps.td - kernel-level backward ops ------*- tablegen -*-===//
//
// The backward of each kernel-level op (dsc-kernel-autodiff emits them):
// ops named `<op>_grad` return input gradients; `<op>_grad_weight` and the
// `@weight` operand of `*_grad` ops accumulate into the gradient of that
// parameter, a side effect on the parameter-gradient resource. Linears
// split their backward into the input part (`_grad_input`) and the weight
// part (`_grad_weight`), so zero-bubble schedules can defer the latter.
// Included from DscOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_GRADIENT_OPS_TD
#define DSC_GRADIENT_OPS_TD

def Dsc_ParameterGradients
    : Resource<"::dsc::ParameterGradientResource">;
def Dsc_AccumulatesGradient : MemWrite<Dsc_ParameterGradients>;

class Dsc_GradOp<string mnemonic, list<Trait> traits = []>
    : Dsc_Op<"k." # mnemonic, traits>;

def Dsc_KFillOp : Dsc_GradOp<"fill", [Pure]> {
  let summary = "a tensor of one value (the loss gradient's seed, zeros)";
  let arguments = (ins F64Attr:$value);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$value attr-dict `:` type($output)";
}

def Dsc_KEmbeddingGradOp : Dsc_GradOp<"embedding_grad"> {
  let summary = "scatter-add the rows' gradient into the table's";
  let arguments = (ins Dsc_TokenIds:$ids,
                       Arg<Dsc_Rows, "", [MemRead]>:$grad,
                       Arg<FlatSymbolRefAttr, "", [Dsc_AccumulatesGradient]>:$weight);
  let assemblyFormat = [{
    $ids `,` $grad `,` $weight attr-dict `:` type($ids) `,` type($grad)
  }];
}

def Dsc_KRMSNormGradOp : Dsc_GradOp<"rms_norm_grad",
    [AllTypesMatch<["grad", "input", "input_grad"]>]> {
  let summary = "dx of RMSNorm; dw accumulates into the weight's gradient";
  let arguments = (ins Dsc_Rows:$grad, Dsc_Rows:$input,
                       TensorRankOf<[F32], [1]>:$rstd,
                       Arg<FlatSymbolRefAttr, "", [Dsc_AccumulatesGradient]>:$weight);
  let results = (outs Dsc_Rows:$input_grad);
  let assemblyFormat = [{
    $grad `,` $input `,` $rstd `,` $weight attr-dict `:` type($grad) `,`
    type($rstd)
  }];
}

def Dsc_KLinearGradInputOp : Dsc_GradOp<"linear_grad_input", [Pure]> {
  let summary = "dx = dy · weight (FP8 weights in their `fp8` form)";
  let arguments = (ins Dsc_Rows:$grad, FlatSymbolRefAttr:$weight,
                       UnitAttr:$fp8);
  let results = (outs Dsc_Rows:$input_grad);
  let assemblyFormat = [{
    $grad `,` $weight (`fp8` $fp8^)? attr-dict `:` type($grad) `->`
    type($input_grad)
  }];
}

def Dsc_KLinearGradWeightOp : Dsc_GradOp<"linear_grad_weight"> {
  let summary = "dweight += dyᵀ · x";
  let arguments = (ins Dsc_Rows:$grad, Dsc_Rows:$input,
                       Arg<FlatSymbolRefAttr, "", [Dsc_AccumulatesGradient]>:$weight,
                       UnitAttr:$fp8);
  let assemblyFormat = [{
    $grad `,` $input `,` $weight (`fp8` $fp8^)? attr-dict `:` type($grad)
    `,` type($input)
  }];
}

def Dsc_KRopeGradOp : Dsc_GradOp<"rope_grad", [Pure, SameOperandsAndResultType]> {
  let summary = "the inverse rotation of dsc.k.rope";
  let arguments = (ins Dsc_Rows:$grad, Dsc_I64Attr:$heads,
                       Dsc_I64Attr:$head_dim, Dsc_I64Attr:$rope_dim,
                       Dsc_I64Attr:$seq_len, Dsc_RopeAttr:$rope);
  let results = (outs Dsc_Rows:$input_grad);
  let assemblyFormat = [{
    $grad `heads` $heads `x` $head_dim `last` $rope_dim `seq` $seq_len
    $rope attr-dict `:` type($input_grad)
  }];
}

def Dsc_KAttentionGradOp : Dsc_GradOp<"attention_grad", [Pure,
    AllTypesMatch<["q", "k", "q_grad", "k_grad"]>,
    AllTypesMatch<["v", "v_grad", "output", "grad"]>]> {
  let summary = "dq, dk, dv of causal attention, from the saved lse";
  let arguments = (ins Dsc_Rows:$grad, Dsc_Rows:$q, Dsc_Rows:$k, Dsc_Rows:$v,
                       Dsc_Rows:$output, TensorRankOf<[F32], [2]>:$lse,
                       Dsc_I64Attr:$heads, Dsc_I64Attr:$seq_len,
                       F64Attr:$scale);
  let results = (outs Dsc_Rows:$q_grad, Dsc_Rows:$k_grad, Dsc_Rows:$v_grad);
  let assemblyFormat = [{
    $grad `,` $q `,` $k `,` $v `,` $output `,` $lse `heads` $heads `seq`
    $seq_len `scale` $scale attr-dict `:` type($q) `,` type($v) `,`
    type($lse)
  }];
}

def Dsc_KSwiGLUGradOp : Dsc_GradOp<"swiglu_grad", [Pure,
    AllTypesMatch<["grad", "gate", "up", "gate_grad", "up_grad"]>]> {
  let summary = "dgate and dup of silu(gate) · up";
  let arguments = (ins Dsc_Rows:$grad, Dsc_Rows:$gate, Dsc_Rows:$up);
  let results = (outs Dsc_Rows:$gate_grad, Dsc_Rows:$up_grad);
  let assemblyFormat = "$grad `,` $gate `,` $up attr-dict `:` type($grad)";
}

def Dsc_KConcatGradOp : Dsc_GradOp<"concat_grad", [Pure]> {
  let summary = "dsc.k.concat's gradient, summed over heads for broadcasts";
  let arguments = (ins Dsc_Rows:$grad, Dsc_I64Attr:$heads,
                       DenseI64ArrayAttr:$head_dims);
  let results = (outs Variadic<Dsc_Rows>:$input_grads);
  let assemblyFormat = [{
    $grad `heads` $heads `x` $head_dims attr-dict `:` type($grad) `->`
    type($input_grads)
  }];
}

def Dsc_KRouteGradOp : Dsc_GradOp<"route_grad", [Pure,
    AllTypesMatch<["logits", "logits_grad"]>]> {
  let summary = "dlogits from the chosen experts' weight gradients";
  let arguments = (ins TensorRankOf<[F32], [2]>:$grad, Dsc_Rows:$logits,
                       TensorRankOf<[I32], [2]>:$experts, Dsc_MoEAttr:$config);
  let results = (outs Dsc_Rows:$logits_grad);
  let assemblyFormat = [{
    $grad `,` $logits `,` $experts `config` $config attr-dict `:` type($grad) `,`
    type($logits) `,` type($experts)
  }];
}

def Dsc_KDispatchGradOp : Dsc_GradOp<"dispatch_grad", [Pure]> {
  let summary = "the grouped rows' gradient scattered back to the tokens";
  let arguments = (ins Dsc_Rows:$grad, TensorRankOf<[I32], [2]>:$experts);
  let results = (outs Dsc_Rows:$input_grad);
  let assemblyFormat = [{
    $grad `,` $experts attr-dict `:` type($grad) `,` type($experts) `->`
    type($input_grad)
  }];
}

def Dsc_KGroupedLinearGradInputOp
    : Dsc_GradOp<"grouped_linear_grad_input", [Pure]> {
  let summary = "each expert's dx = dy · weight[e]";
  let arguments = (ins Dsc_Rows:$grad, TensorRankOf<[I32], [1]>:$offsets,
                       FlatSymbolRefAttr:$weight, UnitAttr:$fp8);
  let results = (outs Dsc_Rows:$input_grad);
  let assemblyFormat = [{
    $grad `,` $offsets `,` $weight (`fp8` $fp8^)? attr-dict `:` type($grad)
    `,` type($offsets) `->` type($input_grad)
  }];
}

def Dsc_KGroupedLinearGradWeightOp
    : Dsc_GradOp<"grouped_linear_grad_weight"> {
  let summary = "each expert's dweight[e] += dyᵀ · x over its rows";
  let arguments = (ins Dsc_Rows:$grad, Dsc_Rows:$rows,
                       TensorRankOf<[I32], [1]>:$offsets,
                       Arg<FlatSymbolRefAttr, "", [Dsc_AccumulatesGradient]>:$weight,
                       UnitAttr:$fp8);
  let assemblyFormat = [{
    $grad `,` $rows `,` $offsets `,` $weight (`fp8` $fp8^)? attr-dict `:`
    type($grad) `,` type($rows) `,` type($offsets)
  }];
}

def Dsc_KCombineGradOp : Dsc_GradOp<"combine_grad", [Pure,
    AllTypesMatch<["rows", "rows_grad"]>, AllTypesMatch<["weights", "weights_grad"]>]> {
  let summary = "the expert rows' and the routing weights' gradients";
  let arguments = (ins Dsc_Rows:$grad, Dsc_Rows:$rows,
                       TensorRankOf<[I32], [2]>:$experts,
                       TensorRankOf<[F32], [2]>:$weights);
  let results = (outs Dsc_Rows:$rows_grad, TensorRankOf<[F32], [2]>:$weights_grad);
  let assemblyFormat = [{
    $grad `,` $rows `,` $experts `,` $weights attr-dict `:` type($grad) `,`
    type($rows) `,` type($experts) `,` type($weights)
  }];
}

def Dsc_KCrossEntropyGradOp : Dsc_GradOp<"cross_entropy_grad", [Pure,
    AllTypesMatch<["logits", "logits_grad"]>]> {
  let summary = "dlogits = dloss · weight · (softmax − onehot) / counted";
  let arguments = (ins 0DTensorOf<[F32]>:$grad,
                       TensorRankOf<[F32], [2]>:$logits, Dsc_TokenIds:$labels,
                       F64Attr:$weight);
  let results = (outs TensorRankOf<[F32], [2]>:$logits_grad);
  let assemblyFormat = [{
    $grad `,` $logits `,` $labels `weight` $weight attr-dict `:`
    type($grad) `,` type($logits) `,` type($labels)
  }];
}

#endif // DSC_GRADIENT_OPS_TD
