//===- WorldTest.cpp - the bootstrap's checks in a world of one -----------===//
//
// The multi-process cases (mismatched world sizes and plans across ranks)
// run under mpiexec in test/Tools/dsc-run-mpi.test.
//
//===----------------------------------------------------------------------===//

#include "dsc/exec/World.h"
#include "TestPlan.h"

namespace dsc::exec::test {
namespace {

/// A world of one process, as a plain dsc-run joins it.
class LocalWorldTest : public ::testing::Test {
protected:
  int argc = 0;
  char **argv = nullptr;
  World world{CommBackend::Local, &argc, &argv};
};

TEST(WorldTest, ParsesBackends) {
  CommBackend backend = CommBackend::Local;
  EXPECT_TRUE(parseCommBackend("auto", backend));
  EXPECT_EQ(backend, CommBackend::Auto);
  EXPECT_TRUE(parseCommBackend("mpi", backend));
  EXPECT_EQ(backend, CommBackend::Mpi);
  EXPECT_TRUE(parseCommBackend("local", backend));
  EXPECT_EQ(backend, CommBackend::Local);
  EXPECT_FALSE(parseCommBackend("nccl", backend));
}

TEST_F(LocalWorldTest, LocalWorldIsOneRankOnOneNode) {
  EXPECT_FALSE(world.usesMpi());
  const WorldPlace &place = world.place();
  EXPECT_EQ(place.rank, 0);
  EXPECT_EQ(place.size, 1);
  ASSERT_EQ(place.hosts.size(), 1u);
  EXPECT_FALSE(place.hosts[0].empty());
  EXPECT_EQ(place.node(), 0);
  EXPECT_EQ(place.localRank(), 0);
}

TEST_F(LocalWorldTest, AcceptsAOneRankPlan) {
  PlanBuilder builder;
  EXPECT_TRUE(world.checkPlan(builder.plan(), 0x1234, "p.plan").empty());
}

TEST_F(LocalWorldTest, RefusesAPlanForMoreRanks) {
  PlanBuilder builder;
  builder.plan().worldSize = 4;
  try {
    world.checkPlan(builder.plan(), 0x1234, "p.plan");
    FAIL() << "a 4-rank plan ran in a world of one";
  } catch (const WorldError &e) {
    EXPECT_STREQ(e.what(), "p.plan: the plan was compiled for 4 ranks, this "
                           "run has 1; launch it as mpiexec -n 4 dsc-run ...");
  }
}

TEST_F(LocalWorldTest, NotesAPlacementOtherThanThePlans) {
  PlanBuilder builder;
  builder.plan().placement = {{2, 5}};
  std::vector<std::string> notes =
      world.checkPlan(builder.plan(), 0x1234, "p.plan");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0],
            "rank 0: the plan places it on node 2 GPU 5, it runs on " +
                world.place().hosts[0] + " (node 0) as local rank 0");
}

} // namespace
} // namespace dsc::exec::test
