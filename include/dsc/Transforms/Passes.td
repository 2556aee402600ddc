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

#endif // DSC_TRANSFORMS_PASSES_TD
