//===- ResolvedRun.h - a dsc.run resolved once -------------------*- C++
//-*-===//
//
// The one owner of a run's facts: its model, mesh and cluster, the pipeline
// shape (ranks, stages, stages per rank) the schedule library gives, the
// layout of the model's parts on those stages (the run's `layout`, set by
// dsc-pipeline-partition, or Megatron's even split), and the schedule. The
// partition and schedule passes, the analyses, the cost model, `dsc report`,
// `dsc schedule --model` and the plan emitter all read it; none re-derives
// any of it. Resolution is where the schedule's feasibility is checked, so
// the dialect need not link the schedule library.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_RUN_RESOLVEDRUN_H
#define DSC_RUN_RESOLVEDRUN_H

#include "dsc/Analysis/ParameterCount.h"
#include "dsc/Analysis/WeightStorage.h"
#include "dsc/IR/DscOps.h"
#include "dsc/Schedule/PipelineSchedule.h"
#include "llvm/ADT/SmallVector.h"

namespace dsc {

/// A part of a model a pipeline stage can hold (Megatron's layout letters):
/// the embedding (E), a decoder block (t), an MTP module with the norm and
/// head applied to its output (m), or the final norm, output head and loss
/// (L).
struct ModelPart {
  enum Kind { Embedding, Block, MTP, Head };
  Kind kind = Embedding;
  /// The block's layer index, or the MTP module's depth - 1.
  int64_t index = 0;
};

/// The part a top-level op of a model's body belongs to; nullopt for
/// parameters and the terminator.
std::optional<ModelPart> modelPartOf(mlir::Operation *op);

/// Which parts of the model each pipeline stage holds.
struct StageLayout {
  struct Stage {
    /// Main-model decoder blocks, by layer index.
    llvm::SmallVector<int64_t> layers;
    /// MTP modules, by depth - 1.
    llvm::SmallVector<int64_t> mtpModules;
    bool hasEmbedding = false;
    /// The final norm, the output head and the loss.
    bool hasHead = false;

    bool holds(const ModelPart &part) const;
  };
  llvm::SmallVector<Stage> stages;

  /// `numLayers` blocks over `pp` stages in order, the first
  /// `numLayers % pp` stages taking one more; the embedding on the first
  /// stage, the MTP modules and the head on the last.
  static StageLayout evenSplit(int64_t numLayers, int64_t numMTP, int64_t pp);
  static StageLayout fromAttr(PipelineLayoutAttr layout);
  PipelineLayoutAttr toAttr(mlir::MLIRContext *context) const;
};

/// DeepSeek-V3's FP8 dispatch (§3.3): E4M3 tokens, one scale per 1 x tile.
struct FP8Dispatch {
  int64_t tile = 128;
  ScaleFormat scale = ScaleFormat::ue8m0;
};

struct ResolvedRun {
  RunOp run;
  ModelOp model;
  MeshOp mesh;
  ClusterOp cluster;
  /// Ranks, stages and stages per rank of the run's schedule on pp ranks.
  PipelineShape shape;
  /// shape.stages stages.
  StageLayout layout;
  /// The share of a layer's routed-expert parameters one GPU holds: 1 / ep,
  /// or with an expert placement its slots per GPU over the experts.
  double routedShare = 0;
  /// The bytes and precision of the weights (FP8 ones included).
  WeightStorage weights;
  /// The model's decoder blocks and MTP modules in order, and its other
  /// parts (embedding, norms, heads) with the part each belongs to,
  /// gathered once: the analyses look them up per stage, and a walk of the
  /// model per stage makes compile time quadratic in the layers.
  llvm::SmallVector<BlockOp> blocks;
  llvm::SmallVector<MTPOp> mtpModules;
  llvm::SmallVector<std::pair<mlir::Operation *, ModelPart>> otherParts;

  // Op handles are cheap values; the helpers read through copies so that a
  // const ResolvedRun can be queried.

  /// The mesh's axes.
  int64_t pp() const { return MeshOp(mesh).getPp(); }
  int64_t dp() const { return MeshOp(mesh).getDp(); }
  int64_t ep() const { return MeshOp(mesh).getEp(); }

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
  /// The run's schedule: every pipeline rank's program.
  ScheduledPipeline pipeline;
  /// Stage-micro-batches of activations each rank keeps at its peak, from
  /// simulating the schedule with uniform stages.
  std::vector<int64_t> peakActivations;

  /// The stages pipeline rank `rank` runs, from the schedule (DualPipe: its
  /// own and pp - 1 - rank for the micro-batches flowing the other way; V
  /// shapes: r and 2 pp - 1 - r; interleaved: r, r + pp, ...).
  llvm::SmallVector<int64_t, 2> stagesOnRank(int64_t rank) const;
  /// How many pipeline ranks hold each stage's parameters: 2 under
  /// DualPipe (stage s runs on rank s and on pp - 1 - s), else 1. ZeRO-1
  /// shards a stage's optimizer state over all of them.
  int64_t stageCopies() const;
  /// Where `moe`'s experts live in the ep group: its `placement`
  /// (dsc-expert-placement) or, without one, expert e alone in slot e
  /// (E / ep slots per GPU, on the nodes the group spans).
  ExpertPlacementAttr expertPlacement(MoEOp moe) const;
  /// The nodes an ep group spans (1 inside a node).
  int64_t expertNodes() const;
  /// How `moe`'s tokens travel to its experts in FP8 (1 x tile tiles,
  /// scale rounding), or nullopt when they travel in the activations' type:
  /// the run's `dispatch`, by default FP8 when the recipe is, quantized as
  /// the model's `dsc.quantize ... dispatch` says (a BF16 model priced as
  /// FP8: the recipe's activation tile and dispatch scale).
  std::optional<FP8Dispatch> fp8Dispatch(MoEOp moe) const;
  /// The share of the micro-batches that run `stage` on `rank`.
  double stageShare(int64_t rank, int64_t stage) const;
};

/// The parameters (all of them, before expert sharding) a stage holds. A
/// stage with MTP modules but without the embedding or the head keeps its
/// own copy of them (the modules share both with the main model).
ComponentParams stageParameters(const StageLayout::Stage &stage,
                                const ParameterCountAnalysis &params);

/// The MoE op of `model` whose routed experts the parameter `name` (a
/// stacked `<scope>.experts.{e}...` tensor) belongs to; null when none.
MoEOp moeOfExperts(ModelOp model, llvm::StringRef name);

/// The module's runs named `name` (every run when empty); an error naming
/// `pass` when there is none.
mlir::FailureOr<llvm::SmallVector<RunOp>>
selectRuns(mlir::ModuleOp module, llvm::StringRef name, llvm::StringRef pass);

/// Resolves `run`, which must verify with its symbols: builds the shape,
/// the layout and the schedule. A layout that does not fit the shape, or a
/// schedule that cannot run the stages and micro-batches, is an error at
/// the run that says what to change.
mlir::FailureOr<ResolvedRun> resolveRun(RunOp run);

/// The same run with another layout of the same stage count (the
/// partitioner's candidates): the schedule does not depend on the layout.
ResolvedRun withLayout(const ResolvedRun &run, StageLayout layout);

} // namespace dsc

#endif // DSC_RUN_RESOLVEDRUN_H
