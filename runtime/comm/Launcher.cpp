//===- Launcher.cpp - Was this process started by an MPI launcher? --------===//
//
// Built with or without MPI: a process that a launcher started but that
// cannot speak MPI must say so rather than run alone as a world of one.
//
//===----------------------------------------------------------------------===//

#include "dsc/comm/MpiCommunicator.h"

#include <cstdlib>

namespace dsc::comm {

bool launchedByMpi() {
  // Open MPI's mpiexec, PMIx (Open MPI 5, Slurm), PMI-1/2 (MPICH, Slurm),
  // MVAPICH.
  for (const char *name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK",
                           "PMI_SIZE", "MV2_COMM_WORLD_SIZE"})
    if (std::getenv(name))
      return true;
  return false;
}

} // namespace dsc::comm
