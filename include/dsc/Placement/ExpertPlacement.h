//===- ExpertPlacement.h - redundant experts on GPUs ------------*- C++ -*-===//
//
// Decides, for one MoE layer, which logical expert each physical expert slot
// holds: `numSlots` slots spread evenly over `numGPUs` GPUs in `numNodes`
// nodes, the `numSlots - numExperts` extra slots replicating heavy experts.
// The objective is the largest GPU load (a replica carries load / replicas of
// its expert). No GPU holds two replicas of one expert.
//
// Plain C++ (no MLIR): the placement pass, `dsc place` and the benchmarks
// share it.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_PLACEMENT_EXPERTPLACEMENT_H
#define DSC_PLACEMENT_EXPERTPLACEMENT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <optional>
#include <vector>

namespace dsc {

enum class PlacementPolicy {
  /// Expert groups onto nodes first (node-limited routing keeps its bound),
  /// then replicas within each node, then the node's GPUs.
  Hierarchical,
  /// All experts over all GPUs, ignoring groups.
  Global,
  /// Hierarchical when the groups divide evenly over the nodes.
  Auto,
};

struct PlacementProblem {
  /// The largest problems placed (validate() refuses others).
  static constexpr int64_t kMaxGPUs = 4096;
  static constexpr int64_t kMaxSlotsPerGPU = 64;
  static constexpr int64_t kMaxSlots = 65536;
  /// Load of each logical expert (e.g. tokens routed to it).
  std::vector<double> loads;
  int64_t numSlots = 0;
  int64_t numGroups = 1;
  int64_t numNodes = 1;
  int64_t numGPUs = 1;
  PlacementPolicy policy = PlacementPolicy::Auto;
  /// The placement in use (slot -> logical expert), to move few experts.
  std::optional<std::vector<int64_t>> previous;
  /// Accept a placement that keeps more of `previous` if its largest GPU
  /// load is within this fraction of the best found.
  double migrationTolerance = 0.05;
};

struct Placement {
  /// Logical expert in each physical slot; GPU g owns slots
  /// [g * S, (g + 1) * S) with S = numSlots / numGPUs.
  std::vector<int64_t> physicalToLogical;
  /// Replicas of each logical expert.
  std::vector<int64_t> replicaCounts;
  /// Summed load of each GPU: an expert's load splits evenly over the GPUs
  /// holding it (a second replica on one GPU takes no extra share).
  std::vector<double> gpuLoads;
  /// Largest GPU load over the mean (1 is perfect balance).
  double imbalance = 0;
  /// Slots whose expert differs from `previous` (0 without one).
  int64_t movedExperts = 0;
  /// Which policy was applied (Auto resolved).
  PlacementPolicy policy = PlacementPolicy::Global;
};

/// The balanced placement; an error that says what to change when the
/// problem has no valid placement (more slots needed than experts, slots
/// not divisible over GPUs, an expert needing more replicas than GPUs, ...).
llvm::Expected<Placement> placeExperts(const PlacementProblem &problem);

/// The public EPLB greedy, as the baseline: replicate the expert with the
/// largest load per replica, then put replicas by descending load on the
/// lightest GPU with a free slot (which may hold the same expert twice).
llvm::Expected<Placement> placeExpertsGreedy(const PlacementProblem &problem);

/// Loads, replica counts and imbalance of `physicalToLogical`.
Placement evaluatePlacement(llvm::ArrayRef<double> loads,
                            std::vector<int64_t> physicalToLogical,
                            int64_t numGPUs);

} // namespace dsc

#endif // DSC_PLACEMENT_EXPERTPLACEMENT_H
