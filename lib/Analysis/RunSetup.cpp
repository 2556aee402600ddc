//===- RunSetup.cpp - a dsc.run with its model, cluster and stages --------===//

#include "dsc/Analysis/RunSetup.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using namespace dsc;

StageLayout StageLayout::evenSplit(int64_t numLayers, int64_t pp) {
  StageLayout layout;
  layout.stages.resize(pp);
  int64_t next = 0;
  for (int64_t s = 0; s < pp; ++s) {
    int64_t count = numLayers / pp + (s < numLayers % pp ? 1 : 0);
    for (int64_t i = 0; i < count; ++i)
      layout.stages[s].layers.push_back(next++);
  }
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
    held += params.mtpModules();
  }
  return held;
}

RunSetup dsc::resolveRun(RunOp run) {
  RunSetup setup;
  setup.run = run;
  setup.model =
      SymbolTable::lookupNearestSymbolFrom<ModelOp>(run, run.getModelAttr());
  setup.cluster = SymbolTable::lookupNearestSymbolFrom<ClusterOp>(
      run, run.getClusterAttr());
  setup.layout =
      StageLayout::evenSplit(setup.model.getNumHiddenLayers(), run.getPp());
  setup.routedShare = 1.0 / run.getEp();
  setup.model.walk([&](MoEOp moe) {
    if (std::optional<ExpertPlacementAttr> placement = moe.getPlacement())
      setup.routedShare = double(placement->getSlotsPerGPU()) /
                          moe.getConfig().getNRoutedExperts();
  });
  return setup;
}
