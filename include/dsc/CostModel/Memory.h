//===- Memory.h - memory per GPU of a dsc.run -------------------*- C++ -*-===//
//
// Bytes per GPU on each pipeline stage: weights, gradients, optimizer states
// (sharded by ZeRO-1 over data parallelism), activations kept for backward
// at the pipeline's peak, and for inference the KV cache.
//
// Conventions (DeepSeek-V3 §3.3): compute weights as declared (FP8 linear
// weights with their FP32 block scales; see WeightStorage for an FP8 run of
// a BF16 model); FP32 master weights; gradients in FP32 or as the model's
// FP8 recipe says; AdamW moments in FP32 or BF16. Routed
// experts are sharded `ep` ways, everything else replicated over `dp`.
// Activations: what backward reads, per token (matmul inputs in FP8 under the
// FP8 recipe, the rest in BF16); with recomputation only each block's input
// plus one block being recomputed. The peak is the simulated schedule's
// (ResolvedRun::peakActivations; DeepSeek-V3 Table 2: 1F1B keeps
// min(pp - s, micro_batches) micro-batches in flight on stage s, DualPipe
// pp + 1 over the two stages of a rank), a micro-batch of a rank with
// several stages costing their average.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_ANALYSIS_MEMORY_H
#define DSC_ANALYSIS_MEMORY_H

#include "dsc/Analysis/ParameterCount.h"
#include "dsc/Run/ResolvedRun.h"

namespace dsc {

struct MemoryBreakdown {
  int64_t weights = 0;
  int64_t grads = 0;
  int64_t optimizer = 0;
  int64_t activations = 0;
  int64_t kvCache = 0;

  int64_t total() const {
    return weights + grads + optimizer + activations + kvCache;
  }
};

/// Values a block keeps per token for its backward pass.
struct SavedActivations {
  /// Inputs of matmuls (stored in FP8 under the FP8 recipe).
  int64_t matmulInputs = 0;
  /// Everything else: norm inputs, attention Q/K/V and statistics, router
  /// scores, expert intermediates.
  int64_t other = 0;

  int64_t bytes(bool fp8) const {
    return matmulInputs * (fp8 ? 1 : 2) + other * 2;
  }
};

SavedActivations savedActivationsPerToken(BlockOp block);

/// What pipeline stages keep, before they are placed on a GPU.
struct StageFootprint {
  ComponentParams held;
  /// The same parameters in the bytes their compute copy is stored in.
  ComponentParams heldBytes;
  /// Bytes one token of a micro-batch in flight keeps.
  int64_t activationBytesPerToken = 0;
  /// The largest block's full activations per token (recomputed one).
  int64_t largestBlock = 0;
  /// Bytes per token held only while one micro-batch passes: the logits,
  /// freed by the loss backward that follows the forward at once.
  int64_t transientBytesPerToken = 0;
  /// KV-cache values per token.
  int64_t latentValues = 0;

  /// Both footprints' sums (the largest block: the larger).
  StageFootprint &operator+=(const StageFootprint &other);
};

/// `stored` counts bytes of the compute copy (ParameterCountAnalysis with
/// the run's WeightStorage).
StageFootprint stageFootprint(const ResolvedRun &setup,
                              const StageLayout::Stage &stage,
                              const ParameterCountAnalysis &params,
                              const ParameterCountAnalysis &stored);

/// A pipeline rank's footprint from its stages' (`footprints`, one each):
/// parameters held once, activations per micro-batch of one stage on
/// average.
StageFootprint rankFootprint(const ParameterCountAnalysis &params,
                             const ParameterCountAnalysis &stored,
                             llvm::ArrayRef<StageLayout::Stage> stages,
                             llvm::ArrayRef<StageFootprint> footprints);

/// Bytes per GPU of a pipeline rank keeping `footprint` with `inFlight`
/// micro-batches of activations.
MemoryBreakdown rankMemory(const ResolvedRun &setup,
                           const StageFootprint &footprint, int64_t inFlight);

class MemoryAnalysis {
public:
  MemoryAnalysis(const ResolvedRun &setup,
                 const ParameterCountAnalysis &params);

  /// Per GPU of each pipeline rank (ResolvedRun::stagesOnRank).
  llvm::ArrayRef<MemoryBreakdown> stages() const { return perStage; }
  /// The stage whose GPUs need the most memory.
  int64_t largestStage() const;
  const MemoryBreakdown &largest() const { return perStage[largestStage()]; }

private:
  llvm::SmallVector<MemoryBreakdown> perStage;
};

} // namespace dsc

#endif // DSC_ANALYSIS_MEMORY_H
