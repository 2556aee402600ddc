//===- LocalCommunicator.h - A world of one process -------------*- C++ -*-===//
//
// Single-process runs (tests, one-rank plans) without MPI: every collective
// over one rank is a copy, and point-to-point messages go to the rank
// itself through a mailbox. It checks arguments exactly as a real
// communicator would, so a plan that misuses communication fails here too
// rather than only at scale.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_COMM_LOCALCOMMUNICATOR_H
#define DSC_COMM_LOCALCOMMUNICATOR_H

#include "dsc/comm/Communicator.h"

#include <deque>

namespace dsc::comm {

class LocalCommunicator : public Communicator {
public:
  int rank() const override { return 0; }
  int size() const override { return 1; }

  std::unique_ptr<Communicator> split(int color, int key) override;

  /// Sends to self complete at once (the message is buffered); a receive
  /// completes at wait() with the oldest buffered message of its tag, and
  /// throws if there is none (with one process it would never arrive).
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
  void barrier() override {}

  /// Messages sent to self and not yet received.
  size_t pendingMessages() const { return mailbox.size(); }

private:
  struct Message {
    int tag;
    DataType type;
    std::vector<uint8_t> bytes;
  };
  std::deque<Message> mailbox;

  friend class LocalRecvRequest;
};

} // namespace dsc::comm

#endif // DSC_COMM_LOCALCOMMUNICATOR_H
