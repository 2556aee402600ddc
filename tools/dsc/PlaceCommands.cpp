//===- PlaceCommands.cpp - dsc place, dsc loads ---------------------------===//

#include "Driver.h"
#include "dsc/Placement/ExpertLoads.h"
#include "dsc/Placement/PlacementReport.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;
using dsc::LoadDistribution;
using dsc::PlacementPolicy;

namespace dsc::driver {
cl::SubCommand
    placeCommand("place",
                 "Place logical experts (with redundant replicas) on GPUs from "
                 "expert-load statistics");
static cl::opt<std::string> loadsFile(
    "loads", cl::Required,
    cl::desc("Expert loads: JSON {\"loads\": [[...], ...]} or CSV, one line "
             "per layer"),
    cl::value_desc("file"), cl::sub(placeCommand));
static cl::opt<int64_t>
    replicas("replicas", cl::Required,
             cl::desc("Physical expert slots per layer (experts + redundant)"),
             cl::sub(placeCommand));
static cl::opt<int64_t> groups("groups", cl::init(1),
                               cl::desc("Expert groups (default 1)"),
                               cl::sub(placeCommand));
static cl::opt<int64_t> nodes("nodes", cl::init(1),
                              cl::desc("Nodes (default 1)"),
                              cl::sub(placeCommand));
static cl::opt<int64_t> gpus("gpus", cl::Required,
                             cl::desc("GPUs of the expert-parallel group"),
                             cl::sub(placeCommand));
static cl::opt<PlacementPolicy> policy(
    "policy", cl::init(PlacementPolicy::Auto), cl::desc("Placement policy"),
    cl::values(clEnumValN(PlacementPolicy::Hierarchical, "hierarchical",
                          "groups onto nodes, then GPUs"),
               clEnumValN(PlacementPolicy::Global, "global", "ignore groups"),
               clEnumValN(PlacementPolicy::Auto, "auto",
                          "hierarchical when groups divide over nodes")),
    cl::sub(placeCommand));
static cl::opt<std::string> previousFile(
    "previous", cl::desc("Placement in use (dsc place JSON): move few experts"),
    cl::value_desc("file"), cl::sub(placeCommand));
static cl::opt<double> tolerance(
    "tolerance", cl::init(0.05),
    cl::desc("With --previous: accept this much worse balance to move fewer "
             "experts (default 0.05)"),
    cl::sub(placeCommand));
static cl::opt<double> expertBytes(
    "expert-bytes", cl::init(0),
    cl::desc("Bytes of one expert's weights, to price the experts moved "
             "(DeepSeek-V3 in FP8: 3 x 2048 x 7168)"),
    cl::sub(placeCommand));
enum class PlaceFormat { text, json, svg };
static cl::opt<PlaceFormat> placeFormat(
    "format", cl::init(PlaceFormat::text), cl::desc("Output format"),
    cl::values(clEnumValN(PlaceFormat::text, "text", "summary and heat map"),
               clEnumValN(PlaceFormat::json, "json", "placement for tools"),
               clEnumValN(PlaceFormat::svg, "svg", "heat map picture")),
    cl::sub(placeCommand));
static cl::opt<std::string> placeOutput("o", cl::init("-"),
                                        cl::desc("Output file"),
                                        cl::value_desc("file"),
                                        cl::sub(placeCommand));

cl::SubCommand
    loadsCommand("loads",
                 "Generate synthetic expert loads (JSON) for tests and "
                 "benchmarks");
static cl::opt<int64_t> loadLayers("layers", cl::Required,
                                   cl::desc("MoE layers"),
                                   cl::sub(loadsCommand));
static cl::opt<int64_t> loadExperts("experts", cl::Required,
                                    cl::desc("Logical experts per layer"),
                                    cl::sub(loadsCommand));
static cl::opt<LoadDistribution> distribution(
    "distribution", cl::init(LoadDistribution::Zipf),
    cl::desc("Load distribution"),
    cl::values(clEnumValN(LoadDistribution::Uniform, "uniform", "uniform"),
               clEnumValN(LoadDistribution::Zipf, "zipf", "Zipf with --s")),
    cl::sub(loadsCommand));
static cl::opt<double> zipfExponent("s", cl::init(1.0),
                                    cl::desc("Zipf exponent (default 1.0)"),
                                    cl::sub(loadsCommand));
static cl::opt<unsigned> seed("seed", cl::init(1),
                              cl::desc("Seed of layer 0 (layer l: seed + l)"),
                              cl::sub(loadsCommand));
static cl::opt<double> tokens("tokens", cl::init(1e6),
                              cl::desc("Tokens per layer (default 1e6)"),
                              cl::sub(loadsCommand));
static cl::opt<std::string> loadsOutput("o", cl::init("-"),
                                        cl::desc("Output file"),
                                        cl::value_desc("file"),
                                        cl::sub(loadsCommand));

int runPlace() {
  Expected<dsc::ExpertLoads> loads = dsc::readExpertLoads(loadsFile);
  if (!loads) {
    WithColor::error() << toString(loads.takeError()) << "\n";
    return 1;
  }
  std::optional<std::vector<std::vector<int64_t>>> previous;
  if (!previousFile.empty()) {
    auto read = dsc::readPhysicalToLogical(previousFile);
    if (!read) {
      WithColor::error() << toString(read.takeError()) << "\n";
      return 1;
    }
    previous = std::move(*read);
  }
  dsc::PlacementProblem shape;
  shape.numSlots = replicas;
  shape.numGroups = groups;
  shape.numNodes = nodes;
  shape.numGPUs = gpus;
  shape.policy = policy;
  shape.migrationTolerance = tolerance;
  Expected<dsc::LayeredPlacement> placement =
      dsc::placeLayers(loads->layers, shape, previous ? &*previous : nullptr);
  if (!placement) {
    WithColor::error() << loadsFile << ": " << toString(placement.takeError())
                       << "\n";
    return 1;
  }
  placement->expertBytes = expertBytes;
  return writeOutput(placeOutput, [&](raw_ostream &os) {
    if (placeFormat == PlaceFormat::json)
      os << formatv("{0:2}", dsc::placementToJSON(*placement)) << "\n";
    else if (placeFormat == PlaceFormat::svg)
      dsc::printPlacementSVG(*placement, os);
    else
      dsc::printPlacementText(*placement, os);
  });
}

int runLoads() {
  if (loadLayers <= 0 || loadLayers > 4096 || loadExperts <= 0 ||
      loadExperts > 65536 || !(tokens >= 0)) {
    WithColor::error() << "--layers must be from 1 to 4096, --experts from 1 "
                          "to 65536 and --tokens not negative\n";
    return 1;
  }
  dsc::ExpertLoads loads = dsc::generateExpertLoads(
      loadLayers, loadExperts, distribution, zipfExponent, seed, tokens);
  return writeOutput(loadsOutput, [&](raw_ostream &os) {
    dsc::writeExpertLoadsJSON(loads, os);
  });
}
} // namespace dsc::driver
