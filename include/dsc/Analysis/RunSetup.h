//===- RunSetup.h - a dsc.run with its model, cluster and stages -*- C++
//-*-===//
//
// Resolves a `dsc.run`'s model and cluster and lays the model out on its
// pipeline stages. Until the partitioning pass assigns stages, the layout is
// the even split Megatron uses by default.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_ANALYSIS_RUNSETUP_H
#define DSC_ANALYSIS_RUNSETUP_H

#include "dsc/Analysis/ParameterCount.h"
#include "dsc/IR/DscOps.h"
#include "llvm/ADT/SmallVector.h"

namespace dsc {

/// Which parts of the model each pipeline stage holds.
struct StageLayout {
  struct Stage {
    /// Main-model decoder blocks, by layer index.
    llvm::SmallVector<int64_t> layers;
    bool hasEmbedding = false;
    /// The final norm, the output head, the loss and the MTP modules.
    bool hasHead = false;
  };
  llvm::SmallVector<Stage> stages;

  /// `numLayers` blocks over `pp` stages in order, the first
  /// `numLayers % pp` stages taking one more; the embedding on the first
  /// stage, the head and MTP modules on the last.
  static StageLayout evenSplit(int64_t numLayers, int64_t pp);
};

struct RunSetup {
  RunOp run;
  ModelOp model;
  ClusterOp cluster;
  StageLayout layout;
  /// The share of a layer's routed-expert parameters one GPU holds: 1 / ep,
  /// or with an expert placement its slots per GPU over the experts.
  double routedShare = 0;

  // Op handles are cheap values; the helpers read through copies so that a
  // const RunSetup can be queried.

  /// Tokens in one micro-batch.
  int64_t microBatchTokens() const {
    RunOp r = run;
    return r.getMicroBatch() * r.getSeqLen();
  }
  bool isTraining() const {
    RunOp r = run;
    return r.getMode() == RunMode::training;
  }
  bool isFP8() const {
    RunOp r = run;
    return r.getRecipe() == Precision::fp8;
  }
};

/// The parameters (all of them, before expert sharding) a stage holds.
ComponentParams stageParameters(const StageLayout::Stage &stage,
                                const ParameterCountAnalysis &params);

/// Resolves `run` (which must verify) in its symbol table.
RunSetup resolveRun(RunOp run);

} // namespace dsc

#endif // DSC_ANALYSIS_RUNSETUP_H
