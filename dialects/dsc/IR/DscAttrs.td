//===- DscAttrs.td - dsc hyper-parameter attributes -------*- tablegen -*-===//
//
// Hyper-parameters shared by every layer of a model live in one attribute
// each (`#dsc.mla`, `#dsc.moe`); the printer aliases them (`#mla`, `#moe`) so
// the IR of a 61-layer model states them once.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_ATTRS_TD
#define DSC_ATTRS_TD

include "DscDialect.td"
include "mlir/IR/EnumAttr.td"

def Dsc_ScoringFunc : I32EnumAttr<"ScoringFunc",
    "how the MoE gate turns token-expert affinities into scores", [
      I32EnumAttrCase<"sigmoid", 0>,
      I32EnumAttrCase<"softmax", 1>
    ]> {
  let cppNamespace = "::dsc";
  let genSpecializedAttr = 0;
}

def Dsc_TopkMethod : I32EnumAttr<"TopkMethod",
    "how the MoE gate selects experts", [
      I32EnumAttrCase<"greedy", 0>,
      I32EnumAttrCase<"group_limited_greedy", 1>,
      I32EnumAttrCase<"noaux_tc", 2>
    ]> {
  let cppNamespace = "::dsc";
  let genSpecializedAttr = 0;
}

def Dsc_RunMode : I32EnumAttr<"RunMode", "what a run does", [
      I32EnumAttrCase<"training", 0>,
      I32EnumAttrCase<"inference", 1>
    ]> {
  let cppNamespace = "::dsc";
}

def Dsc_Precision : I32EnumAttr<"Precision",
    "precision recipe of the matmuls", [
      I32EnumAttrCase<"bf16", 0>,
      I32EnumAttrCase<"fp8", 1>
    ]> {
  let cppNamespace = "::dsc";
}

def Dsc_MomentType : I32EnumAttr<"MomentType",
    "storage of AdamW's first and second moments", [
      I32EnumAttrCase<"fp32", 0>,
      I32EnumAttrCase<"bf16", 1>
    ]> {
  let cppNamespace = "::dsc";
}

def Dsc_ScheduleKind : I32EnumAttr<"ScheduleKind",
    "pipeline schedule the cost model assumes until one is scheduled", [
      I32EnumAttrCase<"one_f_one_b", 0>,
      I32EnumAttrCase<"dualpipe", 1>,
      I32EnumAttrCase<"dualpipev", 2>,
      I32EnumAttrCase<"interleaved_1f1b", 3>,
      I32EnumAttrCase<"zb_h1", 4>,
      I32EnumAttrCase<"zb_v", 5>
    ]> {
  let cppNamespace = "::dsc";
}

def Dsc_PassKind : I32EnumAttr<"PassKind",
    "a pipeline stage's pass over one micro-batch", [
      I32EnumAttrCase<"forward", 0>,
      I32EnumAttrCase<"backward", 1>,
      I32EnumAttrCase<"backward_input", 2>,
      I32EnumAttrCase<"backward_weight", 3>
    ]> {
  let cppNamespace = "::dsc";
}

def Dsc_Payload : I32EnumAttr<"Payload",
    "what a pipeline send carries", [
      I32EnumAttrCase<"activation", 0>,
      I32EnumAttrCase<"gradient", 1>
    ]> {
  let cppNamespace = "::dsc";
}

def Dsc_ChunkPart : I32EnumAttr<"ChunkPart",
    "a piece of a MoE stage's pass, for overlapping two passes", [
      I32EnumAttrCase<"attention", 0>,
      I32EnumAttrCase<"dispatch", 1>,
      I32EnumAttrCase<"mlp", 2>,
      I32EnumAttrCase<"combine", 3>
    ]> {
  let cppNamespace = "::dsc";
}

def Dsc_Stream : I32EnumAttr<"Stream", "the GPU stream a piece runs on", [
      I32EnumAttrCase<"compute", 0>,
      I32EnumAttrCase<"comm", 1>
    ]> {
  let cppNamespace = "::dsc";
}

def Dsc_YarnAttr : Dsc_Attr<"Yarn", "yarn"> {
  let summary = "YaRN RoPE context extension";
  let description = [{
    Scales RoPE frequencies to extend `original_max_position_embeddings` by
    `factor`; `beta_fast`/`beta_slow` bound the interpolated band and
    `mscale`/`mscale_all_dim` scale attention logits
    (`0.1 * mscale_all_dim * ln(factor) + 1`).
  }];
  let parameters = (ins
    Dsc_F64Parameter<"context extension factor">:$factor,
    "int64_t":$original_max_position_embeddings,
    Dsc_F64Parameter<"fast boundary (rotations)">:$beta_fast,
    Dsc_F64Parameter<"slow boundary (rotations)">:$beta_slow,
    Dsc_F64Parameter<"logit scale coefficient">:$mscale,
    Dsc_F64Parameter<"logit scale coefficient, all dims">:$mscale_all_dim
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The attention-logit scale YaRN implies: 0.1 * m * ln(factor) + 1.
    double getAttentionScale() const;
  }];
}

def Dsc_RopeAttr : Dsc_Attr<"Rope", "rope"> {
  let summary = "rotary position embedding of the decoupled key/query part";
  let parameters = (ins
    Dsc_F64Parameter<"RoPE base frequency">:$theta,
    OptionalParameter<"::dsc::YarnAttr", "YaRN scaling">:$yarn
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def Dsc_MLAAttr : Dsc_Attr<"MLA", "mla"> {
  let summary = "multi-head latent attention hyper-parameters";
  let description = [{
    `q_lora_rank = 0` means a full query projection (DeepSeek-V2-Lite);
    otherwise queries go through a low-rank `q_a_proj`/`q_b_proj` pair. Keys
    and values are compressed to `kv_lora_rank` (the cached latent) plus a
    shared `qk_rope_head_dim` RoPE key.
  }];
  let parameters = (ins
    "int64_t":$num_attention_heads,
    "int64_t":$q_lora_rank,
    "int64_t":$kv_lora_rank,
    "int64_t":$qk_nope_head_dim,
    "int64_t":$qk_rope_head_dim,
    "int64_t":$v_head_dim,
    Dsc_F64Parameter<"attention softmax scale">:$softmax_scale,
    "::dsc::RopeAttr":$rope
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    int64_t getQKHeadDim() const {
      return getQkNopeHeadDim() + getQkRopeHeadDim();
    }
    /// (qk_nope + qk_rope)^-0.5, times YaRN's attention scale squared: the
    /// softmax scale DeepSeek's reference implementation uses.
    static double getDefaultSoftmaxScale(int64_t qkHeadDim, YarnAttr yarn);
    /// Values cached per token per layer: the latent plus the RoPE key.
    int64_t getCachedValuesPerToken() const {
      return getKvLoraRank() + getQkRopeHeadDim();
    }
  }];
}

def Dsc_MoEAttr : Dsc_Attr<"MoE", "moe"> {
  let summary = "DeepSeekMoE hyper-parameters";
  let description = [{
    `n_shared_experts` always-on experts plus `n_routed_experts` of which each
    token uses `num_experts_per_tok`, every expert a SwiGLU MLP of width
    `moe_intermediate_size`. Group-limited methods split the routed experts into
    `n_group` groups and keep the best `topk_group`. With `bias_balancing`,
    a per-expert bias (used only to select) moves by `bias_update_rate` after
    each step (auxiliary-loss-free balancing); `aux_loss_alpha` weights the
    sequence-wise balance loss.
  }];
  let parameters = (ins
    "int64_t":$n_routed_experts,
    "int64_t":$n_shared_experts,
    "int64_t":$num_experts_per_tok,
    "int64_t":$moe_intermediate_size,
    EnumParameter<Dsc_ScoringFunc>:$scoring_func,
    EnumParameter<Dsc_TopkMethod>:$topk_method,
    "int64_t":$n_group,
    "int64_t":$topk_group,
    Dsc_F64Parameter<"scale of the routed experts' output">:$routed_scaling_factor,
    Dsc_BoolParameter<"renormalise the top-k weights">:$norm_topk_prob,
    Dsc_BoolParameter<"auxiliary-loss-free balancing">:$bias_balancing,
    Dsc_F64Parameter<"bias step per training step">:$bias_update_rate,
    Dsc_F64Parameter<"sequence-wise balance loss weight">:$aux_loss_alpha
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    int64_t getExpertsPerGroup() const {
      return getNRoutedExperts() / getNGroup();
    }
    bool isGroupLimited() const {
      return getTopkMethod() != ::dsc::TopkMethod::greedy;
    }
  }];
}

def Dsc_ExpertPlacementAttr : Dsc_Attr<"ExpertPlacement", "placement"> {
  let summary = "which logical expert each physical expert slot holds";
  let description = [{
    `phy2log[i]` is the logical expert in physical slot i; GPU g of the
    `gpus` GPUs (over `nodes` nodes) owns slots g * S ... (g + 1) * S - 1
    with S = size(phy2log) / gpus. `logcnt[e]` is the replica count of
    expert e. `imbalance` is the largest GPU load over the mean for the
    loads the placement was made for (1 without loads).
  }];
  let parameters = (ins
    "int64_t":$gpus,
    "int64_t":$nodes,
    Dsc_F64Parameter<"max / mean GPU load">:$imbalance,
    ArrayRefParameter<"int64_t", "physical slot -> logical expert">:$phy2log,
    ArrayRefParameter<"int64_t", "replicas per logical expert">:$logcnt
  );
  let assemblyFormat = [{
    `<` `gpus` `=` $gpus `,` `nodes` `=` $nodes `,` `imbalance` `=` $imbalance
    `,` `phy2log` `=` `[` $phy2log `]` `,` `logcnt` `=` `[` $logcnt `]` `>`
  }];
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    int64_t getSlotsPerGPU() const {
      return getPhy2log().size() / getGpus();
    }
    /// The physical slots holding logical expert `expert`.
    ::llvm::SmallVector<int64_t> getReplicas(int64_t expert) const;
  }];
}

def Dsc_PipelineLayoutAttr : Dsc_Attr<"PipelineLayout", "layout"> {
  let summary = "which parts of the model each pipeline stage holds";
  let description = [{
    Pipeline stages in order, written as Megatron's
    `--pipeline-model-parallel-layout`: `E` the embedding, `t` a decoder
    block, `m` an MTP module, `L` the final norm, output head and loss; `|`
    ends a stage, `x*n` repeats a part, `(...)*n` a group, `,` is cosmetic.

    ```mlir
    #dsc.layout<"Et*3|t*4|t*4|t*4mL">
    ```

    Stored as counts per stage (`blocks`, `mtp`) and the stages of the
    embedding (the first) and of `L` (the last); parts keep the model's
    order E, t..., m..., L. A stage may be empty only when written so.
  }];
  let parameters = (ins
    ArrayRefParameter<"int64_t", "decoder blocks per stage">:$blocks,
    ArrayRefParameter<"int64_t", "MTP modules per stage">:$mtp
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    int64_t getNumStages() const { return getBlocks().size(); }
    /// The first block and first MTP module of each stage.
    int64_t getFirstBlock(int64_t stage) const;
    int64_t getFirstMTP(int64_t stage) const;
    /// Parses Megatron's layout syntax; the error names the offending
    /// position.
    static ::mlir::FailureOr<PipelineLayoutAttr>
    parseMegatron(::mlir::MLIRContext *context, ::llvm::StringRef text,
                  ::llvm::function_ref<::mlir::InFlightDiagnostic()>
                      emitError);
    /// The layout in Megatron's syntax.
    std::string toMegatron() const;
  }];
}

//===----------------------------------------------------------------------===//
// FP8 mixed precision
//===----------------------------------------------------------------------===//

def Dsc_ScaleFormat : I32EnumAttr<"ScaleFormat",
    "how FP8 scale factors are rounded", [
      I32EnumAttrCase<"fp32", 0>,
      I32EnumAttrCase<"ue8m0", 1>
    ]> {
  let cppNamespace = "::dsc";
}

def Dsc_SavedActivation : I32EnumAttr<"SavedActivation",
    "what a linear layer keeps of its input for the backward pass, when not "
    "its FP8 copy", [
      I32EnumAttrCase<"e5m6", 0>,
      I32EnumAttrCase<"bf16", 1>
    ]> {
  let cppNamespace = "::dsc";
}

def Dsc_FP8RecipeAttr : Dsc_Attr<"FP8Recipe", "fp8"> {
  let summary = "an FP8 mixed-precision recipe (DeepSeek-V3 section 3.3)";
  let description = [{
    How a model's FP8 linear layers quantize and accumulate, and what
    training keeps in higher precision. Printed once as the alias `#fp8`.

    ```mlir
    #fp8 = #dsc.fp8<act_tile = [1, 128], weight_block = [128, 128],
        scale = fp32, promote = 128, wgrad_tile = [128, 1],
        wgrad_scale = ue8m0, dispatch_scale = ue8m0, master = f32,
        grads = f32, moments = bf16>
    ```

    - `act_tile`: activations get one scale per `1 x N` tile (a token's N
      consecutive input channels).
    - `weight_block`: weights one scale per `R x C` block. FP8 weights are
      `f8E4M3FN` parameters with a companion FP32 parameter
      `<name>_scale_inv` of shape `[ceil(out / R), ceil(in / C)]`
      (DeepSeek's FP8 checkpoint layout; ragged blocks are zero-padded).
    - `scale`: `fp32` scales are `max(amax, 1e-4) / 448`; `ue8m0` rounds
      them up to a power of two.
    - `promote`: Tensor-Core partial sums are promoted to FP32, where the
      scales apply, every `promote` elements of K; it divides the tile and
      block widths so that no interval spans two scales.
    - `wgrad_tile`, `wgrad_scale`: for the weight-gradient GEMM the
      activation gradients are re-tiled `1 x 128 -> 128 x 1` with these
      scales (V3: powers of two).
    - `dispatch_scale`: the scales of the FP8 copy that the MoE all-to-all
      dispatch sends (the combine returns BF16).
    - `master`, `grads`, `moments`: the optimizer's master weights,
      gradients and AdamW moments (V3: f32, f32, bf16).

    Which linear layers follow it is said by the `linears` regions of the
    model-level ops; everything else (embedding, output head, MoE gating,
    norms, attention core) stays in BF16/FP32.
  }];
  let parameters = (ins
    ArrayRefParameter<"int64_t", "activation tile">:$act_tile,
    ArrayRefParameter<"int64_t", "weight block">:$weight_block,
    EnumParameter<Dsc_ScaleFormat>:$scale,
    "int64_t":$promote,
    ArrayRefParameter<"int64_t", "activation-gradient tile of wgrad">:$wgrad_tile,
    EnumParameter<Dsc_ScaleFormat>:$wgrad_scale,
    EnumParameter<Dsc_ScaleFormat>:$dispatch_scale,
    "::mlir::Type":$master,
    "::mlir::Type":$grads,
    "::mlir::Type":$moments
  );
  let assemblyFormat = [{
    `<` `act_tile` `=` `[` $act_tile `]` `,`
    `weight_block` `=` `[` $weight_block `]` `,` `scale` `=` $scale `,`
    `promote` `=` $promote `,` `wgrad_tile` `=` `[` $wgrad_tile `]` `,`
    `wgrad_scale` `=` $wgrad_scale `,` `dispatch_scale` `=` $dispatch_scale
    `,` `master` `=` $master `,` `grads` `=` $grads `,` `moments` `=`
    $moments `>`
  }];
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// DeepSeek-V3's activation tile width, weight block side and promotion
    /// interval (and those of its FP8 checkpoint).
    static constexpr int64_t kDeepSeekV3Tile = 128;
    /// DeepSeek-V3's recipe with the given tiling and scales.
    static FP8RecipeAttr getDeepSeekV3(::mlir::MLIRContext *context,
                                       int64_t actTile, int64_t weightBlock,
                                       ScaleFormat scale, int64_t promote);
    /// N of the 1 x N activation tiles.
    int64_t getActTileWidth() const { return getActTile()[1]; }
    /// Scales per token of an activation with `width` channels.
    int64_t getActScaleWidth(int64_t width) const;
  }];
}

//===----------------------------------------------------------------------===//
// Cluster hardware
//===----------------------------------------------------------------------===//

def Dsc_GPUAttr : Dsc_Attr<"GPU", "gpu"> {
  let summary = "one GPU's dense peak throughput and memory";
  let description = [{
    Peak dense Tensor Core throughput in TFLOPS (10^12 FLOP/s) for BF16 and
    FP8, HBM capacity in GB (10^9 bytes) and bandwidth in GB/s.
  }];
  let parameters = (ins
    StringRefParameter<"GPU model">:$name,
    "int64_t":$sms,
    Dsc_F64Parameter<"dense BF16 TFLOPS">:$bf16_tflops,
    Dsc_F64Parameter<"dense FP8 TFLOPS">:$fp8_tflops,
    Dsc_F64Parameter<"HBM capacity, GB">:$hbm_gb,
    Dsc_F64Parameter<"HBM bandwidth, GB/s">:$hbm_gbps
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// HBM capacity in bytes.
    double getHbmBytes() const { return getHbmGb().convertToDouble() * 1e9; }
  }];
}

def Dsc_LinkAttr : Dsc_Attr<"Link", "link"> {
  let summary = "a link's bandwidth per GPU (GB/s, one direction) and latency";
  let parameters = (ins
    Dsc_F64Parameter<"bandwidth per GPU, GB/s">:$gbps,
    Dsc_F64Parameter<"latency, microseconds">:$latency_us
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

#endif // DSC_ATTRS_TD
