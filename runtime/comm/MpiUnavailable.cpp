//===- MpiUnavailable.cpp - MpiEnvironment when built without MPI ---------===//
//
// Keeps MpiCommunicator.h usable without #ifdefs: asking for MPI in a build
// without it is a clear runtime error, not a link error.
//
//===----------------------------------------------------------------------===//

#include "dsc/comm/MpiCommunicator.h"

#include <cstdlib>

namespace dsc::comm {

bool mpiAvailable() { return false; }

MpiEnvironment::MpiEnvironment(int *, char ***) {
  throw CommError("dsc was built without MPI (Debian: libopenmpi-dev "
                  "openmpi-bin; scripts/setup.sh installs them)");
}

MpiEnvironment::~MpiEnvironment() = default;

std::unique_ptr<Communicator> MpiEnvironment::world() {
  throw CommError("dsc was built without MPI");
}

void MpiEnvironment::abortAll(int code) { std::_Exit(code); }

} // namespace dsc::comm
