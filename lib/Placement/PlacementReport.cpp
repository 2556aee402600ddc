//===- PlacementReport.cpp - expert placements for people and tools -------===//

#include "dsc/Placement/PlacementReport.h"
#include "dsc/Support/JSON.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include <algorithm>
#include <numeric>

using namespace llvm;
using namespace dsc;

double LayeredPlacement::imbalance() const {
  if (layers.empty())
    return 1;
  double sum = 0;
  for (const Placement &layer : layers)
    sum += layer.imbalance;
  return sum / layers.size();
}

double LayeredPlacement::interNodeShare() const {
  double remote = 0, total = 0;
  int64_t gpusPerNode = numGPUs / numNodes;
  for (auto [layer, placement] : enumerate(layers)) {
    int64_t slotsPerGPU = placement.physicalToLogical.size() / numGPUs;
    std::vector<std::vector<bool>> onNode(loads[layer].size(),
                                          std::vector<bool>(numNodes, false));
    for (size_t slot = 0; slot < placement.physicalToLogical.size(); ++slot)
      onNode[placement.physicalToLogical[slot]]
            [slot / slotsPerGPU / gpusPerNode] = true;
    for (size_t e = 0; e < loads[layer].size(); ++e) {
      double nodes = std::count(onNode[e].begin(), onNode[e].end(), true);
      remote += loads[layer][e] * (1 - nodes / numNodes);
      total += loads[layer][e];
    }
  }
  return total > 0 ? remote / total : 0;
}

int64_t LayeredPlacement::movedExperts() const {
  int64_t moved = 0;
  for (const Placement &layer : layers)
    moved += layer.movedExperts;
  return moved;
}

Expected<LayeredPlacement>
dsc::placeLayers(const std::vector<std::vector<double>> &loads,
                 const PlacementProblem &shape,
                 const std::vector<std::vector<int64_t>> *previous) {
  if (previous && previous->size() != loads.size())
    return createStringError(
        inconvertibleErrorCode(),
        "the previous placement has %zu layers but the loads have %zu",
        previous->size(), loads.size());
  LayeredPlacement result;
  result.loads = loads;
  result.numGPUs = shape.numGPUs;
  result.numNodes = shape.numNodes;
  for (auto [l, layerLoads] : enumerate(loads)) {
    PlacementProblem problem = shape;
    problem.loads = layerLoads;
    problem.previous.reset();
    if (previous)
      problem.previous = (*previous)[l];
    Expected<Placement> placement = placeExperts(problem);
    if (!placement)
      return createStringError(inconvertibleErrorCode(), "layer %zu: %s", l,
                               toString(placement.takeError()).c_str());
    result.layers.push_back(std::move(*placement));
  }
  return result;
}

json::Value dsc::placementToJSON(const LayeredPlacement &placement) {
  json::Array layers;
  for (const Placement &layer : placement.layers)
    layers.push_back(
        json::Object{{"phy2log", json::Array(layer.physicalToLogical)},
                     {"logcnt", json::Array(layer.replicaCounts)},
                     {"gpu_load", json::Array(layer.gpuLoads)},
                     {"imbalance", layer.imbalance},
                     {"moved", layer.movedExperts}});
  return json::Object{
      {"layers", std::move(layers)},
      {"imbalance", placement.imbalance()},
      {"inter_node_share", placement.interNodeShare()},
      {"moved", placement.movedExperts()},
      {"moved_bytes", placement.movedExperts() * placement.expertBytes}};
}

Expected<std::vector<std::vector<int64_t>>>
dsc::readPhysicalToLogical(StringRef path) {
  auto fail = [&](const Twine &message) {
    return createStringError(inconvertibleErrorCode(),
                             (path + ": " + message).str());
  };
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
      MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/true);
  if (!buffer)
    return fail("cannot read: " + buffer.getError().message());
  Expected<json::Value> root = parseJSON((*buffer)->getBuffer(), path);
  if (!root)
    return root.takeError();
  const json::Object *object = root->getAsObject();
  const json::Array *layers = object ? object->getArray("layers") : nullptr;
  if (!layers)
    return fail("expected a placement: {\"layers\": [{\"phy2log\": [...]}, "
                "...]} as `dsc place --format json` writes");
  std::vector<std::vector<int64_t>> result;
  for (auto [l, layer] : enumerate(*layers)) {
    const json::Object *entry = layer.getAsObject();
    const json::Array *slots = entry ? entry->getArray("phy2log") : nullptr;
    if (!slots)
      return fail("layer " + Twine(l) + " has no 'phy2log' array");
    std::vector<int64_t> row;
    for (const json::Value &slot : *slots) {
      std::optional<int64_t> expert = slot.getAsInteger();
      if (!expert)
        return fail("layer " + Twine(l) +
                    ": 'phy2log' must hold expert indices");
      row.push_back(*expert);
    }
    result.push_back(std::move(row));
  }
  return result;
}

/// A character per GPU for load / mean: ' ' light ... '@' heavy.
static char shade(double ratio) {
  static const char levels[] = " .:-=+*#%@";
  int index = std::clamp(static_cast<int>((ratio - 0.5) * 6), 0, 9);
  return levels[index];
}

void dsc::printPlacementText(const LayeredPlacement &placement,
                             raw_ostream &os) {
  int64_t gpusPerNode = placement.numGPUs / placement.numNodes;
  os << "layer  imbalance  max/min GPU load      replicas>1  moved\n";
  for (auto [l, layer] : enumerate(placement.layers)) {
    auto [low, high] =
        std::minmax_element(layer.gpuLoads.begin(), layer.gpuLoads.end());
    int64_t replicated =
        std::count_if(layer.replicaCounts.begin(), layer.replicaCounts.end(),
                      [](int64_t count) { return count > 1; });
    os << format("%5zu  %9.3f  %8.4g / %-8.4g  %10lld  %5lld\n", l,
                 layer.imbalance, *high, *low, (long long)replicated,
                 (long long)layer.movedExperts);
  }
  os << format("overall imbalance %.3f (mean of layers), %.1f%% of token-"
               "expert pairs cross nodes, %lld experts moved",
               placement.imbalance(), 100 * placement.interNodeShare(),
               (long long)placement.movedExperts());
  if (placement.expertBytes > 0)
    os << format(" (%.3g GB)",
                 placement.movedExperts() * placement.expertBytes / 1e9);
  os << "\n";
  os << "\nGPU load / layer mean (' ' <= 0.67 ... '@' >= 2.0; '|' between "
        "nodes):\n";
  for (auto [l, layer] : enumerate(placement.layers)) {
    double mean =
        std::accumulate(layer.gpuLoads.begin(), layer.gpuLoads.end(), 0.0) /
        layer.gpuLoads.size();
    os << format("%5zu ", l);
    for (auto [g, load] : enumerate(layer.gpuLoads)) {
      if (g && g % gpusPerNode == 0)
        os << '|';
      os << shade(mean > 0 ? load / mean : 1);
    }
    os << "\n";
  }
}

void dsc::printPlacementSVG(const LayeredPlacement &placement,
                            raw_ostream &os) {
  int64_t gpus = placement.numGPUs;
  int64_t gpusPerNode = gpus / placement.numNodes;
  int cell = std::max<int>(4, std::min<int>(16, 1200 / gpus));
  int gap = 3, left = 60, top = 30;
  int width = left + gpus * cell + placement.numNodes * gap + 20;
  int height = top + placement.layers.size() * cell + 40;
  os << formatv("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" "
                "height=\"{1}\" font-family=\"sans-serif\" font-size=\"11\">\n",
                width, height);
  os << formatv("<text x=\"{0}\" y=\"18\">GPU load / layer mean (white 0.5, "
                "red 2.0); overall imbalance {1:F3}</text>\n",
                left, placement.imbalance());
  for (auto [l, layer] : enumerate(placement.layers)) {
    double mean =
        std::accumulate(layer.gpuLoads.begin(), layer.gpuLoads.end(), 0.0) /
        layer.gpuLoads.size();
    int y = top + l * cell;
    os << formatv("<text x=\"4\" y=\"{0}\">layer {1}</text>\n", y + cell - 2,
                  l);
    for (auto [g, load] : enumerate(layer.gpuLoads)) {
      double ratio = mean > 0 ? load / mean : 1;
      double heat = std::clamp((ratio - 0.5) / 1.5, 0.0, 1.0);
      int shadeValue = static_cast<int>(255 * (1 - heat));
      int x = left + g * cell + (g / gpusPerNode) * gap;
      os << formatv("<rect x=\"{0}\" y=\"{1}\" width=\"{2}\" height=\"{2}\" "
                    "fill=\"rgb(255,{3},{3})\"><title>layer {4} GPU {5}: "
                    "{6:F2} x mean</title></rect>\n",
                    x, y, cell - 1, shadeValue, l, g, ratio);
    }
  }
  os << "</svg>\n";
}
