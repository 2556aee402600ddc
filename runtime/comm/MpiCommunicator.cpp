//===- MpiCommunicator.cpp - Communication over MPI -----------------------===//
//
// A thin mapping onto MPI's non-blocking calls. MPI has no BF16 type: BF16
// moves as 16-bit integers, and BF16 sums are staged through FP32 buffers
// owned by the request (converted back when it completes). Communicators
// report errors instead of aborting (MPI_ERRORS_RETURN), so a failure
// becomes a CommError naming the operation.
//
// Deadlines: waitUntil polls MPI_Test. To tell which member a collective
// waits for, every collective is preceded by an arrival note: an empty
// message from each member to every other on a shadow communicator (a
// duplicate, so notes never match the dsc traffic). MPI keeps messages
// between two ranks in order, so the k-th note receive from a member
// matches its k-th collective; after a timeout, the members whose note
// has not arrived are those that never reached the collective. Notes cost
// 2 (n - 1) empty messages per collective, which the groups of a CPU run
// (a few ranks) do not notice.
//
//===----------------------------------------------------------------------===//

#include "dsc/comm/MpiCommunicator.h"

#include <climits>
#include <cstdlib>
#include <functional>
#include <mpi.h>
#include <thread>

namespace dsc::comm {

struct MpiCommunicator::Impl {
  MPI_Comm comm = MPI_COMM_NULL;
  /// The arrival notes' duplicate of comm.
  MPI_Comm notes = MPI_COMM_NULL;
  int rank = 0;
  int size = 0;
};

namespace {

void check(int rc, const std::string &op) {
  if (rc == MPI_SUCCESS)
    return;
  char message[MPI_MAX_ERROR_STRING];
  int length = 0;
  if (MPI_Error_string(rc, message, &length) != MPI_SUCCESS)
    length = 0;
  throw CommError(op + ": MPI error " + std::to_string(rc) +
                  (length ? ": " + std::string(message, length) : ""));
}

/// MPI counts are int; refuse larger ones rather than truncate.
int toInt(size_t n, const char *op) {
  if (n > static_cast<size_t>(INT_MAX))
    throw CommError(std::string(op) + ": " + std::to_string(n) +
                    " elements exceed MPI's int count range");
  return static_cast<int>(n);
}

/// The MPI type that moves `type` (BF16 as opaque 16-bit words).
MPI_Datatype moveType(DataType type) {
  switch (type) {
  case DataType::F32:
    return MPI_FLOAT;
  case DataType::BF16:
    return MPI_UINT16_T;
  case DataType::I32:
    return MPI_INT32_T;
  case DataType::I64:
    return MPI_INT64_T;
  case DataType::U8:
    return MPI_UINT8_T;
  }
  throw CommError("unknown data type");
}

/// Between polls of a long wait: spin first (latency), then yield and
/// sleep, so waiting ranks leave oversubscribed cores to those computing.
void backOff(unsigned polls) {
  if (polls < 100)
    return;
  if (polls < 200)
    std::this_thread::yield();
  else
    std::this_thread::sleep_for(std::chrono::microseconds(50));
}

class MpiRequest : public Request {
public:
  MpiRequest(std::string op, std::vector<int> peers)
      : op(std::move(op)), peers(std::move(peers)) {}
  ~MpiRequest() override {
    if (finished)
      return;
    if (timedOut) {
      // Abandoned after a deadline (the job is ending): MPI may still
      // write to the staging, so it is deliberately never freed.
      auto *kept = new Abandoned{std::move(stageIn), std::move(stageOut),
                                 std::move(ints)};
      (void)kept;
      return;
    }
    // MPI may still write to the buffers: complete before they go away.
    try {
      wait();
    } catch (...) {
    }
  }

  void wait() override {
    if (finished)
      return;
    finished = true;
    check(MPI_Wait(&request, MPI_STATUS_IGNORE), op);
    complete();
  }

  bool waitUntil(Clock::time_point deadline) override {
    if (finished)
      return true;
    for (unsigned polls = 0;; ++polls) {
      int done = 0;
      int rc = MPI_Test(&request, &done, MPI_STATUS_IGNORE);
      if (rc != MPI_SUCCESS || done) {
        finished = true;
        check(rc, op);
        complete();
        return true;
      }
      if (Clock::now() >= deadline) {
        timedOut = true;
        return false;
      }
      backOff(polls);
    }
  }

  std::vector<int> absentRanks() const override {
    if (notePeers.empty()) // point to point: the peer
      return peers;
    std::vector<int> absent;
    for (size_t i = 0; i < noteRecvs.size(); ++i) {
      int arrived = 0;
      if (MPI_Test(&noteRecvs[i], &arrived, MPI_STATUS_IGNORE) != MPI_SUCCESS ||
          !arrived)
        absent.push_back(notePeers[i]);
    }
    return absent;
  }

  std::vector<int> peerRanks() const override { return peers; }

  /// Posts this rank's arrival note to every other member of `impl` and a
  /// receive for each of theirs: call before starting a collective.
  void announce(const MpiCommunicator::Impl &impl) {
    for (int r = 0; r < impl.size; ++r) {
      if (r == impl.rank)
        continue;
      notePeers.push_back(r);
      noteRecvs.emplace_back();
      noteSends.emplace_back();
      check(
          MPI_Irecv(nullptr, 0, MPI_BYTE, r, 0, impl.notes, &noteRecvs.back()),
          op);
      check(
          MPI_Isend(nullptr, 0, MPI_BYTE, r, 0, impl.notes, &noteSends.back()),
          op);
    }
  }

  std::string op;
  MPI_Request request = MPI_REQUEST_NULL;
  // Staging for BF16 sums and count arrays that must outlive the call.
  std::vector<float> stageIn, stageOut;
  std::vector<int> ints;
  std::function<void()> finish;

private:
  struct Abandoned {
    std::vector<float> stageIn, stageOut;
    std::vector<int> ints;
  };

  void complete() {
    // Notes of a completed collective need no answer: freed requests
    // still match their messages, keeping later notes in order.
    for (std::vector<MPI_Request> *list : {&noteRecvs, &noteSends})
      for (MPI_Request &note : *list)
        if (note != MPI_REQUEST_NULL)
          MPI_Request_free(&note);
    if (finish)
      finish();
  }

  std::vector<int> peers;
  std::vector<int> notePeers;
  mutable std::vector<MPI_Request> noteRecvs;
  std::vector<MPI_Request> noteSends;
  bool finished = false;
  bool timedOut = false;
};

/// Every rank of `impl` but its own.
std::vector<int> othersOf(const MpiCommunicator::Impl &impl) {
  std::vector<int> others;
  for (int r = 0; r < impl.size; ++r)
    if (r != impl.rank)
      others.push_back(r);
  return others;
}

/// A collective's request, its arrival notes posted.
std::unique_ptr<MpiRequest> collective(const char *op,
                                       const MpiCommunicator::Impl &impl) {
  auto r = std::make_unique<MpiRequest>(op, othersOf(impl));
  r->announce(impl);
  return r;
}

/// A communicator's Impl around `comm`, with its notes' duplicate.
void adopt(MPI_Comm comm, MpiCommunicator::Impl &impl) {
  impl.comm = comm;
  MPI_Comm_set_errhandler(impl.comm, MPI_ERRORS_RETURN);
  MPI_Comm_rank(impl.comm, &impl.rank);
  MPI_Comm_size(impl.comm, &impl.size);
  check(MPI_Comm_dup(impl.comm, &impl.notes), "MPI_Comm_dup");
  MPI_Comm_set_errhandler(impl.notes, MPI_ERRORS_RETURN);
}

std::vector<float> widen(const void *in, size_t count) {
  std::vector<float> out(count);
  const auto *p = static_cast<const uint16_t *>(in);
  for (size_t i = 0; i < count; ++i)
    out[i] = bf16ToFloat(p[i]);
  return out;
}

void narrow(const std::vector<float> &in, void *out) {
  auto *p = static_cast<uint16_t *>(out);
  for (size_t i = 0; i < in.size(); ++i)
    p[i] = floatToBF16(in[i]);
}

} // namespace

bool mpiAvailable() { return true; }

MpiEnvironment::MpiEnvironment(int *argc, char ***argv) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (initialized)
    throw CommError("MPI is already initialized (one MpiEnvironment per "
                    "process)");
  int provided = 0;
  check(MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided),
        "MPI_Init_thread");
  if (provided < MPI_THREAD_SERIALIZED) {
    MPI_Finalize();
    throw CommError("this MPI does not support MPI_THREAD_SERIALIZED, which "
                    "the executor's communication thread needs");
  }
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
}

MpiEnvironment::~MpiEnvironment() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized)
    MPI_Finalize();
}

std::unique_ptr<Communicator> MpiEnvironment::world() {
  // A duplicate, so dsc's traffic never matches messages of other code
  // using MPI_COMM_WORLD.
  auto impl = std::make_unique<MpiCommunicator::Impl>();
  MPI_Comm comm = MPI_COMM_NULL;
  check(MPI_Comm_dup(MPI_COMM_WORLD, &comm), "MPI_Comm_dup");
  adopt(comm, *impl);
  return std::make_unique<MpiCommunicator>(std::move(impl));
}

void MpiEnvironment::abortAll(int code) {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code); // MPI_Abort does not return on Open MPI; be sure.
}

MpiCommunicator::MpiCommunicator(std::unique_ptr<Impl> impl)
    : impl(std::move(impl)) {}

MpiCommunicator::~MpiCommunicator() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (finalized)
    return;
  for (MPI_Comm *comm : {&impl->comm, &impl->notes})
    if (*comm != MPI_COMM_NULL)
      MPI_Comm_free(comm);
}

int MpiCommunicator::rank() const { return impl->rank; }
int MpiCommunicator::size() const { return impl->size; }

std::unique_ptr<Communicator> MpiCommunicator::split(int color, int key) {
  // MPI_Comm_split blocks without a deadline: a timed barrier first, so a
  // rank that never comes is named here instead.
  auto arrived = collective("split", *impl);
  check(MPI_Ibarrier(impl->comm, &arrived->request), "split");
  await(*arrived, "split");
  MPI_Comm comm = MPI_COMM_NULL;
  check(
      MPI_Comm_split(impl->comm, color < 0 ? MPI_UNDEFINED : color, key, &comm),
      "split");
  if (comm == MPI_COMM_NULL)
    return nullptr;
  auto sub = std::make_unique<Impl>();
  adopt(comm, *sub);
  auto result = std::make_unique<MpiCommunicator>(std::move(sub));
  result->setTimeout(timeout());
  return result;
}

RequestPtr MpiCommunicator::isend(const void *buf, size_t count, DataType type,
                                  int peer, int tag) {
  checkPeer("send", peer);
  checkTag("send", tag);
  auto r = std::make_unique<MpiRequest>("send", std::vector<int>{peer});
  check(MPI_Isend(buf, toInt(count, "send"), moveType(type), peer, tag,
                  impl->comm, &r->request),
        "send");
  return r;
}

RequestPtr MpiCommunicator::irecv(void *buf, size_t count, DataType type,
                                  int peer, int tag) {
  checkPeer("recv", peer);
  checkTag("recv", tag);
  auto r = std::make_unique<MpiRequest>("recv", std::vector<int>{peer});
  check(MPI_Irecv(buf, toInt(count, "recv"), moveType(type), peer, tag,
                  impl->comm, &r->request),
        "recv");
  return r;
}

RequestPtr MpiCommunicator::iallReduce(const void *in, void *out, size_t count,
                                       DataType type) {
  auto r = collective("all_reduce", *impl);
  int n = toInt(count, "all_reduce");
  if (type == DataType::BF16) {
    r->stageIn = widen(in, count);
    r->stageOut.resize(count);
    MpiRequest *raw = r.get();
    r->finish = [raw, out] { narrow(raw->stageOut, out); };
    check(MPI_Iallreduce(r->stageIn.data(), r->stageOut.data(), n, MPI_FLOAT,
                         MPI_SUM, impl->comm, &r->request),
          "all_reduce");
    return r;
  }
  check(MPI_Iallreduce(in == out ? MPI_IN_PLACE : in, out, n, moveType(type),
                       MPI_SUM, impl->comm, &r->request),
        "all_reduce");
  return r;
}

RequestPtr MpiCommunicator::ireduceScatter(const void *in, void *out,
                                           size_t count, DataType type) {
  checkDistinct("reduce_scatter", in, out);
  auto r = collective("reduce_scatter", *impl);
  int n = toInt(count, "reduce_scatter");
  toInt(count * static_cast<size_t>(impl->size), "reduce_scatter");
  if (type == DataType::BF16) {
    r->stageIn = widen(in, count * impl->size);
    r->stageOut.resize(count);
    MpiRequest *raw = r.get();
    r->finish = [raw, out] { narrow(raw->stageOut, out); };
    check(MPI_Ireduce_scatter_block(r->stageIn.data(), r->stageOut.data(), n,
                                    MPI_FLOAT, MPI_SUM, impl->comm,
                                    &r->request),
          "reduce_scatter");
    return r;
  }
  check(MPI_Ireduce_scatter_block(in, out, n, moveType(type), MPI_SUM,
                                  impl->comm, &r->request),
        "reduce_scatter");
  return r;
}

RequestPtr MpiCommunicator::iallGather(const void *in, void *out, size_t count,
                                       DataType type) {
  checkDistinct("all_gather", in, out);
  auto r = collective("all_gather", *impl);
  int n = toInt(count, "all_gather");
  toInt(count * static_cast<size_t>(impl->size), "all_gather");
  check(MPI_Iallgather(in, n, moveType(type), out, n, moveType(type),
                       impl->comm, &r->request),
        "all_gather");
  return r;
}

RequestPtr MpiCommunicator::iallToAll(const void *in, void *out, size_t count,
                                      DataType type) {
  checkDistinct("all_to_all", in, out);
  auto r = collective("all_to_all", *impl);
  int n = toInt(count, "all_to_all");
  toInt(count * static_cast<size_t>(impl->size), "all_to_all");
  check(MPI_Ialltoall(in, n, moveType(type), out, n, moveType(type), impl->comm,
                      &r->request),
        "all_to_all");
  return r;
}

RequestPtr MpiCommunicator::iallToAllV(const void *in,
                                       const std::vector<size_t> &sendCounts,
                                       const std::vector<size_t> &sendDispls,
                                       void *out,
                                       const std::vector<size_t> &recvCounts,
                                       const std::vector<size_t> &recvDispls,
                                       DataType type) {
  checkDistinct("all_to_all_v", in, out);
  const char *op = "all_to_all_v";
  checkCounts(op, sendCounts, sendDispls);
  checkCounts(op, recvCounts, recvDispls);
  auto r = collective(op, *impl);
  // MPI reads the count arrays until completion: the request owns them.
  size_t p = static_cast<size_t>(impl->size);
  r->ints.resize(4 * p);
  for (size_t i = 0; i < p; ++i) {
    r->ints[i] = toInt(sendCounts[i], op);
    r->ints[p + i] = toInt(sendDispls[i], op);
    r->ints[2 * p + i] = toInt(recvCounts[i], op);
    r->ints[3 * p + i] = toInt(recvDispls[i], op);
  }
  int *ints = r->ints.data();
  check(MPI_Ialltoallv(in, ints, ints + p, moveType(type), out, ints + 2 * p,
                       ints + 3 * p, moveType(type), impl->comm, &r->request),
        op);
  return r;
}

void MpiCommunicator::broadcast(void *buf, size_t count, DataType type,
                                int root) {
  checkPeer("broadcast", root);
  auto r = collective("broadcast", *impl);
  check(MPI_Ibcast(buf, toInt(count, "broadcast"), moveType(type), root,
                   impl->comm, &r->request),
        "broadcast");
  await(*r, "broadcast");
}

void MpiCommunicator::barrier() {
  auto r = collective("barrier", *impl);
  check(MPI_Ibarrier(impl->comm, &r->request), "barrier");
  await(*r, "barrier");
}

} // namespace dsc::comm
