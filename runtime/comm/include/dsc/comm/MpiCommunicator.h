//===- MpiCommunicator.h - Communication over MPI ---------------*- C++ -*-===//
//
// The multi-process communicator (mpirun / srun -np N dsc-run PLAN). The
// header does not include <mpi.h>, and it compiles when dsc_comm was built
// without MPI: then mpiAvailable() is false and MpiEnvironment throws, so
// callers need no #ifdefs.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_COMM_MPICOMMUNICATOR_H
#define DSC_COMM_MPICOMMUNICATOR_H

#include "dsc/comm/Communicator.h"

namespace dsc::comm {

/// Whether dsc_comm was built with MPI.
bool mpiAvailable();

/// Initializes MPI for the process's lifetime: create one in main before
/// any communicator and keep it until they are all destroyed (it finalizes
/// MPI). MPI is initialized for MPI_THREAD_SERIALIZED use: any thread may
/// communicate, one at a time (the executor's communication thread).
/// Throws CommError without MPI or when MPI was already initialized.
class MpiEnvironment {
public:
  MpiEnvironment(int *argc, char ***argv);
  ~MpiEnvironment();
  MpiEnvironment(const MpiEnvironment &) = delete;
  MpiEnvironment &operator=(const MpiEnvironment &) = delete;

  /// A communicator over MPI_COMM_WORLD.
  std::unique_ptr<Communicator> world();

  /// Ends every process of the job with `code` (MPI_Abort). For an error
  /// on one rank while the others may be waiting in a collective that it
  /// will never join: exiting alone would leave them hanging.
  [[noreturn]] void abortAll(int code);
};

/// Whether an MPI launcher (mpiexec / mpirun, or srun with PMI / PMIx)
/// started this process, judged by the environment the launchers set.
bool launchedByMpi();

class MpiCommunicator : public Communicator {
public:
  struct Impl;
  explicit MpiCommunicator(std::unique_ptr<Impl> impl);
  ~MpiCommunicator() override;

  int rank() const override;
  int size() const override;
  std::unique_ptr<Communicator> split(int color, int key) override;

  RequestPtr isend(const void *buf, size_t count, DataType type, int peer,
                   int tag) override;
  RequestPtr irecv(void *buf, size_t count, DataType type, int peer,
                   int tag) override;
  RequestPtr iallReduce(const void *in, void *out, size_t count,
                        DataType type) override;
  RequestPtr ireduceScatter(const void *in, void *out, size_t count,
                            DataType type) override;
  RequestPtr iallGather(const void *in, void *out, size_t count,
                        DataType type) override;
  RequestPtr iallToAll(const void *in, void *out, size_t count,
                       DataType type) override;
  RequestPtr iallToAllV(const void *in, const std::vector<size_t> &sendCounts,
                        const std::vector<size_t> &sendDispls, void *out,
                        const std::vector<size_t> &recvCounts,
                        const std::vector<size_t> &recvDispls,
                        DataType type) override;
  void broadcast(void *buf, size_t count, DataType type, int root) override;
  void barrier() override;

private:
  std::unique_ptr<Impl> impl;
};

} // namespace dsc::comm

#endif // DSC_COMM_MPICOMMUNICATOR_H
