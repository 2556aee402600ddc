//===- Passes.td - dsc lowering passes --------------------*- tablegen -*-===//

#ifndef DSC_CONVERSION_PASSES_TD
#define DSC_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def DscLowerToKernels : Pass<"dsc-lower-to-kernels", "::mlir::ModuleOp"> {
  let summary = "Decompose a run's model into kernel-level ops (forward)";
  let description = [{
    For a `dsc.run`, emits `func.func @<run>_forward(%ids, %labels) ->
    tensor<f32>`: the model's forward pass as `dsc.k.*` ops, one per runtime
    kernel, over token-major [T, width] tensors. MLA becomes its projections,
    latent norms, splits, RoPE on the decoupled channels, the per-head join
    of the shared k_pe and causal attention; MLP and shared experts become
    linears and SwiGLU; routed experts become route, dispatch, grouped
    linears and combine; each MTP module embeds the ids shifted by its depth,
    joins the normalised embeddings and hidden state and runs its block and
    head; the loss is the main cross-entropy plus lambda / D times each MTP
    depth's (labels shifted likewise), all weighted 1 / micro_batches so the
    step's loss and gradients are means over its micro-batches. Linears whose weight is FP8 (after
    dsc-fp8-quantize) become `dsc.k.fp8_linear` with the model's recipe.
    Every op carries `dsc.stage`, the pipeline stage the run's layout gives
    its part of the model.
  }];
  let options = [
    Option<"runName", "run", "std::string", "\"\"",
           "the dsc.run to lower (default: the module's only one)">,
  ];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

def DscExpertParallel : Pass<"dsc-expert-parallel", "::mlir::ModuleOp"> {
  let summary = "Route a run's MoE layers over its expert-parallel group";
  let description = [{
    For a `dsc.run` whose mesh has `ep` > 1, rewrites each MoE layer of
    `func.func @<run>_forward` (dsc-lower-to-kernels) from one rank's
    dispatch / grouped linears / combine into the expert-parallel form:
    `slot_route` picks each chosen expert's physical slot from the layer's
    placement (the op's `placement`, or expert e in slot e), the dispatch
    groups the copies by slot, `slot_counts` gives the rows per slot and
    per ep member, `all_to_all` sends the per-slot counts and `all_to_all_v`
    the rows to the members holding the slots, `slot_permute` regroups what
    arrived by local slot for the grouped linears on the rank's S slots, and
    `slot_unpermute` and an `all_to_all_v` bring the expert outputs back for
    the combine. With ep 1 the program is left as it is. When the run
    dispatches FP8 (ResolvedRun::fp8Dispatch) the dispatch's exchange is
    marked `fp8 tile T scale S` for dsc-fp8-dispatch.
  }];
  let options = [
    Option<"runName", "run", "std::string", "\"\"",
           "the dsc.run whose forward to rewrite (default: every run)">,
  ];
}

def DscKernelAutodiff : Pass<"dsc-kernel-autodiff", "::mlir::ModuleOp"> {
  let summary = "Append the backward pass to each kernel-level forward";
  let description = [{
    For every `func.func @<run>_forward` (from dsc-lower-to-kernels), emits
    `func.func @<run>_train` with the same arguments and result: the forward
    ops, then, in reverse, each op's backward (`dsc.k.*_grad`) seeded with a
    loss gradient of 1. Gradients of a value used several times are summed;
    linears split their backward into the input part and the weight part
    (`*_grad_weight`, accumulating into the parameter's gradient), so a
    zero-bubble schedule can defer it. Backward ops keep their forward op's
    `dsc.stage`; ops no gradient reaches are left out.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

def DscFP8Dispatch : Pass<"dsc-fp8-dispatch", "::mlir::ModuleOp"> {
  let summary = "Send the MoE dispatch's tokens as FP8 with their scales";
  let description = [{
    In `func.func @<run>_train` (dsc-kernel-autodiff) and the forward it
    derives from, spells out every
    `dsc.k.all_to_all_v ... fp8 tile T scale S` (dsc-expert-parallel marks
    the dispatch when the run dispatches FP8, ResolvedRun::fp8Dispatch) as
    DeepSeek-V3 runs it: `quantize_rows` to E4M3 with one scale per 1 x T
    tile, an `all_to_all_v` of the codes and one of the scales (UE8M0
    scales travel as one byte each), and `dequantize_rows` where they
    arrive. FP8 grouped linears reading those rows (through
    `slot_permute`) get `quantized_input` when the recipe's activation
    tile is T: their GEMM takes the dispatched FP8 values as they are, as
    V3's does. The backward was derived from the unquantized exchange, so
    gradients and the combine travel in the activations' type.
  }];
  let options = [
    Option<"runName", "run", "std::string", "\"\"",
           "the dsc.run whose training program to rewrite (default: every "
           "run)">,
  ];
}

def DscFragment : Pass<"dsc-fragment", "::mlir::ModuleOp"> {
  let summary = "Split a run's training program into per-stage fragments";
  let description = [{
    For a `dsc.run` with `func.func @<run>_train` (dsc-kernel-autodiff) and
    `dsc.pipeline @<run>_pipeline` (dsc-pipeline-schedule), emits one
    `func.func @<run>_<P><stage>` per pass the pipeline runs: P is F
    (forward), B (the whole backward), I (the backward for inputs) or W (the
    weight gradients), in the style of Shardy's MPMD fragments. A fragment's
    arguments are the values it reads from other fragments (the token ids
    and labels, the activations a previous stage sends, the activations its
    own forward saved for the backward, the gradients a next stage sends),
    each named by `dsc.value` and sized by `dsc.rows`; its results are the
    values other fragments read. The losses' sum, which only seeded the
    autodiff, is dropped; the loss gradient's seed is rematerialised in each
    fragment that reads it. Every `dsc.pass` of the pipeline then `calls`
    its fragment, and every send and receive names the `values` it
    carries; where two consecutive stages share a rank (the turn of a V),
    the pass hands its values over by a send and a receive to itself. A
    value that would skip a stage is an error that names it.
  }];
  let options = [
    Option<"runName", "run", "std::string", "\"\"",
           "the dsc.run to split (default: every run with a program)">,
  ];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

def DscPlanMemory : Pass<"dsc-plan-memory", "::mlir::ModuleOp"> {
  let summary = "Place a kernel-level program's tensors in per-stage arenas";
  let description = [{
    For every `func.func @<run>_train` (or `@<run>_forward` without one),
    sizes each tensor for one micro-batch of the run (T = micro_batch x
    seq_len tokens; T x k expert rows after a dispatch), finds its lifetime
    in program order (definition to last use: activations saved for the
    backward live until their gradient op), and places the tensors of each
    pipeline stage in that stage's arena by greedy best-fit: tensors alive
    at the same time never overlap. Each op gets `dsc.offsets` (one per
    result), the function `dsc.arena_bytes` (one per stage). A remark
    reports each stage's arena, the peak of live bytes and the memory
    analysis's estimate of one micro-batch's activations. `storage=f32`
    sizes floating tensors as FP32 (the CPU backend computes and stores in
    FP32); `dsc.rows` records each result's leading dimension and
    `dsc.storage` on the function the storage the arena was sized for.
  }];
  let options = [
    Option<"storage", "storage", "std::string", "\"model\"",
           "model (the tensors' element types) or f32">,
  ];
}

#endif // DSC_CONVERSION_PASSES_TD
