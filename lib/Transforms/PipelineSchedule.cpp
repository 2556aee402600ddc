//===- PipelineSchedule.cpp - the dsc-pipeline-schedule pass --------------===//
//
// Turns the schedule library's per-rank programs into dsc.pipeline IR: the
// passes in order, each preceded by the receive of its input from another
// rank and followed by the send of its output.
//
//===----------------------------------------------------------------------===//

#include "dsc/CostModel/CostModel.h"
#include "dsc/Run/ResolvedRun.h"
#include "dsc/Transforms/Passes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/FormatVariadic.h"

namespace dsc {
#define GEN_PASS_DEF_DSCPIPELINESCHEDULE
#include "dsc/Transforms/Passes.h.inc"
} // namespace dsc

using namespace mlir;
using namespace dsc;

static PassKind toPassKind(ActionKind kind) {
  switch (kind) {
  case ActionKind::F:
    return PassKind::forward;
  case ActionKind::B:
    return PassKind::backward;
  case ActionKind::I:
    return PassKind::backward_input;
  case ActionKind::W:
    return PassKind::backward_weight;
  }
  return PassKind::forward;
}

namespace {
/// Emits one rank's program.
class RankEmitter {
public:
  RankEmitter(OpBuilder &builder, Location loc,
              const ScheduledPipeline &pipeline, int64_t rank)
      : builder(builder), loc(loc), pipeline(pipeline), rank(rank) {}

  void emit(const Step &step) {
    receiveInput(step.first);
    if (step.overlapped)
      receiveInput(*step.overlapped);
    if (step.overlapped)
      emitOverlap(step.first, *step.overlapped);
    else
      PassOp::create(builder, loc, toPassKind(step.first.kind),
                     step.first.stage, step.first.microBatch,
                     /*fragment=*/FlatSymbolRefAttr());
    sendOutput(step.first);
    if (step.overlapped)
      sendOutput(*step.overlapped);
  }

private:
  static Payload payloadOf(const Action &action) {
    return action.kind == ActionKind::F ? Payload::activation
                                        : Payload::gradient;
  }

  void receiveInput(const Action &action) {
    if (std::optional<int64_t> sender = pipeline.senderOf(action, rank)) {
      int64_t stage =
          action.kind == ActionKind::F ? action.stage - 1 : action.stage + 1;
      RecvOp::create(builder, loc, payloadOf(action), stage, action.microBatch,
                     *sender, /*values=*/ArrayAttr());
    }
  }
  void sendOutput(const Action &action) {
    if (std::optional<int64_t> receiver = pipeline.receiverOf(action, rank))
      SendOp::create(builder, loc, payloadOf(action), action.stage,
                     action.microBatch, *receiver, /*values=*/ArrayAttr());
  }

  /// DeepSeek-V3 Figure 4: each piece of one pass's compute hides a piece
  /// of the other's all-to-all.
  void emitOverlap(const Action &first, const Action &second) {
    const Action &forward = first.kind == ActionKind::F ? first : second;
    const Action &backward = first.kind == ActionKind::F ? second : first;
    auto overlap =
        OverlapOp::create(builder, loc, forward.stage, forward.microBatch,
                          backward.stage, backward.microBatch,
                          /*forward_fragment=*/FlatSymbolRefAttr(),
                          /*backward_fragment=*/FlatSymbolRefAttr());
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(&overlap.getBody().emplaceBlock());
    auto piece = [&](PassKind kind, ChunkPart part) {
      bool comm = part == ChunkPart::dispatch || part == ChunkPart::combine;
      ChunkOp::create(builder, loc, kind, part,
                      comm ? Stream::comm : Stream::compute);
    };
    piece(PassKind::forward, ChunkPart::attention);
    piece(PassKind::backward, ChunkPart::combine);
    piece(PassKind::backward, ChunkPart::mlp);
    piece(PassKind::forward, ChunkPart::dispatch);
    piece(PassKind::forward, ChunkPart::mlp);
    piece(PassKind::backward, ChunkPart::dispatch);
    piece(PassKind::backward, ChunkPart::attention);
    piece(PassKind::forward, ChunkPart::combine);
  }

  OpBuilder &builder;
  Location loc;
  const ScheduledPipeline &pipeline;
  int64_t rank;
};

struct PipelineSchedulePass
    : public dsc::impl::DscPipelineScheduleBase<PipelineSchedulePass> {
  using DscPipelineScheduleBase::DscPipelineScheduleBase;

  void runOnOperation() override;

private:
  LogicalResult schedule(RunOp run, SymbolTableCollection &symbols);
};
} // namespace

LogicalResult PipelineSchedulePass::schedule(RunOp run,
                                             SymbolTableCollection &symbols) {
  if (!kind.empty()) {
    std::optional<ScheduleKind> parsed = parseScheduleKind(kind);
    if (!parsed)
      return run.emitError("dsc-pipeline-schedule: unknown kind '")
             << kind << "'; use " << scheduleKindList();
    run.setSchedule(*parsed);
  }
  if (microbatches < 0)
    return run.emitError("dsc-pipeline-schedule: microbatches must be "
                         "positive, got ")
           << microbatches;
  if (microbatches > 0)
    run.setMicroBatches(microbatches);
  // Resolving the run states each schedule's preconditions.
  if (failed(mlir::verify(run)) || failed(run.verifySymbolUses(symbols)))
    return failure();
  FailureOr<ResolvedRun> resolved = resolveRun(run);
  if (failed(resolved))
    return failure();
  const ResolvedRun &setup = *resolved;
  const ScheduledPipeline &pipeline = setup.pipeline;
  // A program per run: replace the one from an earlier schedule.
  ModuleOp module = getOperation();
  for (PipelineOp old : llvm::make_early_inc_range(module.getOps<PipelineOp>()))
    if (old.getRun() == run.getSymName())
      old.erase();

  OpBuilder builder(run->getContext());
  builder.setInsertionPointAfter(run);
  Location loc = run.getLoc();
  std::string name = (run.getSymName() + "_pipeline").str();
  auto program = PipelineOp::create(builder, loc, name, run.getSymName(),
                                    run.getSchedule(), pipeline.numStages,
                                    pipeline.numMicroBatches);
  builder.setInsertionPointToStart(&program.getBody().emplaceBlock());
  for (int64_t r = 0; r < pipeline.numRanks(); ++r) {
    auto rank = RankOp::create(builder, loc, r);
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(&rank.getBody().emplaceBlock());
    RankEmitter emitter(builder, loc, pipeline, r);
    for (const Step &step : pipeline.ranks[r])
      emitter.emit(step);
  }
  if (failed(mlir::verify(program)))
    return failure();

  // The cost model's simulation of this very program.
  CostModel costs(setup);
  llvm::Expected<SimulationResult> simulated =
      simulate(pipeline, costs.actionCosts(/*overlap=*/true));
  if (!simulated)
    return run.emitError("dsc-pipeline-schedule: ")
           << llvm::toString(simulated.takeError());
  double bubble = *llvm::max_element(simulated->bubble);
  int64_t peak = *llvm::max_element(simulated->peakActivations);
  run.emitRemark(
      llvm::formatv("dsc-pipeline-schedule: @{0} {1} on {2} ranks, {3} "
                    "stages, {4} micro-batches: simulated step {5:F3} ms "
                    "(pipeline {6:F3} ms), largest bubble {7:F3} ms, peak {8} "
                    "stage activations",
                    name, scheduleKindName(pipeline.kind), pipeline.numRanks(),
                    pipeline.numStages, pipeline.numMicroBatches,
                    costs.stepSeconds() * 1e3, simulated->stepTime * 1e3,
                    bubble * 1e3, peak)
          .str());
  return success();
}

void PipelineSchedulePass::runOnOperation() {
  SymbolTableCollection symbols;
  FailureOr<SmallVector<RunOp>> runs =
      selectRuns(getOperation(), runName, "dsc-pipeline-schedule");
  if (failed(runs))
    return signalPassFailure();
  for (RunOp run : *runs)
    if (failed(schedule(run, symbols)))
      return signalPassFailure();
}
