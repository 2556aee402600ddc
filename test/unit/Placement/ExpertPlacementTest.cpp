//===- ExpertPlacementTest.cpp - redundant experts on GPUs ----------------===//

#include "dsc/Placement/ExpertPlacement.h"
#include "gtest/gtest.h"
#include <cmath>
#include <random>
#include <set>

using namespace dsc;

namespace {

Placement place(const PlacementProblem &problem) {
  llvm::Expected<Placement> placement = placeExperts(problem);
  EXPECT_TRUE(static_cast<bool>(placement))
      << llvm::toString(placement.takeError());
  return placement ? *placement : Placement();
}

std::string errorOf(const PlacementProblem &problem) {
  llvm::Expected<Placement> placement = placeExperts(problem);
  return placement ? "" : llvm::toString(placement.takeError());
}

/// No GPU holds two replicas of one expert.
bool replicasDistinct(const Placement &placement, int64_t numGPUs) {
  int64_t slotsPerGPU = placement.physicalToLogical.size() / numGPUs;
  for (int64_t g = 0; g < numGPUs; ++g) {
    std::set<int64_t> held(
        placement.physicalToLogical.begin() + g * slotsPerGPU,
        placement.physicalToLogical.begin() + (g + 1) * slotsPerGPU);
    if (static_cast<int64_t>(held.size()) != slotsPerGPU)
      return false;
  }
  return true;
}

double maxLoad(const Placement &placement) {
  return *std::max_element(placement.gpuLoads.begin(),
                           placement.gpuLoads.end());
}

/// Zipf(s) loads over `experts`, shuffled by `seed`.
std::vector<double> zipf(int64_t experts, double s, unsigned seed) {
  std::vector<double> loads(experts);
  for (int64_t e = 0; e < experts; ++e)
    loads[e] = 1000.0 / std::pow(e + 1, s);
  std::shuffle(loads.begin(), loads.end(), std::mt19937(seed));
  return loads;
}

TEST(ExpertPlacement, UniformLoadsBalancePerfectly) {
  PlacementProblem problem;
  problem.loads.assign(8, 10.0);
  problem.numSlots = 8;
  problem.numGPUs = 4;
  Placement placement = place(problem);
  EXPECT_EQ(placement.replicaCounts, std::vector<int64_t>(8, 1));
  EXPECT_EQ(placement.gpuLoads, std::vector<double>(4, 20.0));
  EXPECT_DOUBLE_EQ(placement.imbalance, 1.0);
}

// Extra slots go to the expert with the largest load per replica, at most
// one replica per GPU: 10/4 = 2.5 still beats 1, then expert 1 gets the last.
TEST(ExpertPlacement, ReplicatesTheHeaviest) {
  PlacementProblem problem;
  problem.loads = {10, 1, 1, 1};
  problem.numSlots = 8;
  problem.numGPUs = 4;
  Placement placement = place(problem);
  EXPECT_EQ(placement.replicaCounts, (std::vector<int64_t>{4, 2, 1, 1}));
  EXPECT_TRUE(replicasDistinct(placement, 4));
  // Each GPU has one replica of expert 0 (2.5); the rest: 0.5, 0.5, 1, 1.
  EXPECT_DOUBLE_EQ(maxLoad(placement), 3.5);
}

// The public greedy gives the heavy expert more replicas than there are
// GPUs, so two land on one GPU; dsc caps replicas at one per GPU.
TEST(ExpertPlacement, NeverTwoReplicasOnOneGPU) {
  PlacementProblem problem;
  problem.loads = {100, 1, 1, 1, 1, 1, 1, 1};
  problem.numSlots = 16;
  problem.numGPUs = 2;
  llvm::Expected<Placement> greedy = placeExpertsGreedy(problem);
  ASSERT_TRUE(static_cast<bool>(greedy));
  EXPECT_FALSE(replicasDistinct(*greedy, 2));
  Placement placement = place(problem);
  EXPECT_TRUE(replicasDistinct(placement, 2));
  EXPECT_EQ(placement.replicaCounts, std::vector<int64_t>(8, 2));
}

TEST(ExpertPlacement, InfeasibleAndBadInputsSayWhy) {
  PlacementProblem problem;
  problem.loads = {1, 1};
  problem.numSlots = 8;
  problem.numGPUs = 2;
  EXPECT_NE(errorOf(problem).find("without two replicas of an expert on one "
                                  "GPU"),
            std::string::npos);

  problem.numSlots = 1;
  EXPECT_NE(errorOf(problem).find("1 slots cannot hold 2 experts"),
            std::string::npos);

  problem.numSlots = 6;
  problem.numGPUs = 4;
  EXPECT_NE(errorOf(problem).find("(4 GPUs) must divide the 6 slots"),
            std::string::npos);

  problem.numGPUs = 2;
  problem.loads = {1, -2};
  EXPECT_NE(errorOf(problem).find("expert 1 has a negative load (-2)"),
            std::string::npos);

  problem.loads = {1, 1, 1};
  problem.numSlots = 6;
  problem.numGroups = 2;
  EXPECT_NE(errorOf(problem).find("2 groups do not divide the 3 experts"),
            std::string::npos);

  problem.numGroups = 1;
  problem.previous = std::vector<int64_t>{0, 1, 2};
  EXPECT_NE(errorOf(problem).find("previous placement has 3 slots, not 6"),
            std::string::npos);
}

// Hierarchical: every group's replicas stay on one node (so node-limited
// routing keeps its bound); global may spread them.
TEST(ExpertPlacement, HierarchicalKeepsGroupsOnNodes) {
  PlacementProblem problem;
  problem.loads = zipf(16, 1.0, 7);
  problem.numSlots = 24;
  problem.numGroups = 4;
  problem.numNodes = 2;
  problem.numGPUs = 4;
  problem.policy = PlacementPolicy::Auto;
  Placement placement = place(problem);
  EXPECT_EQ(placement.policy, PlacementPolicy::Hierarchical);
  EXPECT_TRUE(replicasDistinct(placement, 4));
  std::vector<std::set<int64_t>> nodesOfGroup(4);
  for (size_t slot = 0; slot < placement.physicalToLogical.size(); ++slot)
    nodesOfGroup[placement.physicalToLogical[slot] / 4].insert(slot / 12);
  for (const std::set<int64_t> &nodes : nodesOfGroup)
    EXPECT_EQ(nodes.size(), 1u);

  problem.numGroups = 3; // does not divide over 2 nodes
  problem.loads.resize(15);
  problem.numSlots = 20;
  EXPECT_EQ(place(problem).policy, PlacementPolicy::Global);
}

// Never worse than the public greedy, strictly better on skewed loads.
TEST(ExpertPlacement, BeatsGreedyOnSkewedLoads) {
  for (double s : {0.0, 0.8, 1.2}) {
    for (unsigned seed = 1; seed <= 3; ++seed) {
      PlacementProblem problem;
      problem.loads = zipf(64, s, seed);
      problem.numSlots = 80;
      problem.numGroups = 8;
      problem.numNodes = 2;
      problem.numGPUs = 16;
      for (PlacementPolicy policy :
           {PlacementPolicy::Global, PlacementPolicy::Hierarchical}) {
        problem.policy = policy;
        llvm::Expected<Placement> greedy = placeExpertsGreedy(problem);
        ASSERT_TRUE(static_cast<bool>(greedy));
        Placement placement = place(problem);
        EXPECT_TRUE(replicasDistinct(placement, 16));
        EXPECT_LE(maxLoad(placement), maxLoad(*greedy) * (1 + 1e-12));
        if (s > 1 && policy == PlacementPolicy::Global)
          EXPECT_LT(maxLoad(placement), maxLoad(*greedy));
      }
    }
  }
}

// With the previous placement, a small change in loads moves few experts.
TEST(ExpertPlacement, MigrationMovesFewExperts) {
  PlacementProblem problem;
  problem.loads = zipf(32, 1.0, 3);
  problem.numSlots = 40;
  problem.numGPUs = 8;
  problem.policy = PlacementPolicy::Global;
  Placement before = place(problem);

  for (double &load : problem.loads)
    load *= 1.02;
  problem.loads[5] *= 1.05;
  Placement fresh = place(problem);
  problem.previous = before.physicalToLogical;
  Placement kept = place(problem);
  EXPECT_TRUE(replicasDistinct(kept, 8));
  EXPECT_LE(maxLoad(kept), maxLoad(fresh) * (1 + problem.migrationTolerance));
  int64_t freshMoves = 0;
  for (size_t slot = 0; slot < fresh.physicalToLogical.size(); ++slot)
    freshMoves +=
        fresh.physicalToLogical[slot] != before.physicalToLogical[slot];
  EXPECT_LT(kept.movedExperts, freshMoves);
  EXPECT_LE(kept.movedExperts, 4);
}

} // namespace
