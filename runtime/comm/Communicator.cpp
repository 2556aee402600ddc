//===- Communicator.cpp - Shared parts of the communicators ---------------===//

#include "dsc/comm/Communicator.h"

#include <cstdio>

namespace dsc::comm {

size_t dataTypeSize(DataType type) {
  switch (type) {
  case DataType::F32:
  case DataType::I32:
    return 4;
  case DataType::BF16:
    return 2;
  case DataType::I64:
    return 8;
  case DataType::U8:
    return 1;
  }
  throw CommError("unknown data type");
}

const char *dataTypeName(DataType type) {
  switch (type) {
  case DataType::F32:
    return "f32";
  case DataType::BF16:
    return "bf16";
  case DataType::I32:
    return "i32";
  case DataType::I64:
    return "i64";
  case DataType::U8:
    return "u8";
  }
  return "?";
}

Request::~Request() = default;
Communicator::~Communicator() = default;

namespace {

/// "rank 1", "ranks 1, 2" (as world ranks where a map is given).
std::string rankList(const std::vector<int> &ranks,
                     const std::vector<int32_t> &worldRanks) {
  std::string text = ranks.size() == 1 ? "rank " : "ranks ";
  for (size_t i = 0; i < ranks.size(); ++i) {
    int r = ranks[i];
    bool mapped = r >= 0 && size_t(r) < worldRanks.size();
    text +=
        (i ? ", " : "") + std::to_string(mapped ? worldRanks[size_t(r)] : r);
  }
  return text;
}

std::string seconds(std::chrono::milliseconds t) {
  char text[32];
  std::snprintf(text, sizeof text, "%g s", double(t.count()) / 1000);
  return text;
}

/// What a timed-out wait waited for; see CommTimeout::describe.
std::string describeTimeout(const std::string &op,
                            std::chrono::milliseconds timeout,
                            const std::vector<int> &absent,
                            const std::vector<int> &peers,
                            const std::vector<int32_t> &worldRanks) {
  std::string text = "no progress for " + seconds(timeout);
  std::string missing = op == "recv"   ? "sent the message"
                        : op == "send" ? "received the message"
                                       : "reached this " + op;
  if (!absent.empty())
    return text + ": waiting for " + rankList(absent, worldRanks) +
           (absent.size() == 1 ? ", which has" : ", which have") + " not " +
           missing + " (stopped, stuck or waiting elsewhere)";
  if (!peers.empty())
    return text + " although every rank reached this " + op + ": " +
           (peers.size() == 1 ? "" : "one of ") + rankList(peers, worldRanks) +
           " stopped inside it";
  return text;
}

} // namespace

CommTimeout::CommTimeout(std::string op, std::chrono::milliseconds timeout,
                         std::vector<int> absent, std::vector<int> peers)
    : CommError(op + ": " + describeTimeout(op, timeout, absent, peers, {}),
                ErrorCode::DeadlineExceeded),
      op_(std::move(op)), timeout_(timeout), absent_(std::move(absent)),
      peers_(std::move(peers)) {}

std::string
CommTimeout::describe(const std::vector<int32_t> &worldRanks) const {
  return describeTimeout(op_, timeout_, absent_, peers_, worldRanks);
}

void Communicator::await(Request &request, const char *op) const {
  if (timeout_.count() == 0) {
    request.wait();
    return;
  }
  if (!request.waitUntil(Clock::now() + timeout_))
    throw CommTimeout(op, timeout_, request.absentRanks(), request.peerRanks());
}

void Communicator::send(const void *buf, size_t count, DataType type, int peer,
                        int tag) {
  await(*isend(buf, count, type, peer, tag), "send");
}
void Communicator::recv(void *buf, size_t count, DataType type, int peer,
                        int tag) {
  await(*irecv(buf, count, type, peer, tag), "recv");
}
void Communicator::allReduce(const void *in, void *out, size_t count,
                             DataType type) {
  await(*iallReduce(in, out, count, type), "all_reduce");
}
void Communicator::reduceScatter(const void *in, void *out, size_t count,
                                 DataType type) {
  await(*ireduceScatter(in, out, count, type), "reduce_scatter");
}
void Communicator::allGather(const void *in, void *out, size_t count,
                             DataType type) {
  await(*iallGather(in, out, count, type), "all_gather");
}
void Communicator::allToAll(const void *in, void *out, size_t count,
                            DataType type) {
  await(*iallToAll(in, out, count, type), "all_to_all");
}
void Communicator::allToAllV(const void *in,
                             const std::vector<size_t> &sendCounts,
                             const std::vector<size_t> &sendDispls, void *out,
                             const std::vector<size_t> &recvCounts,
                             const std::vector<size_t> &recvDispls,
                             DataType type) {
  await(*iallToAllV(in, sendCounts, sendDispls, out, recvCounts, recvDispls,
                    type),
        "all_to_all_v");
}

void Communicator::checkPeer(const char *op, int peer) const {
  if (peer < 0 || peer >= size())
    throw CommError(std::string(op) + ": peer " + std::to_string(peer) +
                        " outside a communicator of " + std::to_string(size()) +
                        " ranks",
                    ErrorCode::InvalidArgument);
}

void Communicator::checkTag(const char *op, int tag) const {
  if (tag < 0)
    throw CommError(std::string(op) + ": negative tag " + std::to_string(tag),
                    ErrorCode::InvalidArgument);
}

void Communicator::checkCounts(const char *op,
                               const std::vector<size_t> &counts,
                               const std::vector<size_t> &displs) const {
  if (counts.size() != static_cast<size_t>(size()) ||
      displs.size() != static_cast<size_t>(size()))
    throw CommError(std::string(op) + ": " + std::to_string(counts.size()) +
                        " counts and " + std::to_string(displs.size()) +
                        " displacements for " + std::to_string(size()) +
                        " ranks",
                    ErrorCode::InvalidArgument);
}

void Communicator::checkDistinct(const char *op, const void *in,
                                 const void *out) {
  if (in && in == out)
    throw CommError(std::string(op) +
                        ": input and output are the same buffer (only "
                        "all_reduce works in place)",
                    ErrorCode::InvalidArgument);
}

} // namespace dsc::comm
