//===- World.h - The ranks of a run and their bootstrap ---------*- C++ -*-===//
//
// Every process of a run joins the world first: `mpiexec -n N dsc-run PLAN`
// gives an MPI world of N, a plain `dsc-run PLAN` a world of one (MPI when a
// launcher started it, or when asked). Then every rank checks, together
// with the others, that they loaded the same plan and that it was compiled
// for this many ranks, and learns its node and local rank from the hosts
// the ranks run on. This happens before weights or data are read, so a
// wrong launch fails on every rank with one message instead of waiting
// forever in the first collective.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_EXEC_WORLD_H
#define DSC_EXEC_WORLD_H

#include "dsc/comm/Communicator.h"
#include "dsc/exec/ExecError.h"
#include "dsc/plan/Plan.h"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace dsc::comm {
class MpiEnvironment;
}

namespace dsc::exec {

/// Which communicator the world uses.
enum class CommBackend {
  Auto,  // MPI when an MPI launcher started the process, else local
  Local, // a world of one process, no MPI
  Mpi,   // MPI (a singleton world when started without a launcher)
};

/// Parses "auto" / "local" / "mpi".
bool parseCommBackend(const std::string &text, CommBackend &out);

/// How long a rank waits for its peers in one communication call before it
/// names them and the job ends (dsc-run --comm-timeout; zero: forever).
/// Longer than any time a rank may work alone (rank 0 writing a
/// checkpoint while the others wait in the next step), shorter than
/// NCCL's 10-minute watchdog.
inline constexpr std::chrono::milliseconds kDefaultCommTimeout{300'000};

/// An error that every rank raised identically (a collective check failed
/// the same way everywhere): one rank reports it for all.
class WorldError : public ExecError {
public:
  using ExecError::ExecError;
};

/// Where this process runs.
struct WorldPlace {
  int rank = 0;
  int size = 1;
  /// Hosts in the order of their lowest rank; nodes index them.
  std::vector<std::string> hosts;
  /// Per world rank: its node, and its position among the ranks on that
  /// node (its GPU on a GPU node).
  std::vector<int> nodes;
  std::vector<int> localRanks;

  int node() const { return nodes[rank]; }
  int localRank() const { return localRanks[rank]; }
};

class World {
public:
  /// Joins the world. MPI needs the program's argc/argv (MPI_Init may
  /// consume launcher arguments). Every communication call, the bootstrap's
  /// included, waits at most `commTimeout` (Communicator::setTimeout)
  /// for the other ranks. Throws ExecError when MPI is asked for (or a
  /// launcher started the process) but dsc was built without it.
  World(CommBackend backend, int *argc, char ***argv,
        std::chrono::milliseconds commTimeout = kDefaultCommTimeout);
  ~World();
  World(const World &) = delete;
  World &operator=(const World &) = delete;

  comm::Communicator &comm() { return *comm_; }
  const WorldPlace &place() const { return place_; }
  bool usesMpi() const { return mpi_ != nullptr; }
  /// "mpi" or "local".
  const char *backendName() const { return usesMpi() ? "mpi" : "local"; }

  /// Collective. Checks that every rank loaded the same plan (`checksum`:
  /// its payload's CRC-32C) and that the plan has this world's size; throws
  /// WorldError otherwise, on every rank. Returns notes on a placement that
  /// differs from the plan's node / GPU map (not an error on the CPU: ranks
  /// are processes there; a GPU backend must refuse it).
  std::vector<std::string> checkPlan(const plan::Plan &plan, uint32_t checksum,
                                     const std::string &path);

  /// Ends the process after an error that may be this rank's alone: in a
  /// world of more than one, every process of the job ends with it, so
  /// none is left waiting for this one in a collective.
  [[noreturn]] void abortAll(int code);

private:
  std::unique_ptr<comm::MpiEnvironment> mpi_;
  std::unique_ptr<comm::Communicator> comm_;
  WorldPlace place_;
};

} // namespace dsc::exec

#endif // DSC_EXEC_WORLD_H
