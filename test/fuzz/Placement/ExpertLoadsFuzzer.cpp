//===- ExpertLoadsFuzzer.cpp - fuzz dsc place --loads files --------------===//
//
// Parse JSON or CSV loads, then place each layer's experts as `dsc place`
// does, over a small machine derived from the layer (the file's format is
// what is fuzzed; the placement must accept or refuse any loads it passes).
//
//===----------------------------------------------------------------------===//

#include "dsc/Placement/ExpertLoads.h"
#include "dsc/Placement/ExpertPlacement.h"

static constexpr size_t kMaxInput = 64 * 1024;
static constexpr size_t kMaxExperts = 512;

static void place(const std::vector<double> &loads) {
  for (dsc::PlacementPolicy policy :
       {dsc::PlacementPolicy::Hierarchical, dsc::PlacementPolicy::Global}) {
    dsc::PlacementProblem problem;
    problem.loads = loads;
    problem.numNodes = 2;
    problem.numGPUs = 4;
    problem.numGroups = loads.size() % 2 == 0 ? 2 : 1;
    // One replica per expert and one spare slot per GPU.
    int64_t perGPU = (loads.size() + 3) / 4 + 1;
    problem.numSlots = perGPU * problem.numGPUs;
    problem.policy = policy;
    llvm::Expected<dsc::Placement> placement = dsc::placeExperts(problem);
    if (!placement) {
      llvm::consumeError(placement.takeError());
      continue;
    }
    if (placement->physicalToLogical.size() != size_t(problem.numSlots))
      __builtin_trap();
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > kMaxInput)
    return 0;
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  llvm::Expected<dsc::ExpertLoads> loads =
      dsc::parseExpertLoads(text, "loads.json");
  if (!loads) {
    llvm::consumeError(loads.takeError());
    return 0;
  }
  for (const std::vector<double> &layer : loads->layers)
    if (layer.size() <= kMaxExperts)
      place(layer);
  return 0;
}
