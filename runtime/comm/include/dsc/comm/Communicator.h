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
// Deadlines (the contract a frozen peer needs, for every implementation):
// a request can be waited for until a deadline (Request::waitUntil), and
// then says which ranks of its communicator it still waits for, as far as
// the implementation can tell (Request::absentRanks). A communicator's
// timeout (setTimeout, inherited by split) bounds every blocking form:
// past it they throw CommTimeout with those ranks instead of waiting
// forever. A timed-out operation is still in flight and may yet write to
// its buffers: the job must end (MpiEnvironment::abortAll); the request is
// abandoned, never waited for again. MPI polls MPI_Test; an NCCL
// communicator would poll its completion event and ncclCommGetAsyncError
// until the deadline and leave ncclCommAbort to the caller that ends the
// job.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_COMM_COMMUNICATOR_H
#define DSC_COMM_COMMUNICATOR_H

#include "dsc/numerics/HalfFloat.h"
#include "dsc/support/Error.h"
#include <chrono>
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

/// The runtime's dsc::Error: Unavailable (a peer or the transport failed)
/// unless the call was malformed (InvalidArgument) or timed out
/// (CommTimeout, DeadlineExceeded).
class CommError : public dsc::Error {
public:
  explicit CommError(const std::string &message,
                     ErrorCode code = ErrorCode::Unavailable)
      : dsc::Error(message, code) {}
};

using Clock = std::chrono::steady_clock;

/// A blocking call that made no progress for its communicator's timeout.
/// Ranks are those of the communicator the call ran on.
class CommTimeout : public CommError {
public:
  /// `absent`: the ranks the operation still waited for that had not
  /// joined it; `peers`: every other rank it involves (the suspects when
  /// all of them joined, so that one stopped inside it).
  CommTimeout(std::string op, std::chrono::milliseconds timeout,
              std::vector<int> absent, std::vector<int> peers);

  const std::string &op() const { return op_; }
  std::chrono::milliseconds timeout() const { return timeout_; }
  const std::vector<int> &absent() const { return absent_; }
  const std::vector<int> &peers() const { return peers_; }

  /// "no progress for 3 s: waiting for rank 1, which has not reached this
  /// all_reduce (stopped, stuck or waiting elsewhere)", with rank r shown
  /// as worldRanks[r] (identity when empty).
  std::string describe(const std::vector<int32_t> &worldRanks = {}) const;

private:
  std::string op_;
  std::chrono::milliseconds timeout_;
  std::vector<int> absent_, peers_;
};

/// An operation in flight. wait() blocks until it completed (its buffers
/// may then be reused) and throws CommError if it failed; waiting again is
/// a no-op. Destroying a request that was not waited for waits for it
/// (errors are then lost), because a library may still write to its
/// buffers; a request whose waitUntil passed its deadline is abandoned
/// instead (see the deadline contract above).
class Request {
public:
  virtual ~Request();
  virtual void wait() = 0;
  /// Waits until the operation completed (true, as wait()) or `deadline`
  /// passed (false: it is still in flight).
  virtual bool waitUntil(Clock::time_point deadline) = 0;
  /// After waitUntil returned false: the ranks of the communicator this
  /// operation waits for that have not joined it yet (a point-to-point
  /// peer; collective members that never arrived). Empty when all of them
  /// joined or the implementation cannot tell.
  virtual std::vector<int> absentRanks() const { return {}; }
  /// Every other rank of the communicator the operation involves.
  virtual std::vector<int> peerRanks() const { return {}; }
};

using RequestPtr = std::unique_ptr<Request>;

class Communicator {
public:
  virtual ~Communicator();

  virtual int rank() const = 0;
  virtual int size() const = 0;

  /// How long a blocking call may make no progress before it throws
  /// CommTimeout; zero (the default) waits forever. Communicators split
  /// from this one inherit it.
  void setTimeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }
  std::chrono::milliseconds timeout() const { return timeout_; }

  /// Collective: ranks that pass the same color form a new communicator,
  /// ordered by key (ties by rank in this one). A negative color joins none
  /// and returns null. Bounded by the timeout like the blocking forms.
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
  /// Blocking, bounded by the timeout.
  virtual void broadcast(void *buf, size_t count, DataType type, int root) = 0;
  virtual void barrier() = 0;

  // Blocking forms: the non-blocking call, waited for (within the timeout).
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

  /// Waits for `request` within the timeout; throws CommTimeout naming
  /// `op` when it passes (the request is then abandoned).
  void await(Request &request, const char *op) const;

protected:
  /// Argument checks shared by the implementations; throw CommError.
  void checkPeer(const char *op, int peer) const;
  void checkTag(const char *op, int tag) const;
  void checkCounts(const char *op, const std::vector<size_t> &counts,
                   const std::vector<size_t> &displs) const;
  /// MPI forbids aliased send and receive buffers outside MPI_IN_PLACE.
  static void checkDistinct(const char *op, const void *in, const void *out);

private:
  std::chrono::milliseconds timeout_{0};
};

/// BF16 <-> FP32 for the FP32-staged BF16 sums: dsc_numerics' conversions.
using numerics::bf16ToFloat;
using numerics::floatToBF16;

} // namespace dsc::comm

#endif // DSC_COMM_COMMUNICATOR_H
