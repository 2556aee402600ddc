//===- PipelinePartition.cpp - the dsc-pipeline-partition pass ------------===//
//
// Gives every dsc.run a layout: Megatron's even split, a user's layout, or
// the cost model's best (PipelinePartition.h), for as many stages as the
// resolved run's schedule has.
//
//===----------------------------------------------------------------------===//

#include "dsc/CostModel/PipelinePartition.h"
#include "dsc/CostModel/CostModel.h"
#include "dsc/Run/ResolvedRun.h"
#include "dsc/Transforms/Passes.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/FormatVariadic.h"

namespace dsc {
#define GEN_PASS_DEF_DSCPIPELINEPARTITION
#include "dsc/Transforms/Passes.h.inc"
} // namespace dsc

using namespace mlir;
using namespace dsc;

namespace {
struct PipelinePartitionPass
    : public dsc::impl::DscPipelinePartitionBase<PipelinePartitionPass> {
  using DscPipelinePartitionBase::DscPipelinePartitionBase;

  void runOnOperation() override;

private:
  LogicalResult partition(RunOp run, SymbolTableCollection &symbols);
  /// Prices the even split and the solver's layout with the cost model and
  /// keeps the faster (the one that fits, first).
  LogicalResult choose(RunOp run, const ResolvedRun &setup, bool evenHasEmpty);
};
} // namespace

LogicalResult PipelinePartitionPass::partition(RunOp run,
                                               SymbolTableCollection &symbols) {
  MLIRContext *context = run.getContext();
  StringRef how = layout.empty() ? StringRef(mode) : "manual";
  if (how != "manual" && how != "even" && how != "auto")
    return run.emitError("dsc-pipeline-partition: unknown mode '")
           << mode << "'; use auto, even or manual";
  if (how == "manual" && layout.empty())
    return run.emitError("dsc-pipeline-partition: mode=manual needs "
                         "layout=..., e.g. layout=Et*3|t*4|t*4mL");
  if (virtualStages < 0)
    return run.emitError("dsc-pipeline-partition: virtual-stages must be "
                         "positive, got ")
           << virtualStages;
  if (virtualStages > 0)
    run.setVirtualStages(virtualStages);
  // The stage count is the schedule's: resolve the run without a layout.
  run.removeLayoutAttr();
  if (failed(mlir::verify(run)) || failed(run.verifySymbolUses(symbols)))
    return failure();
  FailureOr<ResolvedRun> unlaid = resolveRun(run);
  if (failed(unlaid))
    return failure();
  ModelOp model = unlaid->model;
  int64_t stages = unlaid->shape.stages;

  if (how == "manual") {
    FailureOr<PipelineLayoutAttr> parsed =
        PipelineLayoutAttr::parseMegatron(context, layout, [&] {
          return run.emitError("dsc-pipeline-partition: ");
        });
    if (failed(parsed))
      return failure();
    if (!allowEmptyStages)
      for (int64_t s = 0; s < parsed->getNumStages(); ++s)
        if (parsed->getBlocks()[s] + parsed->getMtp()[s] == 0 &&
            !(s == 0 || s + 1 == parsed->getNumStages()))
          return run.emitError("dsc-pipeline-partition: stage ")
                 << s << " of layout \"" << layout
                 << "\" is empty; fill it or pass allow-empty-stages";
    run.setLayoutAttr(*parsed);
    // The layout must suit the model and the schedule's stages.
    if (failed(run.verifySymbolUses(symbols)) || failed(resolveRun(run)))
      return failure();
    return success();
  }

  bool evenHasEmpty = model.getNumHiddenLayers() < stages;
  if (how == "even" && evenHasEmpty)
    return run.emitError("dsc-pipeline-partition: ")
           << model.getNumHiddenLayers() << " blocks cannot split evenly "
           << "over " << stages
           << " stages without an empty one; use mode=auto or a layout";
  StageLayout even = StageLayout::evenSplit(
      model.getNumHiddenLayers(), model.getNumNextnPredictLayers(), stages);
  run.setLayoutAttr(even.toAttr(context));
  if (how == "even")
    return success();
  return choose(run, withLayout(*unlaid, even), evenHasEmpty);
}

LogicalResult PipelinePartitionPass::choose(RunOp run,
                                            const ResolvedRun &evenRun,
                                            bool evenHasEmpty) {
  CostModel evenCost(evenRun);
  llvm::Expected<PipelinePartition> best =
      partitionPipeline(evenRun, evenCost.parameters());
  if (!best)
    return run.emitError("dsc-pipeline-partition: ")
           << llvm::toString(best.takeError());
  if (!best->fitsMemory)
    run.emitWarning("dsc-pipeline-partition: no layout fits every rank in ")
        << "the GPUs' memory; chose the fastest regardless (dsc report shows "
           "the fullest GPU): recomputation or more pipeline or expert "
           "parallelism would help";

  // The simulated step has the last word: the solver balances ranks, the
  // simulator also sees the order the stages run in.
  ResolvedRun chosenRun = withLayout(evenRun, best->layout);
  CostModel chosenCost(chosenRun);
  double evenStep = evenCost.stepSeconds(),
         chosenStep = chosenCost.stepSeconds();
  bool evenFits = evenCost.fitsMemory();
  const ResolvedRun *chosen = &chosenRun;
  if (!evenHasEmpty && evenStep < chosenStep &&
      (evenFits || !chosenCost.fitsMemory())) {
    chosen = &evenRun;
    chosenStep = evenStep;
  }
  PipelineLayoutAttr layoutAttr = chosen->layout.toAttr(run.getContext());
  run.setLayoutAttr(layoutAttr);
  run.emitRemark(
      llvm::formatv("dsc-pipeline-partition: @{0} layout \"{1}\": simulated "
                    "step {2:F3} ms (even split {3:F3} ms{4}), slowest rank "
                    "{5:F3} ms per micro-batch (even split {6:F3} ms)",
                    run.getSymName(), layoutAttr.toMegatron(), chosenStep * 1e3,
                    evenStep * 1e3,
                    evenHasEmpty ? ", an empty stage"
                    : evenFits   ? ""
                                 : ", over memory",
                    best->bottleneck * 1e3, best->evenBottleneck * 1e3)
          .str());
  return success();
}

void PipelinePartitionPass::runOnOperation() {
  SymbolTableCollection symbols;
  FailureOr<SmallVector<RunOp>> runs =
      selectRuns(getOperation(), runName, "dsc-pipeline-partition");
  if (failed(runs))
    return signalPassFailure();
  for (RunOp run : *runs)
    if (!(keepLayouts && run.getLayoutAttr()) &&
        failed(partition(run, symbols)))
      return signalPassFailure();
}
