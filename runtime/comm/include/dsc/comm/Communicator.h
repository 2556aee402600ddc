//===- Communicator.h - The runtime's communication interface ---*- C++ -*-===//
//
// What the executor needs from a communication library: point-to-point
// messages between pipeline stages, all-to-all(v) for expert parallelism,
// and all-reduce / reduce-scatter / all-gather for data parallelism, each
// blocking or non-blocking, over the world or over groups split from it.
// Implementations: MpiCommunicator (Open MPI; CPU buffers, and bootstrap for
// NCCL later) and LocalCommunicator (a world of one process).
//
// Conventions (those of MPI, so implementations map directly):
// - counts are elements of `type`, never bytes;
// - reductions sum; BF16 sums accumulate in FP32 and round to BF16 once at
//   the end (nearest even), not after every partial sum, so a sum over many
//   ranks loses no more precision than one over two;
// - every rank of a communicator calls each collective, in the same order;
// - buffers must stay valid until the request's wait() returns (and
//   requests must complete before their communicator is destroyed); count
//   and displacement arrays are copied, so they need not;
// - only all-reduce works in place; the other collectives refuse in == out;
// - errors (bad peer, mismatched counts, a failing library call) throw
//   CommError naming the operation.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_COMM_COMMUNICATOR_H
#define DSC_COMM_COMMUNICATOR_H

#include "dsc/numerics/HalfFloat.h"
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace dsc::comm {

/// Element types the communicators move and reduce (the plan's reducible
/// dtypes, plus raw bytes for anything else).
enum class DataType { F32, BF16, I32, I64, U8 };

size_t dataTypeSize(DataType type);
const char *dataTypeName(DataType type);

class CommError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// An operation in flight. wait() blocks until it completed (its buffers
/// may then be reused) and throws CommError if it failed; waiting again is
/// a no-op. Destroying a request that was not waited for waits for it
/// (errors are then lost), because a library may still write to its buffers.
class Request {
public:
  virtual ~Request();
  virtual void wait() = 0;
};

using RequestPtr = std::unique_ptr<Request>;

class Communicator {
public:
  virtual ~Communicator();

  virtual int rank() const = 0;
  virtual int size() const = 0;

  /// Collective: ranks that pass the same color form a new communicator,
  /// ordered by key (ties by rank in this one). A negative color joins none
  /// and returns null.
  virtual std::unique_ptr<Communicator> split(int color, int key) = 0;

  // Point to point. `peer` is a rank of this communicator, tag >= 0 matches
  // a send with its receive; a receive buffer may be larger than the
  // message, not smaller.
  virtual RequestPtr isend(const void *buf, size_t count, DataType type,
                           int peer, int tag) = 0;
  virtual RequestPtr irecv(void *buf, size_t count, DataType type, int peer,
                           int tag) = 0;

  /// out[i] = sum over ranks of in[i]; in == out reduces in place.
  virtual RequestPtr iallReduce(const void *in, void *out, size_t count,
                                DataType type) = 0;
  /// in holds size() blocks of `count`; out = the sum over ranks of block
  /// rank(). in and out must not overlap.
  virtual RequestPtr ireduceScatter(const void *in, void *out, size_t count,
                                    DataType type) = 0;
  /// out holds size() blocks of `count`: block r is rank r's in.
  virtual RequestPtr iallGather(const void *in, void *out, size_t count,
                                DataType type) = 0;
  /// in and out hold size() blocks of `count`: block r of in goes to rank
  /// r, block r of out comes from rank r.
  virtual RequestPtr iallToAll(const void *in, void *out, size_t count,
                               DataType type) = 0;
  /// As iallToAll with per-rank counts and displacements (elements from the
  /// start of in / out); each vector has size() entries, and sendCounts[r]
  /// here must equal recvCounts[rank()] on rank r (exchange the counts with
  /// allToAll first when they are data-dependent, as MoE dispatch is).
  virtual RequestPtr
  iallToAllV(const void *in, const std::vector<size_t> &sendCounts,
             const std::vector<size_t> &sendDispls, void *out,
             const std::vector<size_t> &recvCounts,
             const std::vector<size_t> &recvDispls, DataType type) = 0;

  /// Copies root's buffer to every rank (bootstrap: NCCL's unique id).
  virtual void broadcast(void *buf, size_t count, DataType type, int root) = 0;
  virtual void barrier() = 0;

  // Blocking forms: the non-blocking call, waited for.
  void send(const void *buf, size_t count, DataType type, int peer, int tag);
  void recv(void *buf, size_t count, DataType type, int peer, int tag);
  void allReduce(const void *in, void *out, size_t count, DataType type);
  void reduceScatter(const void *in, void *out, size_t count, DataType type);
  void allGather(const void *in, void *out, size_t count, DataType type);
  void allToAll(const void *in, void *out, size_t count, DataType type);
  void allToAllV(const void *in, const std::vector<size_t> &sendCounts,
                 const std::vector<size_t> &sendDispls, void *out,
                 const std::vector<size_t> &recvCounts,
                 const std::vector<size_t> &recvDispls, DataType type);

protected:
  /// Argument checks shared by the implementations; throw CommError.
  void checkPeer(const char *op, int peer) const;
  void checkTag(const char *op, int tag) const;
  void checkCounts(const char *op, const std::vector<size_t> &counts,
                   const std::vector<size_t> &displs) const;
  /// MPI forbids aliased send and receive buffers outside MPI_IN_PLACE.
  static void checkDistinct(const char *op, const void *in, const void *out);
};

/// BF16 <-> FP32 for the FP32-staged BF16 sums: dsc_numerics' conversions.
using numerics::bf16ToFloat;
using numerics::floatToBF16;

} // namespace dsc::comm

#endif // DSC_COMM_COMMUNICATOR_H
