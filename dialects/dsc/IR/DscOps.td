//===- DscOps.td - dsc model-level ops --------------------*- tablegen -*-===//

#ifndef DSC_OPS_TD
#define DSC_OPS_TD

include "DscDialect.td"
include "DscAttrs.td"
include "DscInterfaces.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def Dsc_Activation : Type<CPred<"::dsc::isActivationType($_self)">,
    "activation tensor<?x?xNxT> (dynamic batch and sequence, static N, "
    "T = bf16, f16, f32 or f8E4M3FN)", "::mlir::RankedTensorType">;

def Dsc_Tokens : Type<CPred<"::dsc::isTokenType($_self)">,
    "token tensor<?x?xi32> or tensor<?x?xi64>", "::mlir::RankedTensorType">;

def Dsc_Scalar : Type<CPred<"::dsc::isScalarF32Type($_self)">,
    "tensor<f32>", "::mlir::RankedTensorType">;

def Dsc_ParameterType : Type<CPred<"::dsc::isParameterType($_self)">,
    "statically shaped tensor of bf16, f16, f32, f8E4M3FN or f8E5M2",
    "::mlir::RankedTensorType">;

class Dsc_OwnerOp<string mnemonic, list<Trait> traits = [],
                  list<string> ownerMethods = []>
    : Dsc_Op<mnemonic, !listconcat(traits, [
        DeclareOpInterfaceMethods<Dsc_ParameterOwnerOpInterface,
                                  ownerMethods>])>;

// An op whose linear layers may run in FP8: its optional `linears` region
// holds, for each that does, the quantization of its input and its GEMM.
//
// The region takes one block argument per distinct input of the op's linear
// layers (the `linearInput` of its parameter specs, in order: `x` is the
// op's own input) and holds only `dsc.quantize` of those arguments and one
// `dsc.fp8_gemm` per FP8 linear layer reading its quantized input, then
// `dsc.yield`s the GEMM results in order. It says how those layers compute
// when the op computes them; it is not run on its own. Linear layers
// without a GEMM there run in BF16 and keep BF16 weights. Routed experts
// read their input from a `dispatch` quantization (the FP8 all-to-all). An
// absent region means every linear layer is BF16.
class Dsc_LinearOwnerOp<string mnemonic, list<Trait> traits = []>
    : Dsc_OwnerOp<mnemonic, !listconcat(traits, [
        IsolatedFromAbove,
        DeclareOpInterfaceMethods<OpAsmOpInterface, [
          "getAsmBlockArgumentNames"]>]), ["getLinearsRegion"]> {
  // Checks `linears` (dsc::verifyLinears) once the ops in it verify.
  let hasRegionVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Model structure
//===----------------------------------------------------------------------===//

def Dsc_ModelOp : Dsc_Op<"model", [
    Symbol, SymbolTable, IsolatedFromAbove, SingleBlock,
    DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmBlockArgumentNames"]>
  ]> {
  let summary = "a DeepSeek-style decoder: parameters and forward computation";
  let description = [{
    Holds, in order: the `dsc.parameter` declarations, then the computation
    from token ids (first block argument) and labels (second) through the
    embedding, `num_layers` decoder blocks, the final norm, the output head,
    the MTP modules and the loss, ending in `dsc.yield`. Model-wide
    hyper-parameters are its attributes; the first `first_k_dense_replace`
    blocks (and every block whose index is not a multiple of
    `moe_layer_freq`) use a dense MLP, the others an MoE; `moe_layer_freq = 0`
    means a dense model.

    `fp8` (set by `dsc-fp8-quantize`) is the FP8 recipe the model's FP8
    linear layers follow; its `weight_block` sets the shape of their
    `_scale_inv` parameters (128 x 128 without it, as in DeepSeek's FP8
    checkpoints).

    ```mlir
    dsc.model @tiny vocab 512 hidden 256 layers 3 dense 1 moe_every 1 mtp 1
        max_positions 4096 eps 1.0e-06 {
    ^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
      dsc.parameter @"model.embed_tokens.weight" : tensor<512x256xbf16>
      ...
    }
    ```
  }];
  let arguments = (ins
    SymbolNameAttr:$sym_name,
    Dsc_I64Attr:$vocab_size,
    Dsc_I64Attr:$hidden_size,
    Dsc_I64Attr:$num_hidden_layers,
    Dsc_I64Attr:$first_k_dense_replace,
    Dsc_I64Attr:$moe_layer_freq,
    Dsc_I64Attr:$num_nextn_predict_layers,
    Dsc_I64Attr:$max_position_embeddings,
    F64Attr:$rms_norm_eps,
    OptionalAttr<Dsc_FP8RecipeAttr>:$fp8
  );
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $sym_name `vocab` $vocab_size `hidden` $hidden_size `layers` $num_hidden_layers
    `dense` $first_k_dense_replace `moe_every` $moe_layer_freq
    `mtp` $num_nextn_predict_layers `max_positions` $max_position_embeddings
    `eps` $rms_norm_eps (`fp8` $fp8^)? attr-dict-with-keyword $body
  }];
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    /// Whether decoder block `index` uses an MoE (else a dense MLP).
    bool isMoELayer(int64_t index);
    /// The main model's decoder blocks, in order.
    ::llvm::SmallVector<::dsc::BlockOp> getBlocks();
    /// The MTP modules, in depth order.
    ::llvm::SmallVector<::dsc::MTPOp> getMTPModules();
    ::mlir::Value getInputIds() { return getBody().getArgument(0); }
    ::mlir::Value getLabels() { return getBody().getArgument(1); }
    /// Whether any parameter is stored in FP8 E4M3 (a quantized model).
    bool hasFP8Weights();
    /// The weight block of FP8 weights: the recipe's, else 128 x 128.
    ::llvm::SmallVector<int64_t, 2> getFP8WeightBlock();
  }];
}

def Dsc_ParameterOp : Dsc_Op<"parameter", [Symbol, HasParent<"ModelOp">]> {
  let summary = "a named model weight, bound from the checkpoint at run time";
  let description = [{
    The symbol is the checkpoint tensor name. A name containing `{e}` is a
    stacked routed-expert parameter: its leading dimension indexes the
    expert and it stands for the checkpoint tensors named with `{e}`
    replaced by 0, 1, ... Weights are never inlined.

    ```mlir
    dsc.parameter @"model.layers.3.mlp.experts.{e}.down_proj.weight"
        : tensor<256x7168x2048xbf16>
    ```
  }];
  let arguments = (ins
    SymbolNameAttr:$sym_name,
    TypeAttrOf<Dsc_ParameterType>:$type
  );
  let assemblyFormat = "$sym_name `:` $type attr-dict";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    ::mlir::RankedTensorType getTensorType() {
      return ::llvm::cast<::mlir::RankedTensorType>(getType());
    }
    /// Whether this is a stacked routed-expert parameter (`{e}` in the name).
    bool isStackedExperts();
  }];
}

def Dsc_BlockOp : Dsc_Op<"block", [
    IsolatedFromAbove, AllTypesMatch<["input", "output"]>,
    DeclareOpInterfaceMethods<OpAsmOpInterface, [
      "getAsmResultNames", "getAsmBlockArgumentNames"]>
  ]> {
  let summary = "one decoder block (transformer layer)";
  let description = [{
    `h = h + attention(norm(h)); h = h + ffn(norm(h))` with exactly one
    `dsc.mla` and one `dsc.mlp` or `dsc.moe`. `index` is the layer number in
    the checkpoint (`model.layers.<index>`). Blocks are isolated so pipeline
    stages can take them whole.
  }];
  let arguments = (ins Dsc_I64Attr:$index, Dsc_Activation:$input);
  let results = (outs Dsc_Activation:$output);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$index `(` $input `)` attr-dict `:` type($input) $body";
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    /// The block's feed-forward op: a dsc.mlp or a dsc.moe.
    ::mlir::Operation *getFeedForward();
    bool isMoE();
  }];
}

def Dsc_MTPOp : Dsc_OwnerOp<"mtp", [
    IsolatedFromAbove, AllTypesMatch<["hidden", "embeddings", "output"]>,
    DeclareOpInterfaceMethods<OpAsmOpInterface, [
      "getAsmResultNames", "getAsmBlockArgumentNames"]>
  ], ["getLinearsRegion"]> {
  let summary = "a multi-token-prediction module";
  let description = [{
    Module `depth` (k) combines the previous depth's hidden state of token i
    (the main model's last block for k = 1) with the shared embedding of token
    i+k: `eh_proj([hnorm(h); enorm(emb)])`, and feeds that (the region's
    argument) through its one decoder block. The output head is shared with
    the main model; the module keeps its own `shared_head.norm`.
    `linears` holds `eh_proj` when it runs in FP8 (see `Dsc_LinearOwnerOp`;
    its input `concat` is the `2 * hidden_size` concatenation).
  }];
  let arguments = (ins
    Dsc_I64Attr:$depth,
    StrAttr:$scope,
    Dsc_Activation:$hidden,
    Dsc_Activation:$embeddings
  );
  let results = (outs Dsc_Activation:$output);
  let regions = (region SizedRegion<1>:$body, MaxSizedRegion<1>:$linears);
  let assemblyFormat = [{
    $depth $scope `(` $hidden `,` $embeddings `)` attr-dict `:` type($hidden)
    $body (`linears` $linears^)?
  }];
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    ::dsc::BlockOp getBlock();
  }];
}

def Dsc_YieldOp : Dsc_Op<"yield", [
    Pure, ReturnLike, Terminator,
    ParentOneOf<["ModelOp", "BlockOp", "MTPOp", "MLAOp", "MLPOp", "MoEOp"]>]> {
  let summary = "ends a model, block or MTP body, or a `linears` region";
  let arguments = (ins Variadic<AnyType>:$values);
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
}

//===----------------------------------------------------------------------===//
// Cluster
//===----------------------------------------------------------------------===//

def Dsc_ClusterOp : Dsc_Op<"cluster", [Symbol]> {
  let summary = "the GPUs a model runs on and the links between them";
  let description = [{
    `nodes` machines of `gpus_per_node` identical GPUs, joined by NVLink
    inside a node and InfiniBand between nodes (bandwidths per GPU).
    `comm_sms` streaming multiprocessors per GPU are reserved for
    communication kernels (DeepSeek-V3: 20 of 132), the rest compute.

    ```mlir
    dsc.cluster @h800x2048 nodes 256 gpus_per_node 8
        gpu <name = "H800", sms = 132, bf16_tflops = 989.0, ...>
        nvlink <gbps = 160.0, latency_us = 2.0>
        infiniband <gbps = 50.0, latency_us = 5.0> comm_sms 20
    ```
  }];
  let arguments = (ins
    SymbolNameAttr:$sym_name,
    Dsc_I64Attr:$nodes,
    Dsc_I64Attr:$gpus_per_node,
    Dsc_GPUAttr:$gpu,
    Dsc_LinkAttr:$nvlink,
    Dsc_LinkAttr:$infiniband,
    Dsc_I64Attr:$comm_sms
  );
  let assemblyFormat = [{
    $sym_name `nodes` $nodes `gpus_per_node` $gpus_per_node `gpu` $gpu
    `nvlink` $nvlink `infiniband` $infiniband `comm_sms` $comm_sms attr-dict
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    int64_t getNumGPUs() { return getNodes() * getGpusPerNode(); }
  }];
}

def Dsc_MeshOp : Dsc_Op<"mesh", [
    Symbol, DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "the parallel axes over a cluster's GPUs";
  let description = [{
    Names the cluster's GPUs by their coordinates on the axes `pp` (pipeline
    ranks), `dp` (data-parallel replicas) and `ep`, a sub-axis of `dp` (the
    expert-parallel group: `ep` consecutive replicas of a pipeline rank hold
    one copy of its routed experts). No tensor parallelism, as DeepSeek-V3.

    ```mlir
    dsc.mesh @mesh cluster @h800x2048 pp 16 dp 128 ep 64
    ```

    Global ranks run over the GPUs in (node, GPU) order, `dp` fastest:
    rank = pipeline_rank * dp + data_rank, on node rank / gpus_per_node. An
    `ep` group is thus as close together as the GPUs allow (inside a node
    when ep <= gpus_per_node), as DeepSeek-V3 keeps its all-to-all.
  }];
  let arguments = (ins
    SymbolNameAttr:$sym_name,
    FlatSymbolRefAttr:$cluster,
    Dsc_I64Attr:$pp,
    Dsc_I64Attr:$dp,
    Dsc_I64Attr:$ep
  );
  let assemblyFormat = [{
    $sym_name `cluster` $cluster `pp` $pp `dp` $dp `ep` $ep attr-dict
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Every GPU: pp * dp.
    int64_t getNumRanks() { return getPp() * getDp(); }
    /// The global rank at (pipeline rank, data rank).
    int64_t getRank(int64_t pipelineRank, int64_t dataRank) {
      return pipelineRank * getDp() + dataRank;
    }
    int64_t getPipelineRank(int64_t rank) { return rank / getDp(); }
    int64_t getDataRank(int64_t rank) { return rank % getDp(); }
    /// The rank's place in its expert-parallel group.
    int64_t getExpertRank(int64_t rank) { return getDataRank(rank) % getEp(); }
  }];
}

def Dsc_RunOp : Dsc_Op<"run", [
    Symbol, DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "how a model runs on a mesh: batch, schedule, recipe";
  let description = [{
    A training or inference setup of `model` on `mesh` (whose axes give the
    pipeline, data and expert parallelism): sequence length, micro-batch
    size (sequences) and count, ZeRO stage, the matmul precision recipe,
    AdamW's moment storage and activation recomputation. For inference,
    `seq_len` is the context length and `micro_batch` the batch size.

    ```mlir
    dsc.run @pretrain model @deepseek_v3 mesh @mesh training
        seq_len 4096 micro_batch 1 micro_batches 32 zero 1 recipe fp8
        moments bf16 recompute false schedule dualpipe
    ```

    `schedule` is the pipeline schedule (1F1B, DualPipe, DualPipeV,
    interleaved 1F1B, ZB-H1, ZB-V) over the mesh's `pp` pipeline ranks;
    the schedule library fixes how many stages it runs (DualPipeV and ZB-V
    two per rank in a V, interleaved 1F1B `virtual_stages` per rank, 2 by
    default; the others one stage per rank, DualPipe running each rank's
    mirror stage too). `layout` (set by `dsc-pipeline-partition`) says
    which parts of the model each stage holds; without it, Megatron's even
    split. Whether the schedule can run the stages and micro-batches is
    checked when the run is resolved (dsc/Run/ResolvedRun.h), by the
    schedule library.

    `dispatch` says how the MoE all-to-all sends tokens to the experts:
    `fp8` as the model's FP8 recipe quantizes them (its `dsc.quantize ...
    dispatch`), `bf16` in the activations' own type; without it, FP8
    whenever the recipe is (ResolvedRun::fp8Dispatch).

    `combined` (1F1B and interleaved 1F1B) runs Megatron's combined 1F1B:
    each steady-state backward overlapped with the next forward on its
    rank, so that expert parallelism hides one's all-to-all under the
    other's compute (dsc::combinePasses).
  }];
  let arguments = (ins
    SymbolNameAttr:$sym_name,
    FlatSymbolRefAttr:$model,
    FlatSymbolRefAttr:$mesh,
    Dsc_RunMode:$mode,
    Dsc_I64Attr:$seq_len,
    Dsc_I64Attr:$micro_batch,
    Dsc_I64Attr:$micro_batches,
    Dsc_I64Attr:$zero,
    Dsc_Precision:$recipe,
    Dsc_MomentType:$moments,
    BoolAttr:$recompute,
    Dsc_ScheduleKind:$schedule,
    OptionalAttr<Dsc_I64Attr>:$virtual_stages,
    OptionalAttr<Dsc_PipelineLayoutAttr>:$layout,
    OptionalAttr<Dsc_Precision>:$dispatch,
    UnitAttr:$combined
  );
  let assemblyFormat = [{
    $sym_name `model` $model `mesh` $mesh $mode `seq_len` $seq_len
    `micro_batch` $micro_batch `micro_batches` $micro_batches `zero` $zero
    `recipe` $recipe `moments` $moments `recompute` $recompute
    `schedule` $schedule (`combined` $combined^)?
    (`virtual_stages` $virtual_stages^)?
    (`layout` $layout^)? (`dispatch` $dispatch^)? attr-dict
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The mesh and model the run names (null until symbols verify).
    MeshOp getMeshOp();
    ModelOp getModelOp();
    /// The layout's parts against the model's.
    ::mlir::LogicalResult verifyLayout(PipelineLayoutAttr layout,
                                       ModelOp model);
  }];
}

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

class Dsc_NamedResultOp<string mnemonic, list<Trait> traits = []>
    : Dsc_OwnerOp<mnemonic, !listconcat(traits, [
        DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmResultNames"]>])>;

def Dsc_EmbeddingOp : Dsc_NamedResultOp<"embedding", [Pure]> {
  let summary = "token embedding lookup";
  let description = [{
    Reads `<scope>.weight` of shape [vocab_size, hidden_size].
  }];
  let arguments = (ins StrAttr:$scope, Dsc_Tokens:$input);
  let results = (outs Dsc_Activation:$output);
  let assemblyFormat = [{
    $scope `(` $input `)` attr-dict `:` type($input) `->` type($output)
  }];
}

def Dsc_RMSNormOp : Dsc_OwnerOp<"rms_norm", [Pure, SameOperandsAndResultType]> {
  let summary = "RMSNorm with a learned scale";
  let description = [{
    `x / sqrt(mean(x^2) + eps) * <scope>.weight`. Without `eps` the model's
    `rms_norm_eps` applies.
  }];
  let arguments = (ins
    StrAttr:$scope,
    Dsc_Activation:$input,
    OptionalAttr<F64Attr>:$eps
  );
  let results = (outs Dsc_Activation:$output);
  let assemblyFormat = [{
    $scope `(` $input `)` (`eps` $eps^)? attr-dict `:` type($input)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// `eps` if set, else the enclosing model's `rms_norm_eps`.
    double getEffectiveEps();
  }];
}

def Dsc_MLAOp : Dsc_LinearOwnerOp<"mla", [Pure, SameOperandsAndResultType]> {
  let summary = "multi-head latent attention (causal self-attention)";
  let description = [{
    Reads, under `scope`: `q_a_proj`, `q_a_layernorm`, `q_b_proj` (or
    `q_proj` when `q_lora_rank = 0`), `kv_a_proj_with_mqa`,
    `kv_a_layernorm`, `kv_b_proj` and `o_proj`.

    `linears` (see `Dsc_LinearOwnerOp`) takes the inputs of its projections:
    `x`, the normed latents `q_latent` and `kv_latent`, and `attention`, the
    attention core's output that `o_proj` reads. The core itself (scores,
    softmax, RoPE) stays in BF16/FP32.

    ```mlir
    %1 = dsc.mla #mla "model.layers.3.self_attn"(%0) : tensor<?x?x7168xbf16> linears {
    ^bb0(%x: tensor<?x?x7168xbf16>, %q_latent: tensor<?x?x1536xbf16>, ...):
      %fp8, %scales = dsc.quantize %x tile [1, 128] scale fp32 : ...
      %2 = dsc.fp8_gemm %fp8, %scales, @"model.layers.3.self_attn.q_a_proj.weight" #fp8 : ...
      ...
      dsc.yield %2, ... : ...
    }
    ```
  }];
  let arguments = (ins
    StrAttr:$scope,
    Dsc_Activation:$input,
    Dsc_MLAAttr:$config
  );
  let results = (outs Dsc_Activation:$output);
  let regions = (region MaxSizedRegion<1>:$linears);
  let assemblyFormat = [{
    $config $scope `(` $input `)` attr-dict `:` type($input)
    (`linears` $linears^)?
  }];
}

def Dsc_MLPOp : Dsc_LinearOwnerOp<"mlp", [Pure, SameOperandsAndResultType]> {
  let summary = "dense SwiGLU MLP";
  let description = [{
    `down_proj(silu(gate_proj(x)) * up_proj(x))` of width `intermediate_size`.
    `linears` (see `Dsc_LinearOwnerOp`) takes `x` and `hidden`, the SwiGLU
    output that `down_proj` reads.
  }];
  let arguments = (ins
    StrAttr:$scope,
    Dsc_Activation:$input,
    Dsc_I64Attr:$intermediate_size
  );
  let results = (outs Dsc_Activation:$output);
  let regions = (region MaxSizedRegion<1>:$linears);
  let assemblyFormat = [{
    $scope `(` $input `)` `intermediate` $intermediate_size attr-dict
    `:` type($input) (`linears` $linears^)?
  }];
  let hasVerifier = 1;
}

def Dsc_MoEOp : Dsc_LinearOwnerOp<"moe", [Pure, SameOperandsAndResultType]> {
  let summary = "DeepSeekMoE: shared experts plus gated routed experts";
  let description = [{
    Reads, under `scope`: `gate.weight` (and `gate.e_score_correction_bias`
    with `noaux_tc`), `shared_experts.{gate,up,down}_proj.weight` (one MLP
    of width n_shared_experts * moe_intermediate_size) and, per routed expert e,
    `experts.e.{gate,up,down}_proj.weight` (stacked or one by one).

    `linears` (see `Dsc_LinearOwnerOp`) takes `x`, `shared_hidden` (the
    shared experts' SwiGLU output) and `expert_hidden` (a routed expert's).
    The gate stays in BF16/FP32. The routed experts' `x` is quantized for
    `dispatch` and their `down_proj` returns the BF16 `combine` input.
  }];
  let arguments = (ins
    StrAttr:$scope,
    Dsc_Activation:$input,
    Dsc_MoEAttr:$config,
    OptionalAttr<Dsc_ExpertPlacementAttr>:$placement
  );
  let results = (outs Dsc_Activation:$output);
  let regions = (region MaxSizedRegion<1>:$linears);
  let assemblyFormat = [{
    $config $scope `(` $input `)` (`placement` $placement^)? attr-dict
    `:` type($input) (`linears` $linears^)?
  }];
  let hasVerifier = 1;
}

def Dsc_AddOp : Dsc_Op<"add", [Pure, SameOperandsAndResultType]> {
  let summary = "residual addition";
  let arguments = (ins Dsc_Activation:$lhs, Dsc_Activation:$rhs);
  let results = (outs Dsc_Activation:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($output)";
}

def Dsc_LMHeadOp : Dsc_NamedResultOp<"lm_head", [Pure]> {
  let summary = "output head: hidden states to vocabulary logits";
  let description = [{
    Reads `<scope>.weight` of shape [vocab_size, hidden_size]. MTP modules
    use the main model's head (same scope).
  }];
  let arguments = (ins StrAttr:$scope, Dsc_Activation:$input);
  let results = (outs Dsc_Activation:$logits);
  let assemblyFormat = [{
    $scope `(` $input `)` attr-dict `:` type($input) `->` type($logits)
  }];
  let hasVerifier = 1;
}

def Dsc_CrossEntropyOp : Dsc_Op<"cross_entropy", [
    Pure, DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmResultNames"]>
  ]> {
  let summary = "training loss: next-token cross-entropy plus the MTP losses";
  let description = [{
    `labels` are aligned with the inputs: the main head at position i is
    scored against `labels[i+1]` and MTP depth k against `labels[i+k+1]`.
    The result is `L_main + mtp_weight / D * sum_k L_k` over the D MTP
    logits (`mtp_weight` is the paper's lambda).
  }];
  let arguments = (ins
    Dsc_Activation:$logits,
    Dsc_Tokens:$labels,
    Variadic<Dsc_Activation>:$mtp_logits,
    OptionalAttr<F64Attr>:$mtp_weight
  );
  let results = (outs Dsc_Scalar:$loss);
  let assemblyFormat = [{
    $logits `,` $labels (`mtp` `(` $mtp_logits^ `:` type($mtp_logits) `)`)?
    (`weight` $mtp_weight^)? attr-dict
    `:` type($logits) `,` type($labels) `->` type($loss)
  }];
  let hasVerifier = 1;
}

include "DscPipelineOps.td"
include "DscKernelOps.td"
include "DscGradientOps.td"
include "DscFP8Ops.td"
include "DscExpertParallelOps.td"

#endif // DSC_OPS_TD
