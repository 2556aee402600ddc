//===- PlanMemory.cpp - the dsc-plan-memory pass --------------------------===//
//
// Sizes every tensor of a kernel-level program for one micro-batch, finds
// its lifetime and places it in its stage's arena (ArenaPlanner.h).
//
//===----------------------------------------------------------------------===//

#include "FragmentMemory.h"
#include "dsc/Analysis/ArenaPlanner.h"
#include "dsc/Conversion/KernelProgram.h"
#include "dsc/Conversion/Passes.h"
#include "dsc/CostModel/Memory.h"
#include "mlir/IR/Builders.h"
#include "llvm/Support/FormatVariadic.h"

namespace dsc {
#define GEN_PASS_DEF_DSCPLANMEMORY
#include "dsc/Conversion/Passes.h.inc"
} // namespace dsc

using namespace mlir;
using namespace dsc;

namespace {
struct PlanMemoryPass : public dsc::impl::DscPlanMemoryBase<PlanMemoryPass> {
  using DscPlanMemoryBase::DscPlanMemoryBase;
  void runOnOperation() override;
  LogicalResult plan(func::FuncOp func, RunOp run);
};
} // namespace

LogicalResult PlanMemoryPass::plan(func::FuncOp func, RunOp run) {
  int64_t tokens = run.getMicroBatch() * run.getSeqLen();
  Block &body = func.getBody().front();
  TensorRows counter(tokens);
  bool floatsAsF32 = storage == "f32";
  for (BlockArgument argument : body.getArguments())
    counter.setArgument(argument);

  // Program order, and each tensor's definition, last use and stage.
  DenseMap<Operation *, int64_t> position;
  int64_t index = 0;
  for (Operation &op : body)
    position[&op] = index++;
  int64_t end = index;
  struct Buffer {
    Value value;
    BufferLifetime lifetime;
    int64_t stage;
  };
  // Stages are the run's; an op's dsc.stage must name one of them.
  FailureOr<ResolvedRun> resolved = resolveRun(run);
  if (failed(resolved))
    return failure();
  const ResolvedRun &setup = *resolved;
  int64_t numStages = setup.layout.stages.size();
  std::vector<Buffer> buffers;
  for (Operation &op : body) {
    counter.define(&op);
    auto stageAttr = op.getAttrOfType<IntegerAttr>("dsc.stage");
    if (stageAttr &&
        (stageAttr.getInt() < 0 || stageAttr.getInt() >= numStages))
      return op.emitOpError("'dsc.stage' ")
             << stageAttr.getInt() << " is not a stage of run @"
             << run.getSymName() << ", which has " << numStages
             << (numStages == 1 ? " stage" : " stages") << " (0 to "
             << numStages - 1 << ")";
    for (Value result : op.getResults()) {
      int64_t last = position[&op];
      for (Operation *user : result.getUsers())
        last = std::max(last, isa<func::ReturnOp>(user) ? end : position[user]);
      // An op without a stage (the loss gradient's seed) joins its first
      // user's.
      int64_t stage = stageAttr ? stageAttr.getInt() : -1;
      if (stage < 0)
        for (Operation *user : result.getUsers())
          if (auto userStage = user->getAttrOfType<IntegerAttr>("dsc.stage")) {
            stage = userStage.getInt();
            break;
          }
      stage = std::max<int64_t>(stage, 0);
      buffers.push_back(
          {result,
           {counter.bytes(result, floatsAsF32), position[&op], last},
           stage});
    }
  }

  // One arena per stage.
  ParameterCountAnalysis params(setup.model);
  ParameterCountAnalysis stored(setup.model, &setup.weights);
  DenseMap<Value, int64_t> offsets;
  SmallVector<int64_t> arenas;
  std::vector<std::vector<const Buffer *>> byStage(numStages);
  for (const Buffer &buffer : buffers)
    byStage[buffer.stage].push_back(&buffer);
  for (int64_t stage = 0; stage < numStages; ++stage) {
    std::vector<BufferLifetime> lifetimes;
    std::vector<Value> values;
    for (const Buffer *buffer : byStage[stage]) {
      lifetimes.push_back(buffer->lifetime);
      values.push_back(buffer->value);
    }
    ArenaPlan arena = planArena(lifetimes);
    for (auto [value, offset] : llvm::zip(values, arena.offsets))
      offsets[value] = offset;
    arenas.push_back(arena.arenaBytes);
    StageFootprint footprint =
        stageFootprint(setup, setup.layout.stages[stage], params, stored);
    double estimate = double(footprint.activationBytesPerToken +
                             footprint.transientBytesPerToken) *
                      tokens;
    func.emitRemark(
        llvm::formatv("dsc-plan-memory: @{0} stage {1}: arena {2:F2} MiB "
                      "for {3} tensors (peak live {4:F2} MiB); the memory "
                      "analysis estimates {5:F2} MiB of activations per "
                      "micro-batch",
                      func.getSymName(), stage, arena.arenaBytes / 1048576.0,
                      lifetimes.size(), arena.peakLiveBytes / 1048576.0,
                      estimate / 1048576.0)
            .str());
  }

  Builder builder(func.getContext());
  for (Operation &op : body) {
    if (op.getNumResults() == 0)
      continue;
    SmallVector<int64_t> resultOffsets, resultRows;
    for (Value result : op.getResults()) {
      resultOffsets.push_back(offsets.lookup(result));
      resultRows.push_back(counter.leading(result));
    }
    op.setAttr("dsc.offsets", builder.getDenseI64ArrayAttr(resultOffsets));
    op.setAttr("dsc.rows", builder.getDenseI64ArrayAttr(resultRows));
  }
  func->setAttr("dsc.arena_bytes", builder.getDenseI64ArrayAttr(arenas));
  // How floating tensors were sized: the plan must store them that way.
  func->setAttr("dsc.storage", builder.getStringAttr(storage));
  return success();
}

void PlanMemoryPass::runOnOperation() {
  ModuleOp module = getOperation();
  if (storage != "model" && storage != "f32") {
    module.emitError("dsc-plan-memory: unknown storage '")
        << storage << "'; use model or f32";
    return signalPassFailure();
  }
  bool planned = false;
  for (RunOp run : module.getOps<RunOp>()) {
    // A pipelined run: its fragments and slots.
    auto pipeline =
        module.lookupSymbol<PipelineOp>((run.getSymName() + "_pipeline").str());
    if (pipeline && callsFragments(pipeline)) {
      planned = true;
      FailureOr<ResolvedRun> setup = resolveRun(run);
      if (failed(setup) || failed(planFragmentMemory(module, *setup, pipeline,
                                                     storage == "f32")))
        return signalPassFailure();
      continue;
    }
    auto train =
        module.lookupSymbol<func::FuncOp>((run.getSymName() + "_train").str());
    auto func = train ? train
                      : module.lookupSymbol<func::FuncOp>(
                            (run.getSymName() + "_forward").str());
    if (!func)
      continue;
    planned = true;
    if (failed(plan(func, run)))
      return signalPassFailure();
  }
  if (!planned) {
    module.emitError("dsc-plan-memory: no func.func @<run>_train or "
                     "@<run>_forward; run dsc-lower-to-kernels first");
    signalPassFailure();
  }
}
