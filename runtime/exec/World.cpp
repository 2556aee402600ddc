//===- World.cpp - The ranks of a run and their bootstrap -----------------===//

#include "dsc/exec/World.h"
#include "dsc/comm/LocalCommunicator.h"
#include "dsc/comm/MpiCommunicator.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace dsc::exec {
namespace {

constexpr size_t kHostBytes = 64;

std::string hex(uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "%08x", value);
  return text;
}

std::string thisHost() {
  char name[kHostBytes] = {};
  if (::gethostname(name, kHostBytes - 1) != 0)
    return "unknown-host";
  return name;
}

} // namespace

bool parseCommBackend(const std::string &text, CommBackend &out) {
  if (text == "auto")
    out = CommBackend::Auto;
  else if (text == "local")
    out = CommBackend::Local;
  else if (text == "mpi")
    out = CommBackend::Mpi;
  else
    return false;
  return true;
}

World::World(CommBackend backend, int *argc, char ***argv,
             std::chrono::milliseconds commTimeout) {
  bool launched = comm::launchedByMpi();
  bool wantMpi =
      backend == CommBackend::Mpi || (backend == CommBackend::Auto && launched);
  if (wantMpi && !comm::mpiAvailable())
    throw ExecError(
        std::string(launched ? "an MPI launcher started this process"
                             : "--comm mpi was asked for") +
        ", but dsc-run was built without MPI (Debian: libopenmpi-dev "
        "openmpi-bin, which scripts/setup.sh installs; then rebuild)");
  if (wantMpi) {
    try {
      mpi_ = std::make_unique<comm::MpiEnvironment>(argc, argv);
      comm_ = mpi_->world();
    } catch (const comm::CommError &e) {
      throw ExecError(std::string("joining the MPI world: ") + e.what(),
                      e.code());
    }
  } else {
    comm_ = std::make_unique<comm::LocalCommunicator>();
  }
  comm_->setTimeout(commTimeout);
  place_.rank = comm_->rank();
  place_.size = comm_->size();

  // Every rank's host name, so each finds its node and local rank.
  std::vector<char> mine(kHostBytes, 0), all(kHostBytes * place_.size, 0);
  const std::string host = thisHost();
  std::copy_n(host.begin(), std::min(host.size(), kHostBytes - 1),
              mine.begin());
  try {
    comm_->allGather(mine.data(), all.data(), kHostBytes, comm::DataType::U8);
  } catch (const comm::CommTimeout &e) {
    // A rank never came. Finalizing MPI would wait for it too: leave MPI
    // as it is, and the launcher ends the job when this process exits.
    (void)comm_.release();
    (void)mpi_.release();
    throw ExecError(std::string("joining the world: ") + e.what(), e.code());
  }
  std::vector<int> perHost;
  for (int r = 0; r < place_.size; ++r) {
    std::string name(all.data() + r * kHostBytes);
    auto it = std::find(place_.hosts.begin(), place_.hosts.end(), name);
    int node = int(it - place_.hosts.begin());
    if (it == place_.hosts.end()) {
      place_.hosts.push_back(name);
      perHost.push_back(0);
    }
    place_.nodes.push_back(node);
    place_.localRanks.push_back(perHost[node]++);
  }
}

World::~World() {
  comm_.reset(); // communicators go before MPI is finalized
  mpi_.reset();
}

std::vector<std::string> World::checkPlan(const plan::Plan &plan,
                                          uint32_t checksum,
                                          const std::string &path) {
  // Identical data on every rank, so every rank reaches the same verdict.
  int64_t mine[2] = {int64_t(checksum), plan.worldSize};
  std::vector<int64_t> all(2 * place_.size);
  comm_->allGather(mine, all.data(), 2, comm::DataType::I64);
  for (int r = 1; r < place_.size; ++r)
    if (all[2 * r] != all[0])
      throw WorldError("the ranks loaded different plans: rank 0's has "
                       "checksum " +
                       hex(uint32_t(all[0])) + ", rank " + std::to_string(r) +
                       "'s " + hex(uint32_t(all[2 * r])) +
                       "; give every rank the same plan file");
  if (plan.worldSize != place_.size) {
    std::string fix =
        plan.worldSize == 1
            ? "run it as one process (plain dsc-run, or mpiexec -n 1)"
            : "launch it as mpiexec -n " + std::to_string(plan.worldSize) +
                  " dsc-run ...";
    throw WorldError(path + ": the plan was compiled for " +
                     std::to_string(plan.worldSize) + " rank" +
                     (plan.worldSize == 1 ? "" : "s") + ", this run has " +
                     std::to_string(place_.size) + "; " + fix);
  }

  // The placement every rank would have, against the plan's map.
  std::vector<std::string> notes;
  constexpr int kMaxNotes = 4;
  int differing = 0;
  for (int r = 0; r < place_.size; ++r) {
    const plan::RankPlacement &planned = plan.placement[r];
    if (planned.node == place_.nodes[r] &&
        planned.localGpu == place_.localRanks[r])
      continue;
    if (++differing <= kMaxNotes)
      notes.push_back("rank " + std::to_string(r) +
                      ": the plan places it on "
                      "node " +
                      std::to_string(planned.node) + " GPU " +
                      std::to_string(planned.localGpu) + ", it runs on " +
                      place_.hosts[place_.nodes[r]] + " (node " +
                      std::to_string(place_.nodes[r]) + ") as local rank " +
                      std::to_string(place_.localRanks[r]));
  }
  if (differing > kMaxNotes)
    notes.push_back("... and " + std::to_string(differing - kMaxNotes) +
                    " more ranks placed otherwise than the plan says");
  return notes;
}

void World::abortAll(int code) {
  if (mpi_ && place_.size > 1)
    mpi_->abortAll(code);
  std::exit(code);
}

} // namespace dsc::exec
