//===- PipelinePartition.cpp - the dsc-pipeline-partition pass ------------===//
//
// Gives every dsc.run a layout: Megatron's even split, a user's layout, or
// the cost model's best (PipelinePartition.h). The run's verifier then
// checks it against the model and the schedule.
//
//===----------------------------------------------------------------------===//

#include "dsc/Analysis/PipelinePartition.h"
#include "dsc/Analysis/Memory.h"
#include "dsc/Analysis/RunSetup.h"
#include "dsc/Analysis/StepTime.h"
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
  /// Stages the run's schedule needs.
  int64_t stageCount(RunOp run);
  /// The even split leaves a stage without blocks (more stages than
  /// blocks): not a candidate.
  bool evenHasEmptyStage = false;
};
} // namespace

int64_t PipelinePartitionPass::stageCount(RunOp run) {
  if (run.getSchedule() == PipelineSchedule::interleaved_1f1b &&
      virtualStages > 0)
    return run.getPp() * virtualStages;
  return run.getNumStages();
}

LogicalResult PipelinePartitionPass::partition(RunOp run,
                                               SymbolTableCollection &symbols) {
  auto model =
      symbols.lookupNearestSymbolFrom<ModelOp>(run, run.getModelAttr());
  if (!model)
    return run.emitOpError("'model' ")
           << run.getModelAttr() << " does not name a 'dsc.model'";
  MLIRContext *context = run.getContext();
  StringRef how = layout.empty() ? StringRef(mode) : "manual";

  if (how == "manual") {
    if (layout.empty())
      return run.emitError("dsc-pipeline-partition: mode=manual needs "
                           "layout=..., e.g. layout=Et*3|t*4|t*4mL");
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
  } else if (how == "even" || how == "auto") {
    int64_t stages = stageCount(run);
    StageLayout even = StageLayout::evenSplit(
        model.getNumHiddenLayers(), model.getNumNextnPredictLayers(), stages);
    evenHasEmptyStage = model.getNumHiddenLayers() < stages;
    if (how == "even" && evenHasEmptyStage)
      return run.emitError("dsc-pipeline-partition: ")
             << model.getNumHiddenLayers() << " blocks cannot split evenly "
             << "over " << stages
             << " stages without an empty one; use mode=auto or a layout";
    run.setLayoutAttr(even.toAttr(context));
  } else {
    return run.emitError("dsc-pipeline-partition: unknown mode '")
           << mode << "'; use auto, even or manual";
  }
  // The layout must suit the model and schedule before it is priced.
  if (failed(mlir::verify(run)) || failed(run.verifySymbolUses(symbols)))
    return failure();
  if (how != "auto")
    return success();

  PipelineLayoutAttr even = *run.getLayout();
  RunSetup setup = resolveRun(run);
  ParameterCountAnalysis params(setup.model);
  llvm::Expected<PipelinePartition> best = partitionPipeline(setup, params);
  if (!best)
    return run.emitError("dsc-pipeline-partition: ")
           << llvm::toString(best.takeError());
  if (!best->fitsMemory)
    run.emitWarning("dsc-pipeline-partition: no layout fits every rank in ")
        << "the GPUs' memory; chose the fastest regardless (dsc report shows "
           "the fullest GPU): recomputation or more pipeline or expert "
           "parallelism would help";

  // The simulated schedule has the last word: the cost model balances
  // ranks, the simulator also sees the order the stages run in.
  double capacity = setup.cluster.getGpu().getHbmGb().convertToDouble() * 1e9;
  auto simulatedStep = [&](PipelineLayoutAttr candidate, bool &fits) {
    run.setLayoutAttr(candidate);
    RunSetup candidateSetup = resolveRun(run);
    MemoryAnalysis memory(candidateSetup, params);
    CommunicationAnalysis comm(candidateSetup, params);
    fits = memory.largest().total() <= capacity;
    return StepTimeAnalysis(candidateSetup, params, memory, comm)
        .stepSeconds(/*overlap=*/true);
  };
  PipelineLayoutAttr chosen = best->layout.toAttr(context);
  bool evenFits, chosenFits;
  double evenStep = simulatedStep(even, evenFits),
         chosenStep = simulatedStep(chosen, chosenFits);
  if (!evenHasEmptyStage && evenStep < chosenStep &&
      (evenFits || !chosenFits)) {
    chosen = even;
    chosenStep = evenStep;
  }
  run.setLayoutAttr(chosen);
  run.emitRemark(
      llvm::formatv("dsc-pipeline-partition: @{0} layout \"{1}\": simulated "
                    "step {2:F3} ms (even split {3:F3} ms{4}), slowest rank "
                    "{5:F3} ms per micro-batch (even split {6:F3} ms)",
                    run.getSymName(), chosen.toMegatron(), chosenStep * 1e3,
                    evenStep * 1e3,
                    evenHasEmptyStage ? ", an empty stage"
                    : evenFits        ? ""
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
    if (failed(partition(run, symbols)))
      return signalPassFailure();
}
