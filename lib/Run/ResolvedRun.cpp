//===- ResolvedRun.cpp - a dsc.run resolved once --------------------------===//

#include "dsc/Run/ResolvedRun.h"
#include "dsc/Schedule/PipelineSimulator.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using namespace dsc;

std::optional<ModelPart> dsc::modelPartOf(Operation *op) {
  if (isa<ParameterOp, YieldOp>(op))
    return std::nullopt;
  if (isa<EmbeddingOp>(op))
    return ModelPart{ModelPart::Embedding, 0};
  if (auto block = dyn_cast<BlockOp>(op))
    return ModelPart{ModelPart::Block, block.getIndex()};
  if (auto mtp = dyn_cast<MTPOp>(op))
    return ModelPart{ModelPart::MTP, mtp.getDepth() - 1};
  if (MTPOp mtp = getPostProcessedMTP(op))
    return ModelPart{ModelPart::MTP, mtp.getDepth() - 1};
  return ModelPart{ModelPart::Head, 0};
}

bool StageLayout::Stage::holds(const ModelPart &part) const {
  switch (part.kind) {
  case ModelPart::Embedding:
    return hasEmbedding;
  case ModelPart::Block:
    return llvm::is_contained(layers, part.index);
  case ModelPart::MTP:
    return llvm::is_contained(mtpModules, part.index);
  case ModelPart::Head:
    return hasHead;
  }
  return false;
}

StageLayout StageLayout::fromAttr(PipelineLayoutAttr attr) {
  StageLayout layout;
  layout.stages.resize(attr.getNumStages());
  int64_t block = 0, mtp = 0;
  for (auto [s, stage] : llvm::enumerate(layout.stages)) {
    for (int64_t i = 0; i < attr.getBlocks()[s]; ++i)
      stage.layers.push_back(block++);
    for (int64_t i = 0; i < attr.getMtp()[s]; ++i)
      stage.mtpModules.push_back(mtp++);
  }
  layout.stages.front().hasEmbedding = true;
  layout.stages.back().hasHead = true;
  return layout;
}

PipelineLayoutAttr StageLayout::toAttr(MLIRContext *context) const {
  SmallVector<int64_t> blocks, mtp;
  for (const Stage &stage : stages) {
    blocks.push_back(stage.layers.size());
    mtp.push_back(stage.mtpModules.size());
  }
  return PipelineLayoutAttr::get(context, blocks, mtp);
}

StageLayout StageLayout::evenSplit(int64_t numLayers, int64_t numMTP,
                                   int64_t pp) {
  StageLayout layout;
  layout.stages.resize(pp);
  int64_t next = 0;
  for (int64_t s = 0; s < pp; ++s) {
    int64_t count = numLayers / pp + (s < numLayers % pp ? 1 : 0);
    for (int64_t i = 0; i < count; ++i)
      layout.stages[s].layers.push_back(next++);
  }
  for (int64_t k = 0; k < numMTP; ++k)
    layout.stages.back().mtpModules.push_back(k);
  layout.stages.front().hasEmbedding = true;
  layout.stages.back().hasHead = true;
  return layout;
}

ComponentParams dsc::stageParameters(const StageLayout::Stage &stage,
                                     const ParameterCountAnalysis &params) {
  ArrayRef<LayerParams> layers = params.layers();
  ComponentParams held;
  for (int64_t index : stage.layers)
    held += layers[index].components;
  if (stage.hasEmbedding)
    held.embedding += params.mainModel().embedding;
  if (stage.hasHead) {
    // The final norm: the main model's norms outside its blocks.
    held.norms += params.mainModel().norms;
    for (const LayerParams &layer : layers)
      if (!layer.isMTP)
        held.norms -= layer.components.norms;
    held.head += params.mainModel().head;
  }
  for (int64_t module : stage.mtpModules)
    held += params.mtpModuleParams()[module];
  if (!stage.mtpModules.empty()) {
    if (!stage.hasEmbedding)
      held.embedding += params.mainModel().embedding;
    if (!stage.hasHead)
      held.head += params.mainModel().head;
  }
  return held;
}

SmallVector<int64_t, 2> ResolvedRun::stagesOnRank(int64_t rank) const {
  SmallVector<int64_t, 2> stages;
  for (const std::vector<int64_t> &direction : pipeline.stageRank)
    for (auto [stage, owner] : llvm::enumerate(direction))
      if (owner == rank && !llvm::is_contained(stages, int64_t(stage)))
        stages.push_back(stage);
  llvm::sort(stages);
  return stages;
}

int64_t ResolvedRun::stageCopies() const {
  size_t copies = 1;
  size_t stages = 0;
  for (const std::vector<int64_t> &direction : pipeline.stageRank)
    stages = std::max(stages, direction.size());
  for (size_t stage = 0; stage < stages; ++stage) {
    SmallVector<int64_t, 2> owners;
    for (const std::vector<int64_t> &direction : pipeline.stageRank)
      if (stage < direction.size() &&
          !llvm::is_contained(owners, direction[stage]))
        owners.push_back(direction[stage]);
    copies = std::max(copies, owners.size());
  }
  return int64_t(copies);
}

double ResolvedRun::stageShare(int64_t rank, int64_t stage) const {
  int64_t forwards = 0;
  for (const Step &step : pipeline.ranks[rank])
    for (const Action *action :
         {&step.first, step.overlapped ? &*step.overlapped : nullptr})
      if (action && action->kind == ActionKind::F && action->stage == stage)
        ++forwards;
  return double(forwards) / pipeline.numMicroBatches;
}

FailureOr<ResolvedRun> dsc::resolveRun(RunOp run) {
  ResolvedRun setup;
  setup.run = run;
  setup.model = run.getModelOp();
  setup.mesh = run.getMeshOp();
  if (!setup.model || !setup.mesh)
    return run.emitOpError("names a model or mesh that does not exist");
  setup.cluster = SymbolTable::lookupNearestSymbolFrom<ClusterOp>(
      setup.mesh, setup.mesh.getClusterAttr());
  if (!setup.cluster)
    return setup.mesh.emitOpError("names a cluster that does not exist");
  int64_t pp = setup.mesh.getPp();
  ScheduleKind kind = run.getSchedule();
  auto scheduleError = [&](llvm::Error error) {
    return run.emitOpError("schedule ")
           << stringifyScheduleKind(kind) << " on pp " << pp << " ranks with "
           << run.getMicroBatches()
           << " micro-batches: " << llvm::toString(std::move(error));
  };
  llvm::Expected<PipelineShape> shape =
      pipelineShape(kind, pp, run.getVirtualStages());
  if (!shape)
    return scheduleError(shape.takeError());
  setup.shape = *shape;

  if (std::optional<PipelineLayoutAttr> layout = run.getLayout()) {
    if (layout->getNumStages() != shape->stages)
      return run.emitOpError("layout \"")
             << layout->toMegatron() << "\" has " << layout->getNumStages()
             << " stages but schedule " << stringifyScheduleKind(kind)
             << " on pp " << pp << " ranks runs " << shape->stages
             << "; repartition with dsc-pipeline-partition";
    setup.layout = StageLayout::fromAttr(*layout);
  } else {
    setup.layout = StageLayout::evenSplit(
        setup.model.getNumHiddenLayers(),
        setup.model.getNumNextnPredictLayers(), shape->stages);
  }

  ScheduleRequest request{kind, pp, run.getMicroBatches(),
                          run.getVirtualStages(), run.getCombined()};
  llvm::Expected<ScheduledPipeline> pipeline = buildSchedule(request);
  if (!pipeline)
    return scheduleError(pipeline.takeError());
  setup.pipeline = std::move(*pipeline);
  setup.peakActivations =
      llvm::cantFail(simulate(setup.pipeline, ActionCosts())).peakActivations;

  setup.weights = WeightStorage(setup.model, run.getRecipe() == Precision::fp8);
  setup.blocks = setup.model.getBlocks();
  setup.mtpModules = setup.model.getMTPModules();
  for (Operation &op : setup.model.getBody().front())
    if (!isa<BlockOp>(op))
      if (std::optional<ModelPart> part = modelPartOf(&op))
        setup.otherParts.push_back({&op, *part});
  setup.routedShare = 1.0 / setup.mesh.getEp();
  bool hasMoE = false, fp8Dispatch = false;
  setup.model.walk([&](MoEOp moe) {
    if (std::optional<ExpertPlacementAttr> placement = moe.getPlacement())
      setup.routedShare = double(placement->getSlotsPerGPU()) /
                          moe.getConfig().getNRoutedExperts();
    hasMoE = true;
    fp8Dispatch |= setup.fp8Dispatch(moe).has_value();
  });
  if (run.getDispatch() == Precision::fp8 && hasMoE && !fp8Dispatch)
    return run.emitOpError("dispatch fp8 quantizes tokens as the FP8 recipe "
                           "says, but this run's recipe is bf16; run the "
                           "model through dsc-fp8-quantize, or use recipe "
                           "fp8 (--recipe fp8), or dispatch bf16");
  return setup;
}

std::optional<FP8Dispatch> ResolvedRun::fp8Dispatch(MoEOp moe) const {
  RunOp r = run;
  if (r.getDispatch() == Precision::bf16)
    return std::nullopt;
  for (auto quantize : moe.getLinears().getOps<QuantizeOp>())
    if (quantize.getDispatch())
      return FP8Dispatch{quantize.getTileWidth(), quantize.getScale()};
  if (!weights.assumesFP8())
    return std::nullopt;
  FP8Dispatch dispatch{weights.getActTileWidth(), ScaleFormat::ue8m0};
  if (std::optional<FP8RecipeAttr> recipe = ModelOp(model).getFp8())
    dispatch.scale = recipe->getDispatchScale();
  return dispatch;
}

MoEOp dsc::moeOfExperts(ModelOp model, StringRef name) {
  MoEOp found;
  model.walk([&](MoEOp moe) {
    if (name.starts_with((moe.getScope() + ".experts.").str()))
      found = moe;
  });
  return found;
}

ExpertPlacementAttr ResolvedRun::expertPlacement(MoEOp moe) const {
  if (std::optional<ExpertPlacementAttr> placement = moe.getPlacement())
    return *placement;
  int64_t experts = moe.getConfig().getNRoutedExperts();
  SmallVector<int64_t> phy2log(experts), logcnt(experts, 1);
  for (int64_t e = 0; e < experts; ++e)
    phy2log[e] = e;
  return ExpertPlacementAttr::get(moe->getContext(), ep(), expertNodes(),
                                  llvm::APFloat(1.0), phy2log, logcnt);
}

int64_t ResolvedRun::expertNodes() const {
  // Global ranks fill nodes in order, so an ep group of consecutive ranks
  // spans ep / gpus_per_node whole nodes, or lies inside one.
  int64_t perNode = ClusterOp(cluster).getGpusPerNode();
  int64_t gpus = ep();
  if (gpus <= perNode || gpus % perNode != 0)
    return 1;
  return gpus / perNode;
}

ResolvedRun dsc::withLayout(const ResolvedRun &run, StageLayout layout) {
  assert(static_cast<int64_t>(layout.stages.size()) == run.shape.stages &&
         "a layout of the run's stages");
  ResolvedRun copy = run;
  copy.layout = std::move(layout);
  return copy;
}

FailureOr<SmallVector<dsc::RunOp>>
dsc::selectRuns(ModuleOp module, StringRef name, StringRef pass) {
  SmallVector<RunOp> runs;
  for (RunOp run : module.getOps<RunOp>())
    if (name.empty() || run.getSymName() == name)
      runs.push_back(run);
  if (runs.empty())
    return module.emitError(pass)
           << ": no dsc.run" << (name.empty() ? "" : " named @" + name.str());
  return runs;
}
