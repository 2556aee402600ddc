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
    ZB-V) or `virtual-stages` per rank (interleaved 1F1B).

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
    zb-v, dualpipe, dualpipev; their preconditions are the run's verifier's.
    A remark gives the simulated step time, the largest bubble and the peak
    activations under the cost model.
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

#endif // DSC_TRANSFORMS_PASSES_TD
