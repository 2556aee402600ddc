//===- StagePartitionTest.cpp - cutting parts into pipeline stages --------===//

#include "dsc/CostModel/StagePartition.h"
#include "gtest/gtest.h"
#include <functional>
#include <random>

using namespace dsc;

namespace {

/// Stage cost = the sum of its parts' costs.
struct Chain {
  std::vector<double> parts;
  double operator()(int64_t, PartRange range) const {
    double sum = 0;
    for (int64_t p = range.begin; p < range.end; ++p)
      sum += parts[p];
    return sum;
  }
};

Partition solve(const PartitionProblem &problem) {
  llvm::Expected<Partition> partition = partitionStages(problem);
  EXPECT_TRUE(static_cast<bool>(partition))
      << llvm::toString(partition.takeError());
  return partition ? *partition : Partition();
}

/// The best bottleneck over every layout with non-empty stages.
double bruteForce(const PartitionProblem &problem) {
  double best = 1e300;
  std::vector<int64_t> sizes;
  std::function<void(int64_t)> place = [&](int64_t left) {
    int64_t stagesLeft = problem.numStages - sizes.size();
    if (stagesLeft == 1) {
      sizes.push_back(left);
      best = std::min(best, partitionBottleneck(problem, sizes));
      sizes.pop_back();
      return;
    }
    for (int64_t size = 1; size <= left - (stagesLeft - 1); ++size) {
      sizes.push_back(size);
      place(left - size);
      sizes.pop_back();
    }
  };
  place(problem.numParts);
  return best;
}

TEST(StagePartition, HeavyEndsGetStagesOfTheirOwn) {
  Chain chain{{3, 1, 1, 1, 1, 1, 1, 3}};
  PartitionProblem problem;
  problem.numParts = 8;
  problem.numStages = 4;
  problem.stageCost = chain;
  Partition linear = solve(problem);
  EXPECT_EQ(linear.stageSizes, (std::vector<int64_t>{1, 3, 3, 1}));
  EXPECT_DOUBLE_EQ(linear.bottleneck, 3);
  // The even split pairs each heavy end with a light part.
  EXPECT_DOUBLE_EQ(partitionBottleneck(problem, {2, 2, 2, 2}), 4);

  // Mirrored ranks (0, 3) and (1, 2) share the total of 12 evenly.
  problem.mirrored = true;
  Partition mirrored = solve(problem);
  EXPECT_DOUBLE_EQ(mirrored.bottleneck, 6);
}

TEST(StagePartition, MemoryLimitsTheStages) {
  Chain chain{{1, 1, 1, 1, 1, 1, 1, 10}};
  PartitionProblem problem;
  problem.numParts = 8;
  problem.numStages = 3;
  problem.stageCost = chain;
  // Time alone: [1x4], [1x3], [10] -> 10; memory allows 3 parts a stage.
  auto atMostThree = [](llvm::ArrayRef<int64_t>,
                        llvm::ArrayRef<PartRange> ranges) {
    for (PartRange range : ranges)
      if (range.size() > 3)
        return false;
    return true;
  };
  problem.fits = atMostThree;
  Partition partition = solve(problem);
  for (int64_t size : partition.stageSizes)
    EXPECT_LE(size, 3);
  EXPECT_DOUBLE_EQ(partition.bottleneck, 11); // [1,1,1], [1,1,1], [1,10]

  auto never = [](llvm::ArrayRef<int64_t>, llvm::ArrayRef<PartRange>) {
    return false;
  };
  problem.fits = never;
  llvm::Expected<Partition> none = partitionStages(problem);
  ASSERT_FALSE(static_cast<bool>(none));
  EXPECT_EQ(llvm::toString(none.takeError()), "no layout fits in memory");
}

TEST(StagePartition, TooFewParts) {
  Chain chain{{1, 1}};
  PartitionProblem problem;
  problem.numParts = 2;
  problem.numStages = 3;
  problem.stageCost = chain;
  llvm::Expected<Partition> none = partitionStages(problem);
  ASSERT_FALSE(static_cast<bool>(none));
  EXPECT_EQ(llvm::toString(none.takeError()),
            "cannot cut 2 parts into 3 non-empty stages; use a schedule or pp "
            "with at most 2 stages");
}

// The bisection finds the exhaustive optimum on random chains, linear and
// mirrored.
TEST(StagePartition, MatchesExhaustiveSearch) {
  std::mt19937 random(7);
  std::uniform_real_distribution<double> cost(0.5, 5);
  for (int trial = 0; trial < 40; ++trial) {
    Chain chain;
    int64_t parts = 6 + trial % 6;
    for (int64_t p = 0; p < parts; ++p)
      chain.parts.push_back(cost(random));
    for (bool mirrored : {false, true}) {
      PartitionProblem problem;
      problem.numParts = parts;
      problem.numStages = 4;
      problem.mirrored = mirrored;
      problem.stageCost = chain;
      Partition partition = solve(problem);
      EXPECT_NEAR(partition.bottleneck, bruteForce(problem),
                  1e-5 * partition.bottleneck)
          << "trial " << trial << (mirrored ? " mirrored" : " linear");
      int64_t total = 0;
      for (int64_t size : partition.stageSizes) {
        EXPECT_GE(size, 1);
        total += size;
      }
      EXPECT_EQ(total, parts);
    }
  }
}

} // namespace
