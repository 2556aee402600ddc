//===- LocalCommunicator.cpp - A world of one process ---------------------===//

#include "dsc/comm/LocalCommunicator.h"

#include <cstring>

namespace dsc::comm {
namespace {

/// Work that finished when it was issued.
class DoneRequest : public Request {
public:
  void wait() override {}
  bool waitUntil(Clock::time_point) override { return true; }
};

RequestPtr done() { return std::make_unique<DoneRequest>(); }

void copy(const void *in, void *out, size_t count, DataType type) {
  size_t bytes = count * dataTypeSize(type);
  // memmove: in-place calls (in == out) are allowed.
  if (bytes && in != out)
    std::memmove(out, in, bytes);
}

} // namespace

class LocalRecvRequest : public Request {
public:
  LocalRecvRequest(LocalCommunicator &comm, void *buf, size_t count,
                   DataType type, int tag)
      : comm(comm), buf(buf), count(count), type(type), tag(tag) {}

  /// One process: the message is there or never will be.
  bool waitUntil(Clock::time_point) override {
    wait();
    return true;
  }

  void wait() override {
    if (finished)
      return;
    finished = true;
    for (auto it = comm.mailbox.begin(); it != comm.mailbox.end(); ++it) {
      if (it->tag != tag)
        continue;
      if (it->type != type)
        throw CommError("recv: message of tag " + std::to_string(tag) +
                        " holds " + dataTypeName(it->type) + ", received as " +
                        dataTypeName(type));
      size_t capacity = count * dataTypeSize(type);
      if (it->bytes.size() > capacity)
        throw CommError("recv: message of " +
                        std::to_string(it->bytes.size() / dataTypeSize(type)) +
                        " elements does not fit a buffer of " +
                        std::to_string(count));
      if (!it->bytes.empty())
        std::memcpy(buf, it->bytes.data(), it->bytes.size());
      comm.mailbox.erase(it);
      return;
    }
    throw CommError("recv: no message of tag " + std::to_string(tag) +
                    " was sent to this rank (a world of one would wait "
                    "forever)");
  }

private:
  LocalCommunicator &comm;
  void *buf;
  size_t count;
  DataType type;
  int tag;
  bool finished = false;
};

std::unique_ptr<Communicator> LocalCommunicator::split(int color, int key) {
  (void)key; // one rank: nothing to order
  if (color < 0)
    return nullptr;
  auto sub = std::make_unique<LocalCommunicator>();
  sub->setTimeout(timeout());
  return sub;
}

RequestPtr LocalCommunicator::isend(const void *buf, size_t count,
                                    DataType type, int peer, int tag) {
  checkPeer("send", peer);
  checkTag("send", tag);
  const auto *p = static_cast<const uint8_t *>(buf);
  mailbox.push_back(
      {tag, type, std::vector<uint8_t>(p, p + count * dataTypeSize(type))});
  return done();
}

RequestPtr LocalCommunicator::irecv(void *buf, size_t count, DataType type,
                                    int peer, int tag) {
  checkPeer("recv", peer);
  checkTag("recv", tag);
  return std::make_unique<LocalRecvRequest>(*this, buf, count, type, tag);
}

RequestPtr LocalCommunicator::iallReduce(const void *in, void *out,
                                         size_t count, DataType type) {
  copy(in, out, count, type);
  return done();
}

RequestPtr LocalCommunicator::ireduceScatter(const void *in, void *out,
                                             size_t count, DataType type) {
  checkDistinct("reduce_scatter", in, out);
  copy(in, out, count, type);
  return done();
}

RequestPtr LocalCommunicator::iallGather(const void *in, void *out,
                                         size_t count, DataType type) {
  checkDistinct("all_gather", in, out);
  copy(in, out, count, type);
  return done();
}

RequestPtr LocalCommunicator::iallToAll(const void *in, void *out, size_t count,
                                        DataType type) {
  checkDistinct("all_to_all", in, out);
  copy(in, out, count, type);
  return done();
}

RequestPtr LocalCommunicator::iallToAllV(const void *in,
                                         const std::vector<size_t> &sendCounts,
                                         const std::vector<size_t> &sendDispls,
                                         void *out,
                                         const std::vector<size_t> &recvCounts,
                                         const std::vector<size_t> &recvDispls,
                                         DataType type) {
  checkDistinct("all_to_all_v", in, out);
  checkCounts("all_to_all_v", sendCounts, sendDispls);
  checkCounts("all_to_all_v", recvCounts, recvDispls);
  if (sendCounts[0] != recvCounts[0])
    throw CommError("all_to_all_v: rank 0 sends " +
                    std::to_string(sendCounts[0]) +
                    " elements to itself but "
                    "expects " +
                    std::to_string(recvCounts[0]));
  size_t elem = dataTypeSize(type);
  copy(static_cast<const uint8_t *>(in) + sendDispls[0] * elem,
       static_cast<uint8_t *>(out) + recvDispls[0] * elem, sendCounts[0], type);
  return done();
}

void LocalCommunicator::broadcast(void *buf, size_t count, DataType type,
                                  int root) {
  (void)buf, (void)count, (void)type;
  checkPeer("broadcast", root);
}

} // namespace dsc::comm
