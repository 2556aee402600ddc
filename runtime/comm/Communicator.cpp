//===- Communicator.cpp - Shared parts of the communicators ---------------===//

#include "dsc/comm/Communicator.h"

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

void Communicator::send(const void *buf, size_t count, DataType type, int peer,
                        int tag) {
  isend(buf, count, type, peer, tag)->wait();
}
void Communicator::recv(void *buf, size_t count, DataType type, int peer,
                        int tag) {
  irecv(buf, count, type, peer, tag)->wait();
}
void Communicator::allReduce(const void *in, void *out, size_t count,
                             DataType type) {
  iallReduce(in, out, count, type)->wait();
}
void Communicator::reduceScatter(const void *in, void *out, size_t count,
                                 DataType type) {
  ireduceScatter(in, out, count, type)->wait();
}
void Communicator::allGather(const void *in, void *out, size_t count,
                             DataType type) {
  iallGather(in, out, count, type)->wait();
}
void Communicator::allToAll(const void *in, void *out, size_t count,
                            DataType type) {
  iallToAll(in, out, count, type)->wait();
}
void Communicator::allToAllV(const void *in,
                             const std::vector<size_t> &sendCounts,
                             const std::vector<size_t> &sendDispls, void *out,
                             const std::vector<size_t> &recvCounts,
                             const std::vector<size_t> &recvDispls,
                             DataType type) {
  iallToAllV(in, sendCounts, sendDispls, out, recvCounts, recvDispls, type)
      ->wait();
}

void Communicator::checkPeer(const char *op, int peer) const {
  if (peer < 0 || peer >= size())
    throw CommError(std::string(op) + ": peer " + std::to_string(peer) +
                    " outside a communicator of " + std::to_string(size()) +
                    " ranks");
}

void Communicator::checkTag(const char *op, int tag) const {
  if (tag < 0)
    throw CommError(std::string(op) + ": negative tag " + std::to_string(tag));
}

void Communicator::checkCounts(const char *op,
                               const std::vector<size_t> &counts,
                               const std::vector<size_t> &displs) const {
  if (counts.size() != static_cast<size_t>(size()) ||
      displs.size() != static_cast<size_t>(size()))
    throw CommError(std::string(op) + ": " + std::to_string(counts.size()) +
                    " counts and " + std::to_string(displs.size()) +
                    " displacements for " + std::to_string(size()) + " ranks");
}

void Communicator::checkDistinct(const char *op, const void *in,
                                 const void *out) {
  if (in && in == out)
    throw CommError(std::string(op) +
                    ": input and output are the same buffer (only "
                    "all_reduce works in place)");
}

} // namespace dsc::comm
