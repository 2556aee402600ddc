//===- Passes.td - dsc transformation passes --------------*- tablegen -*-===//

#ifndef DSC_TRANSFORMS_PASSES_TD
#define DSC_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def DscExpertPlacement : Pass<"dsc-expert-placement", "::dsc::ModelOp"> {
  let summary = "Place routed experts, with redundant replicas, on the "
                "expert-parallel GPUs";
  let description = [{
    For every `dsc.moe` (main model first, then the MTP modules, one layer of
    the loads file each) decides which logical expert each of the
    `n_routed_experts + redundant` physical slots holds, every GPU of the
    `ep` GPUs (over `nodes` nodes) getting the same number of slots, and
    attaches it as the op's `placement`. Policies: `hierarchical` packs the
    expert groups onto nodes first so node-limited routing keeps its bound,
    `global` ignores groups, `auto` picks hierarchical when the groups divide
    over the nodes. No GPU gets two replicas of one expert. With `previous`
    (a `dsc place` JSON placement) it moves few experts while the balance is
    within `tolerance` of the best. Without `loads` all experts weigh the
    same.
  }];
  let options = [
    Option<"ep", "ep", "int64_t", "0", "GPUs of the expert-parallel group">,
    Option<"nodes", "nodes", "int64_t", "1",
           "nodes the expert-parallel group spans">,
    Option<"redundant", "redundant", "int64_t", "0",
           "extra expert slots per layer">,
    Option<"policy", "policy", "std::string", "\"auto\"",
           "hierarchical, global or auto">,
    Option<"loads", "loads", "std::string", "\"\"",
           "expert loads, JSON or CSV, one layer per dsc.moe">,
    Option<"previous", "previous", "std::string", "\"\"",
           "the placement in use (dsc place JSON)">,
    Option<"tolerance", "tolerance", "double", "0.05",
           "balance given up to move fewer experts">,
  ];
}

def DscPipelinePartition
    : Pass<"dsc-pipeline-partition", "::mlir::ModuleOp"> {
  let summary = "Assign the embedding, blocks, MTP modules and head of each "
                "dsc.run's model to pipeline stages";
  let description = [{
    Sets every `dsc.run`'s `layout`, in Megatron's layout syntax, for the
    run's schedule: one stage per pipeline rank (1F1B, ZB-H1, DualPipe,
    whose rank r also runs stage pp - 1 - r), two per rank in a V (DualPipeV,
    ZB-V) or `virtual-stages` per rank (interleaved 1F1B, written back to
    the run): as many stages as the resolved run's pipeline shape has.

    - `auto` prices every part with the step-time and memory analyses and
      takes the layout whose slowest rank is fastest within each GPU's
      memory (if none fits: the fastest, with a warning). A remark gives its
      time per micro-batch and the even split's.
    - `even` is Megatron's default: blocks split evenly, the embedding on
      the first stage, the MTP modules and head on the last.
    - `manual` takes `layout` (e.g. `Et*3|t*4|...|t*2mL`); an empty stage
      is an error unless `allow-empty-stages`.
  }];
  let options = [
    Option<"mode", "mode", "std::string", "\"auto\"", "auto, even or manual">,
    Option<"layout", "layout", "std::string", "\"\"",
           "the layout in Megatron's syntax (implies manual)">,
    Option<"virtualStages", "virtual-stages", "int64_t", "0",
           "stages per rank for interleaved 1F1B (default: the run's, or 2)">,
    Option<"allowEmptyStages", "allow-empty-stages", "bool", "false",
           "accept empty stages in a manual layout">,
    Option<"runName", "run", "std::string", "\"\"",
           "the dsc.run to partition (default: every one)">,
    Option<"keepLayouts", "keep-layouts", "bool", "false",
           "leave runs that already have a layout as they are (what "
           "dsc-training-pipeline does, so that a tool's --partition holds)">,
  ];
}

def DscPipelineSchedule
    : Pass<"dsc-pipeline-schedule", "::mlir::ModuleOp"> {
  let summary = "Emit every pipeline rank's program for each dsc.run";
  let description = [{
    Builds the run's pipeline schedule (`kind` and `microbatches` override
    the run's and are written back to it) and emits it after the run as a
    `dsc.pipeline`: one `dsc.rank` per pipeline rank with its stage passes
    in execution order (forward, full backward, or backward for inputs and
    for weights), DualPipe's overlapped pairs cut into attention, dispatch,
    MLP and combine pieces on the compute and communication streams, and the
    sends and receives between ranks. Kinds: 1f1b, interleaved-1f1b, zb-h1,
    zb-v, dualpipe, dualpipev; resolving the run checks their preconditions.
    A remark gives the cost model's step time (the pipeline, the data-parallel
    exchange and the optimizer), the simulated pipeline, the largest bubble
    and the peak activations.
  }];
  let options = [
    Option<"kind", "kind", "std::string", "\"\"",
           "1f1b, interleaved-1f1b, zb-h1, zb-v, dualpipe or dualpipev "
           "(default: the run's)">,
    Option<"microbatches", "microbatches", "int64_t", "0",
           "micro-batches per step (default: the run's)">,
    Option<"runName", "run", "std::string", "\"\"",
           "the dsc.run to schedule (default: every one)">,
  ];
}

def DscFP8Quantize : Pass<"dsc-fp8-quantize", "::dsc::ModelOp"> {
  let summary = "Run the eligible linear layers in FP8 with block-scaled "
                "weights (DeepSeek-V3's recipe)";
  let description = [{
    Rewrites every eligible linear layer -- the attention projections, the
    dense MLPs, the shared and routed experts and the MTP projections --
    into FP8: its weight parameter becomes `f8E4M3FN` with a companion FP32
    parameter `<name>_scale_inv` of shape `[ceil(out / B), ceil(in / B)]`
    (DeepSeek's FP8 checkpoint names and layout, so such a checkpoint binds
    directly), and the owning op's `linears` region gets the layer's
    `dsc.quantize` (1 x `act-tile` tiles, `scale` format; the routed
    experts' input is quantized for the FP8 `dispatch`) and its
    `dsc.fp8_gemm`, marking the linear after attention to save its input in
    E5M6 and the routed experts' down projection as the BF16 `combine`. The
    model gets the recipe as its `fp8` attribute (with V3's training side:
    128 x 1 power-of-two activation-gradient tiles, FP32 master weights and
    gradients, BF16 AdamW moments).

    The embedding, output head, MoE gate, norms and attention core stay
    BF16/FP32. `exclude` keeps more in BF16: op kinds (`mla`, `mlp`, `moe`,
    `shared_experts`, `routed_experts`, and `mtp` for the MTP projection
    `eh_proj`) or globs over weight names (`model.layers.0.*`,
    `*.o_proj.weight`; a whole MTP module by its layer, `model.layers.61.*`;
    routed experts match their stacked name, `...experts.{e}...`). An entry
    that matches nothing gets a warning.
  }];
  let options = [
    Option<"recipe", "recipe", "std::string", "\"deepseek-v3\"",
           "the FP8 recipe (deepseek-v3)">,
    Option<"actTile", "act-tile", "int64_t", "128",
           "activation tile width N (1 x N tiles per token)">,
    Option<"weightBlock", "weight-block", "int64_t", "128",
           "weight block side B (B x B blocks)">,
    Option<"scale", "scale", "std::string", "\"fp32\"",
           "scale format: fp32, or ue8m0 (powers of two)">,
    Option<"promote", "promote", "int64_t", "128",
           "elements of K accumulated before promotion to FP32">,
    ListOption<"exclude", "exclude", "std::string",
               "op kinds or weight-name globs kept in BF16">,
  ];
}

#endif // DSC_TRANSFORMS_PASSES_TD
