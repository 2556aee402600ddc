//===- ArenaPlannerTest.cpp - lifetime-based arena placement --------------===//

#include "dsc/Analysis/ArenaPlanner.h"
#include "gtest/gtest.h"
#include <random>

using namespace dsc;

namespace {

/// No two buffers alive at the same instruction overlap in the arena.
void expectDisjoint(llvm::ArrayRef<BufferLifetime> buffers,
                    const ArenaPlan &plan) {
  for (size_t a = 0; a < buffers.size(); ++a)
    for (size_t b = a + 1; b < buffers.size(); ++b) {
      bool together = buffers[a].first <= buffers[b].last &&
                      buffers[b].first <= buffers[a].last;
      bool apart = plan.offsets[a] + buffers[a].bytes <= plan.offsets[b] ||
                   plan.offsets[b] + buffers[b].bytes <= plan.offsets[a];
      EXPECT_TRUE(!together || apart) << "buffers " << a << " and " << b;
    }
}

TEST(ArenaPlanner, ReusesDeadBuffers) {
  // A chain: each buffer dies when the next is made, so two slots suffice.
  std::vector<BufferLifetime> chain = {
      {1024, 0, 1}, {1024, 1, 2}, {1024, 2, 3}, {1024, 3, 4}};
  ArenaPlan plan = planArena(chain, 256);
  expectDisjoint(chain, plan);
  EXPECT_EQ(plan.peakLiveBytes, 2048);
  EXPECT_EQ(plan.arenaBytes, 2048);
}

TEST(ArenaPlanner, SavedActivationsStayAlive) {
  // Forward activations 0-2 live until their backward (5-3): all at once.
  std::vector<BufferLifetime> saved = {
      {100, 0, 5}, {300, 1, 4}, {200, 2, 3}, {50, 3, 4}};
  ArenaPlan plan = planArena(saved, 1);
  expectDisjoint(saved, plan);
  EXPECT_EQ(plan.peakLiveBytes, 650);
  EXPECT_EQ(plan.arenaBytes, 650);
}

TEST(ArenaPlanner, AlignsOffsets) {
  std::vector<BufferLifetime> buffers = {{10, 0, 2}, {10, 1, 2}, {10, 2, 3}};
  ArenaPlan plan = planArena(buffers, 64);
  expectDisjoint(buffers, plan);
  for (int64_t offset : plan.offsets)
    EXPECT_EQ(offset % 64, 0);
}

TEST(ArenaPlanner, RandomLifetimesNeverOverlap) {
  std::mt19937 random(3);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<BufferLifetime> buffers;
    for (int i = 0; i < 60; ++i) {
      int64_t first = random() % 100, length = random() % 30;
      buffers.push_back({int64_t(1 + random() % 5000), first, first + length});
    }
    ArenaPlan plan = planArena(buffers, 256);
    expectDisjoint(buffers, plan);
    EXPECT_GE(plan.arenaBytes, plan.peakLiveBytes);
  }
}

} // namespace
