//===- PlacementBenchmark.cpp - expert placement at DeepSeek-V3 scale -----===//
//
// 58 MoE layers x 256 experts with Zipf(s) loads (a seed per layer), placed
// for V3's training (EP64, 8 nodes, +64 redundant), prefill (EP32, 4 nodes,
// +32) and decode (EP320, 40 nodes, +64) setups. Counters report the mean
// imbalance (max / mean GPU load) of dsc's placement and of the public
// greedy on the same loads.
//
//===----------------------------------------------------------------------===//

#include "dsc/Placement/ExpertPlacement.h"
#include <benchmark/benchmark.h>
#include <cmath>
#include <random>

using namespace dsc;

static std::vector<double> zipfLoads(int64_t experts, double s, unsigned seed) {
  std::vector<double> loads(experts);
  for (int64_t e = 0; e < experts; ++e)
    loads[e] = 1e6 / std::pow(e + 1, s);
  std::shuffle(loads.begin(), loads.end(), std::mt19937(seed));
  return loads;
}

static void placeV3(benchmark::State &state, int64_t gpus, int64_t nodes,
                    int64_t redundant) {
  double s = state.range(0) / 10.0;
  std::vector<PlacementProblem> layers(58);
  for (int64_t layer = 0; layer < 58; ++layer) {
    layers[layer].loads = zipfLoads(256, s, layer + 1);
    layers[layer].numSlots = 256 + redundant;
    layers[layer].numGroups = 8;
    layers[layer].numNodes = nodes;
    layers[layer].numGPUs = gpus;
  }
  double ours = 0, greedy = 0;
  for (auto _ : state) {
    ours = 0;
    for (const PlacementProblem &problem : layers) {
      llvm::Expected<Placement> placement = placeExperts(problem);
      if (!placement) {
        state.SkipWithError(llvm::toString(placement.takeError()).c_str());
        return;
      }
      ours += placement->imbalance;
    }
  }
  for (const PlacementProblem &problem : layers)
    greedy += cantFail(placeExpertsGreedy(problem)).imbalance;
  state.counters["imbalance"] = ours / layers.size();
  state.counters["greedy_imbalance"] = greedy / layers.size();
}

static void BM_PlaceV3Training(benchmark::State &state) {
  placeV3(state, 64, 8, 64);
}
static void BM_PlaceV3Prefill(benchmark::State &state) {
  placeV3(state, 32, 4, 32);
}
static void BM_PlaceV3Decode(benchmark::State &state) {
  placeV3(state, 320, 40, 64);
}
// Zipf exponent s = arg / 10.
BENCHMARK(BM_PlaceV3Training)
    ->Arg(0)
    ->Arg(8)
    ->Arg(12)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PlaceV3Prefill)
    ->Arg(0)
    ->Arg(8)
    ->Arg(12)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PlaceV3Decode)
    ->Arg(0)
    ->Arg(8)
    ->Arg(12)
    ->Unit(benchmark::kMillisecond);
