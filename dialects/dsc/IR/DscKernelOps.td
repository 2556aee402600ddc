//===- DscKernelOps.td - kernel-level ops -----------------*- tablegen -*-===//
//
// What dsc-lower-to-kernels produces from the model-level ops: one op per
// runtime kernel (runtime/README.md's table), over token-major 2-D tensors
// [T, width] (heads flattened into the width) and weights named by their
// dsc.parameter. Each op's `stage` attribute (set from the run's layout)
// says which pipeline stage runs it. Included from DscOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_KERNEL_OPS_TD
#define DSC_KERNEL_OPS_TD

def Dsc_Rows : TensorRankOf<[AnyFloat], [2]>;
def Dsc_TokenIds : TensorRankOf<[I32], [1]>;

class Dsc_KernelOp<string mnemonic, list<Trait> traits = []>
    : Dsc_Op<"k." # mnemonic, !listconcat(traits, [Pure])>;

def Dsc_KEmbeddingOp : Dsc_KernelOp<"embedding"> {
  let summary = "rows of the embedding table for token ids";
  let arguments = (ins Dsc_TokenIds:$ids, FlatSymbolRefAttr:$weight);
  let results = (outs Dsc_Rows:$output);
  let assemblyFormat = [{
    $ids `,` $weight attr-dict `:` type($ids) `->` type($output)
  }];
}

def Dsc_KShiftOp : Dsc_KernelOp<"shift", [SameOperandsAndResultType]> {
  let summary = "token ids moved `offset` positions earlier in each sequence";
  let description = [{
    Position i of each `seq_len`-token sequence takes position i + offset;
    the last `offset` positions get `fill` (MTP depth k predicts k tokens
    further: its embeddings read ids shifted by k, its labels too, padded
    with -100, the ignored label).
  }];
  let arguments = (ins Dsc_TokenIds:$input, Dsc_I64Attr:$offset,
                       Dsc_I64Attr:$seq_len, Dsc_I64Attr:$fill);
  let results = (outs Dsc_TokenIds:$output);
  let assemblyFormat = [{
    $input `by` $offset `seq` $seq_len `fill` $fill attr-dict `:`
    type($output)
  }];
  let hasVerifier = 1;
}

def Dsc_KRMSNormOp : Dsc_KernelOp<"rms_norm", [AllTypesMatch<["input", "output"]>]> {
  let summary = "RMSNorm; `rstd` is saved for the backward";
  let arguments = (ins Dsc_Rows:$input, FlatSymbolRefAttr:$weight,
                       F64Attr:$eps);
  let results = (outs Dsc_Rows:$output, TensorRankOf<[F32], [1]>:$rstd);
  let assemblyFormat = [{
    $input `,` $weight `eps` $eps attr-dict `:` type($output) `,`
    type($rstd)
  }];
}

def Dsc_KLinearOp : Dsc_KernelOp<"linear"> {
  let summary = "x · weightᵀ";
  let arguments = (ins Dsc_Rows:$input, FlatSymbolRefAttr:$weight);
  let results = (outs Dsc_Rows:$output);
  let assemblyFormat = [{
    $input `,` $weight attr-dict `:` type($input) `->` type($output)
  }];
}

def Dsc_KFP8LinearOp : Dsc_KernelOp<"fp8_linear"> {
  let summary = "x · weightᵀ with x in 1 x act_tile tiles and an FP8 weight";
  let description = [{
    The weight is an `f8E4M3FN` parameter with its `_scale_inv` companion
    (weight_block x weight_block blocks); the activation is quantized per
    token per `act_tile` channels. `combine`: the result feeds the MoE
    combine in BF16.
  }];
  let arguments = (ins Dsc_Rows:$input, FlatSymbolRefAttr:$weight,
                       Dsc_I64Attr:$act_tile, Dsc_I64Attr:$weight_block);
  let results = (outs Dsc_Rows:$output);
  let assemblyFormat = [{
    $input `,` $weight `tile` $act_tile `block` $weight_block attr-dict `:`
    type($input) `->` type($output)
  }];
}

def Dsc_KRopeOp : Dsc_KernelOp<"rope", [SameOperandsAndResultType]> {
  let summary = "rotary embedding of each head's last `rope_dim` channels";
  let description = [{
    The input is [T, heads * head_dim]; each head's last `rope_dim` channels
    rotate in interleaved pairs by position (restarting every `seq_len`
    tokens) with `rope`'s theta and YaRN scaling.
  }];
  let arguments = (ins Dsc_Rows:$input, Dsc_I64Attr:$heads,
                       Dsc_I64Attr:$head_dim, Dsc_I64Attr:$rope_dim,
                       Dsc_I64Attr:$seq_len, Dsc_RopeAttr:$rope);
  let results = (outs Dsc_Rows:$output);
  let assemblyFormat = [{
    $input `heads` $heads `x` $head_dim `last` $rope_dim `seq` $seq_len
    $rope attr-dict `:` type($output)
  }];
  let hasVerifier = 1;
}

def Dsc_KAttentionOp : Dsc_KernelOp<"attention", [AllTypesMatch<["q", "k"]>]> {
  let summary = "causal softmax attention within each sequence";
  let description = [{
    q and k are [T, heads * qk_dim], v is [T, heads * v_dim]; the output is
    [T, heads * v_dim] and `lse` the softmax log-sum-exp per token and head,
    saved for the backward.
  }];
  let arguments = (ins Dsc_Rows:$q, Dsc_Rows:$k, Dsc_Rows:$v,
                       Dsc_I64Attr:$heads, Dsc_I64Attr:$seq_len,
                       F64Attr:$scale);
  let results = (outs Dsc_Rows:$output, TensorRankOf<[F32], [2]>:$lse);
  let assemblyFormat = [{
    $q `,` $k `,` $v `heads` $heads `seq` $seq_len `scale` $scale attr-dict
    `:` type($q) `,` type($v) `->` type($output) `,` type($lse)
  }];
  let hasVerifier = 1;
}

def Dsc_KSwiGLUOp : Dsc_KernelOp<"swiglu", [SameOperandsAndResultType]> {
  let summary = "silu(gate) · up";
  let arguments = (ins Dsc_Rows:$gate, Dsc_Rows:$up);
  let results = (outs Dsc_Rows:$output);
  let assemblyFormat = "$gate `,` $up attr-dict `:` type($output)";
}

def Dsc_KAddOp : Dsc_KernelOp<"add", [SameOperandsAndResultType]> {
  let summary = "elementwise sum";
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs);
  let results = (outs AnyRankedTensor:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($output)";
}

def Dsc_KConcatOp : Dsc_KernelOp<"concat"> {
  let summary = "per-head concatenation along the width";
  let description = [{
    Operand i is [T, h_i * d_i] with d_i = `head_dims[i]` and h_i = `heads`
    or 1 (broadcast to every head: MLA's shared k_pe); the result's head j
    is the operands' head j (or their only head) side by side:
    [T, heads * sum(d_i)].
  }];
  let arguments = (ins Variadic<Dsc_Rows>:$inputs, Dsc_I64Attr:$heads,
                       DenseI64ArrayAttr:$head_dims);
  let results = (outs Dsc_Rows:$output);
  let assemblyFormat = [{
    $inputs `heads` $heads `x` $head_dims attr-dict `:` type($inputs) `->`
    type($output)
  }];
  let hasVerifier = 1;
}

def Dsc_KSplitOp : Dsc_KernelOp<"split"> {
  let summary = "per-head split along the width, the inverse of k.concat";
  let arguments = (ins Dsc_Rows:$input, Dsc_I64Attr:$heads,
                       DenseI64ArrayAttr:$head_dims);
  let results = (outs Variadic<Dsc_Rows>:$outputs);
  let assemblyFormat = [{
    $input `heads` $heads `x` $head_dims attr-dict `:` type($input) `->`
    type($outputs)
  }];
  let hasVerifier = 1;
}

def Dsc_KRouteOp : Dsc_KernelOp<"route"> {
  let summary = "the MoE gate: each token's experts and their weights";
  let description = [{
    Scores from the router logits by the `#moe` scoring function; the bias
    parameter (auxiliary-loss-free balancing) shifts selection only;
    group-limited top-k per `topk_method`; weights normalised and scaled as
    `#moe` says. `loads` counts tokens per expert for the bias update.
  }];
  let arguments = (ins Dsc_Rows:$logits, OptionalAttr<FlatSymbolRefAttr>:$bias,
                       Dsc_MoEAttr:$config);
  let results = (outs TensorRankOf<[I32], [2]>:$experts,
                      TensorRankOf<[F32], [2]>:$weights,
                      TensorRankOf<[F32], [1]>:$loads);
  let assemblyFormat = [{
    $logits (`bias` $bias^)? `config` $config attr-dict `:` type($logits) `->`
    type($experts) `,` type($weights) `,` type($loads)
  }];
}

def Dsc_KBalanceLossOp : Dsc_KernelOp<"balance_loss"> {
  let summary = "DeepSeek-V3's sequence-wise balance loss of one router";
  let description = [{
    V3 §2.1.2: for each `seq_len`-token sequence, sum_i f_i P_i, where f_i is
    E / (k T) times the tokens whose `experts` (the route's choice, on the
    biased scores under noaux_tc) include i, held constant, and P_i the mean
    over the sequence of the `#moe` scores (sigmoid or softmax of `logits`,
    without the bias) divided by their sum over all experts. The loss is
    the mean over the sequences times `weight` (aux_loss_alpha times the
    loss's share of the step).
  }];
  let arguments = (ins Dsc_Rows:$logits, TensorRankOf<[I32], [2]>:$experts,
                       Dsc_I64Attr:$seq_len, F64Attr:$weight,
                       Dsc_MoEAttr:$config);
  let results = (outs 0DTensorOf<[F32]>:$loss);
  let assemblyFormat = [{
    $logits `,` $experts `seq` $seq_len `weight` $weight $config attr-dict
    `:` type($logits) `,` type($experts) `->` type($loss)
  }];
  let hasVerifier = 1;
}

def Dsc_KDispatchOp : Dsc_KernelOp<"dispatch"> {
  let summary = "token copies grouped by expert";
  let arguments = (ins Dsc_Rows:$input, TensorRankOf<[I32], [2]>:$experts,
                       Dsc_I64Attr:$num_experts);
  let results = (outs Dsc_Rows:$rows, TensorRankOf<[I32], [1]>:$offsets);
  let assemblyFormat = [{
    $input `,` $experts `experts` $num_experts attr-dict `:` type($input) `,`
    type($experts) `->` type($rows) `,` type($offsets)
  }];
}

def Dsc_KGroupedLinearOp : Dsc_KernelOp<"grouped_linear"> {
  let summary = "each expert's rows times its weight";
  let description = [{
    `weight` is a stacked routed-expert parameter [E, N, K] (or its FP8 form
    with `fp8`'s tile and block); rows [offsets[e], offsets[e+1]) use
    expert e's weight. `quantized_input` says the rows already are FP8
    values on their 1 x tile grid (an FP8 dispatch delivered them), so the
    GEMM reads them as they are instead of quantizing them again.
  }];
  let arguments = (ins Dsc_Rows:$rows, TensorRankOf<[I32], [1]>:$offsets,
                       FlatSymbolRefAttr:$weight, UnitAttr:$fp8,
                       UnitAttr:$quantized_input);
  let results = (outs Dsc_Rows:$output);
  let assemblyFormat = [{
    $rows `,` $offsets `,` $weight (`fp8` $fp8^)?
    (`quantized_input` $quantized_input^)? attr-dict `:`
    type($rows) `,` type($offsets) `->` type($output)
  }];
}

def Dsc_KCombineOp : Dsc_KernelOp<"combine"> {
  let summary = "each token's expert outputs, weighted and summed";
  let arguments = (ins Dsc_Rows:$rows, TensorRankOf<[I32], [2]>:$experts,
                       TensorRankOf<[F32], [2]>:$weights);
  let results = (outs Dsc_Rows:$output);
  let assemblyFormat = [{
    $rows `,` $experts `,` $weights attr-dict `:` type($rows) `,`
    type($experts) `,` type($weights) `->` type($output)
  }];
}

def Dsc_KCrossEntropyOp : Dsc_KernelOp<"cross_entropy"> {
  let summary = "mean cross-entropy over labelled tokens, times `weight`";
  let arguments = (ins TensorRankOf<[F32], [2]>:$logits, Dsc_TokenIds:$labels,
                       F64Attr:$weight);
  let results = (outs 0DTensorOf<[F32]>:$loss);
  let assemblyFormat = [{
    $logits `,` $labels `weight` $weight attr-dict `:` type($logits) `,`
    type($labels) `->` type($loss)
  }];
}

#endif // DSC_KERNEL_OPS_TD
