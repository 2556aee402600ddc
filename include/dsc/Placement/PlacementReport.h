//===- PlacementReport.h - expert placements for people and tools -*- C++
//-*-===//

#ifndef DSC_PLACEMENT_PLACEMENTREPORT_H
#define DSC_PLACEMENT_PLACEMENTREPORT_H

#include "dsc/Placement/ExpertPlacement.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace dsc {

/// Placements of every MoE layer on one cluster layout.
struct LayeredPlacement {
  std::vector<Placement> layers;
  std::vector<std::vector<double>> loads;
  int64_t numGPUs = 1;
  int64_t numNodes = 1;
  /// Bytes of one expert's weights, to price moves (0: unknown).
  double expertBytes = 0;

  /// Mean over layers of max / mean GPU load.
  double imbalance() const;
  /// Share of token-to-expert assignments that must cross nodes: a token
  /// from a node holding no replica of its expert (tokens start evenly on
  /// all nodes; a replica on the token's node serves it).
  double interNodeShare() const;
  int64_t movedExperts() const;
};

/// Places every layer of `loads` with the layout of `shape` (its loads and
/// previous placement are ignored); `previous` holds one placement per layer
/// when given. Errors name the layer.
llvm::Expected<LayeredPlacement>
placeLayers(const std::vector<std::vector<double>> &loads,
            const PlacementProblem &shape,
            const std::vector<std::vector<int64_t>> *previous = nullptr);

/// `{"layers":[{"phy2log":[...],"logcnt":[...],"gpu_load":[...],
///   "imbalance":x, "moved":n}], "imbalance":x, "inter_node_share":y}`.
llvm::json::Value placementToJSON(const LayeredPlacement &placement);

/// Parses the JSON above (its `phy2log` per layer), e.g. a previous
/// placement; errors name the file and the layer.
llvm::Expected<std::vector<std::vector<int64_t>>>
readPhysicalToLogical(llvm::StringRef path);

/// One summary line per layer and an ASCII heat map of GPU loads.
void printPlacementText(const LayeredPlacement &placement,
                        llvm::raw_ostream &os);

/// A heat map: layers as rows, GPUs as columns (nodes separated), colour by
/// load over the layer's mean.
void printPlacementSVG(const LayeredPlacement &placement,
                       llvm::raw_ostream &os);

} // namespace dsc

#endif // DSC_PLACEMENT_PLACEMENTREPORT_H
