//===- MpiTestMain.h - GoogleTest over the ranks of an MPI world ----------===//
//
// The main of the test executables that ctest runs under mpiexec (one ctest
// per world size): every rank runs every test, so each collective is called
// on all ranks in the same order, and tests use EXPECT (not ASSERT) before
// a collective, so a failing rank does not skip a call the others wait in.
// Only rank 0 keeps GoogleTest's full output; the others print their
// failures with their rank, so several ranks do not interleave the report.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_TEST_RUNTIME_COMM_MPITESTMAIN_H
#define DSC_TEST_RUNTIME_COMM_MPITESTMAIN_H

#include "dsc/comm/MpiCommunicator.h"

#include <cstdio>
#include <gtest/gtest.h>
#include <memory>

namespace dsc::comm::test {

/// Prints failures with the rank that saw them.
class RankFailurePrinter : public ::testing::EmptyTestEventListener {
public:
  explicit RankFailurePrinter(int rank) : rank(rank) {}
  void OnTestPartResult(const ::testing::TestPartResult &result) override {
    if (result.failed())
      std::fprintf(stderr, "[rank %d] %s:%d: %s\n", rank,
                   result.file_name() ? result.file_name() : "?",
                   result.line_number(), result.summary());
  }

private:
  int rank;
};

/// Joins the MPI world, points `world` at it while every test runs, and
/// returns the world's verdict: non-zero when any rank failed (or mpiexec
/// might report the exit status of a rank that passed).
inline int runMpiTests(int *argc, char ***argv, Communicator *&world) {
  MpiEnvironment env(argc, argv);
  ::testing::InitGoogleTest(argc, *argv);
  int status;
  {
    std::unique_ptr<Communicator> comm = env.world();
    world = comm.get();
    auto &listeners = ::testing::UnitTest::GetInstance()->listeners();
    if (world->rank() != 0) {
      delete listeners.Release(listeners.default_result_printer());
      listeners.Append(new RankFailurePrinter(world->rank()));
    }
    status = RUN_ALL_TESTS();
    int32_t failed = status != 0, anyFailed = 0;
    world->allReduce(&failed, &anyFailed, 1, DataType::I32);
    status = anyFailed ? 1 : 0;
    world = nullptr; // communicators go before MPI is finalized
  }
  return status;
}

} // namespace dsc::comm::test

#endif // DSC_TEST_RUNTIME_COMM_MPITESTMAIN_H
