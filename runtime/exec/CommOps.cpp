//===- CommOps.cpp - communication instructions over the Communicator -----===//
//
// send / recv name their peer by world rank, so they run over the world
// communicator; the collectives run over the communicator of their
// Comm.group, which the executor split from the world when it was built.
//
// A send copies its payload and returns at once (the copy is waited for at
// the end of the step); every other call blocks the comm stream it runs on:
// the non-blocking call, waited for. Blocking means a plan must order
// matching sends and receives so that ranks never wait on each other in a
// cycle (a pipeline stage receives its activation before it sends its
// gradient back).
//
// These are bound to the Communicator, not to a backend's kernel table: an
// NCCL communicator moves device memory the same way. Operands move as the
// raw elements of their buffer's dtype (8-bit formats as bytes): the
// Communicator sums BF16 in FP32 itself, so nothing is staged (the plan's
// communication operands are never of a floating kind, and their outputs
// overwrite: plan::outputAccess).
//
//===----------------------------------------------------------------------===//

#include "OpBinding.h"

#include <chrono>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

namespace dsc::exec::detail {
namespace {

using comm::Communicator;
using comm::DataType;
using plan::DType;
using plan::Opcode;

/// The Communicator's type of a plan dtype; other dtypes are refused.
DataType dataType(const OpContext &c, DType dtype, const std::string &operand) {
  switch (dtype) {
  case DType::f32:
    return DataType::F32;
  case DType::bf16:
    return DataType::BF16;
  case DType::i32:
    return DataType::I32;
  case DType::i64:
    return DataType::I64;
  // FP8 tokens and their UE8M0 scales (DeepSeek-V3's FP8 dispatch) move as
  // bytes; the validator keeps them out of sums (OpInfo: Reducible).
  case DType::u8:
  case DType::fp8_e4m3:
  case DType::fp8_e5m2:
  case DType::ue8m0:
    return DataType::U8;
  default:
    c.fail(operand + ": communication moves f32, bf16, i32, i64 and 8-bit "
                     "(u8, FP8, UE8M0) buffers");
  }
}

enum class Alias { None, Same, Partial };

/// Whether input `i` and output `o` share bytes. Only arena views can:
/// every other role is an allocation of its own.
Alias alias(const OpContext &c, size_t i, size_t o) {
  if (c.inst().inputs[i] == c.inst().outputs[o])
    return Alias::Same;
  const plan::Buffer &a = c.in(i), &b = c.out(o);
  if (a.role != plan::BufferRole::activation ||
      b.role != plan::BufferRole::activation)
    return Alias::None;
  int64_t aEnd = a.offset + c.inNumel(i) * int64_t(plan::dtypeBytes(a.dtype));
  int64_t bEnd = b.offset + c.outNumel(o) * int64_t(plan::dtypeBytes(b.dtype));
  if (aEnd <= b.offset || bEnd <= a.offset)
    return Alias::None;
  // The validator made x and y of one dtype and size where that matters.
  return a.offset == b.offset && aEnd == bEnd ? Alias::Same : Alias::Partial;
}

/// The rank's communicator of the instruction's group.
Communicator &groupComm(const OpContext &c) {
  int32_t g = c.inst().comm->group;
  const auto &groups = c.comms().groups;
  if (g < 0 || size_t(g) >= groups.size() || !groups[size_t(g)])
    c.fail("this rank holds no communicator of group g" + std::to_string(g));
  Communicator &comm = *groups[size_t(g)];
  size_t members = c.plan().groups[size_t(g)].ranks.size();
  if (size_t(comm.size()) != members)
    c.fail("the communicator of group g" + std::to_string(g) + " has " +
           std::to_string(comm.size()) + " ranks, the plan's group " +
           std::to_string(members));
  return comm;
}

CommFn bindPointToPoint(const OpContext &c) {
  Communicator *world = c.comms().world;
  int peer = c.inst().comm->peer, tag = c.inst().comm->tag;
  if (c.op() == Opcode::send) {
    size_t count = size_t(c.inNumel(0));
    DataType type = dataType(c, c.in(0).dtype, c.describeIn(0));
    size_t bytes = count * size_t(plan::dtypeBytes(c.in(0).dtype));
    auto *sends = c.comms().sends.get();
    std::string where = c.where();
    return [=](const KernelArgs &a) {
      const auto *data = static_cast<const uint8_t *>(a.in[0]);
      Communicators::PendingSend send{{data, data + bytes}, nullptr, where};
      send.request = world->isend(send.payload.data(), count, type, peer, tag);
      sends->push_back(std::move(send));
    };
  }
  size_t count = size_t(c.outNumel(0));
  DataType type = dataType(c, c.out(0).dtype, c.describeOut(0));
  // Emulated, a message arrives a transfer time after the receive was
  // posted (pessimistic for a receiver that posts late).
  const NetworkModel *network = c.comms().network;
  TransferTime time = network->pointToPoint(
      peer, uint64_t(count) * plan::dtypeBytes(c.out(0).dtype));
  return [=](const KernelArgs &a) {
    auto start = std::chrono::steady_clock::now();
    world->recv(a.out[0], count, type, peer, tag);
    network->holdUntil(start, time);
  };
}

/// Counts of all_to_all_v (rows per group member) as int64, read either
/// width through memcpy.
std::vector<int64_t> readCounts(const void *data, DType dtype, size_t n) {
  std::vector<int64_t> counts(n);
  const auto *bytes = static_cast<const uint8_t *>(data);
  for (size_t r = 0; r < n; ++r) {
    if (dtype == DType::i32) {
      int32_t v;
      std::memcpy(&v, bytes + r * sizeof v, sizeof v);
      counts[r] = v;
    } else {
      std::memcpy(&counts[r], bytes + r * sizeof(int64_t), sizeof(int64_t));
    }
  }
  return counts;
}

void writeCounts(void *data, DType dtype, const std::vector<int64_t> &counts) {
  auto *bytes = static_cast<uint8_t *>(data);
  for (size_t r = 0; r < counts.size(); ++r) {
    if (dtype == DType::i32) {
      auto v = int32_t(counts[r]);
      std::memcpy(bytes + r * sizeof v, &v, sizeof v);
    } else {
      std::memcpy(bytes + r * sizeof(int64_t), &counts[r], sizeof(int64_t));
    }
  }
}

/// Element counts and displacements of blocks of `rows[r]` rows packed in
/// member order; throws unless they are non-negative and fit the `capacity`
/// rows of buffer `holder`. Counts are data, so this is a run-time check.
void layoutBlocks(const std::vector<int64_t> &rows, int64_t rowElems,
                  int64_t capacity, const char *what, const char *holder,
                  std::vector<size_t> &counts, std::vector<size_t> &displs) {
  int64_t used = 0;
  for (size_t r = 0; r < rows.size(); ++r) {
    if (rows[r] < 0)
      throw std::invalid_argument(std::string(what) + "[" + std::to_string(r) +
                                  "] is negative (" + std::to_string(rows[r]) +
                                  ")");
    if (rows[r] > capacity - used)
      throw std::invalid_argument(
          std::string(what) + " of members 0.." + std::to_string(r) +
          " add up to more than the " + std::to_string(capacity) + " rows of " +
          holder);
    counts.push_back(size_t(rows[r] * rowElems));
    displs.push_back(size_t(used * rowElems));
    used += rows[r];
  }
}

/// all_to_all_v: send_counts[r] rows of x, packed in member order, go to
/// group member r; the rows from member r land packed in member order in
/// y, and recv_counts[r] says how many there are. The counts are exchanged
/// first (an all_to_all of one count per member), so recv_counts is
/// written before the data arrives and checked against y's rows.
CommFn bindAllToAllV(const OpContext &c, Communicator &group) {
  size_t n = size_t(group.size());
  c.expectInNumel(1, int64_t(n), "one send count per group member");
  c.expectOutNumel(1, int64_t(n), "one receive count per group member");
  const plan::Buffer &x = c.in(0), &y = c.out(0);
  int64_t xRows = x.shape[0], yRows = y.shape[0];
  int64_t rowElems = xRows   ? c.inNumel(0) / xRows
                     : yRows ? c.outNumel(0) / yRows
                             : 0;
  DataType type = dataType(c, x.dtype, c.describeIn(0));
  DType sendType = c.in(1).dtype, recvType = c.out(1).dtype;
  Communicator *comm = &group;
  const NetworkModel *network = c.comms().network;
  std::vector<int32_t> members =
      c.plan().groups[size_t(c.inst().comm->group)].ranks;
  uint64_t elementBytes = plan::dtypeBytes(x.dtype);
  return [=](const KernelArgs &a) {
    auto start = std::chrono::steady_clock::now();
    std::vector<int64_t> sendRows = readCounts(a.in[1], sendType, n);
    std::vector<size_t> sendCounts, sendDispls, recvCounts, recvDispls;
    layoutBlocks(sendRows, rowElems, xRows, "send_counts", "x", sendCounts,
                 sendDispls);
    std::vector<int64_t> recvRows(n);
    comm->allToAll(sendRows.data(), recvRows.data(), 1, DataType::I64);
    // The counts' exchange is the members' rendezvous: the rows' transfer
    // starts here, and the real copy below stands in for part of its time
    // on the wire.
    start = std::chrono::steady_clock::now();
    layoutBlocks(recvRows, rowElems, yRows, "recv_counts", "y", recvCounts,
                 recvDispls);
    writeCounts(a.out[1], recvType, recvRows);
    comm->allToAllV(a.in[0], sendCounts, sendDispls, a.out[0], recvCounts,
                    recvDispls, type);
    uint64_t sent = 0;
    for (size_t r = 0; r < n; ++r)
      if (int(r) != comm->rank())
        sent += uint64_t(sendCounts[r]) * elementBytes;
    network->holdUntil(
        start, network->collective(Opcode::all_to_all_v, members, sent));
  };
}

/// The call of all_reduce, reduce_scatter, all_gather or all_to_all.
CommFn bindMove(const OpContext &c, Communicator &comm) {
  Communicator *group = &comm;
  DataType type = dataType(c, c.in(0).dtype, c.describeIn(0));
  size_t members = size_t(group->size());
  switch (c.op()) {
  case Opcode::all_reduce: {
    size_t count = size_t(c.inNumel(0));
    return [=](const KernelArgs &a) {
      group->allReduce(a.in[0], a.out[0], count, type);
    };
  }
  // Shards of ceil(whole / members) elements: a whole that does not divide
  // moves through a zero-padded copy (the padding sums to zero in the
  // scatter and is dropped after the gather).
  case Opcode::reduce_scatter:
  case Opcode::all_gather: {
    bool scatter = c.op() == Opcode::reduce_scatter;
    size_t whole = size_t(scatter ? c.inNumel(0) : c.outNumel(0));
    size_t count = size_t(scatter ? c.outNumel(0) : c.inNumel(0));
    size_t elementBytes = plan::dtypeBytes(c.in(0).dtype);
    std::shared_ptr<std::vector<uint8_t>> padded;
    if (whole != count * members)
      padded = std::make_shared<std::vector<uint8_t>>(count * members *
                                                      elementBytes);
    return [=](const KernelArgs &a) {
      const void *in = a.in[0];
      void *out = a.out[0];
      if (padded && scatter)
        in = std::memcpy(padded->data(), in, whole * elementBytes);
      if (padded && !scatter)
        out = padded->data();
      if (scatter)
        group->reduceScatter(in, out, count, type);
      else
        group->allGather(in, out, count, type);
      if (padded && !scatter)
        std::memcpy(a.out[0], out, whole * elementBytes);
    };
  }
  default: { // all_to_all
    size_t count = size_t(c.inNumel(0)) / members;
    return [=](const KernelArgs &a) {
      group->allToAll(a.in[0], a.out[0], count, type);
    };
  }
  }
}

CommFn bindCollective(const OpContext &c) {
  Communicator *group = &groupComm(c);
  Alias shared = alias(c, 0, 0);
  if (shared == Alias::Partial ||
      (shared == Alias::Same && c.op() != Opcode::all_reduce))
    c.fail(c.describeIn(0) + " and " + c.describeOut(0) +
           " share bytes; only all_reduce works in place");
  if (c.op() == Opcode::all_to_all_v)
    return bindAllToAllV(c, *group);
  CommFn move = bindMove(c, *group);
  // Emulated, the collective takes at least the cluster's time for it.
  uint64_t elementBytes = plan::dtypeBytes(c.in(0).dtype);
  uint64_t bytes =
      uint64_t(c.op() == Opcode::all_gather ? c.outNumel(0) : c.inNumel(0)) *
      elementBytes;
  const NetworkModel *network = c.comms().network;
  TransferTime time = network->collective(
      c.op(), c.plan().groups[size_t(c.inst().comm->group)].ranks, bytes);
  return [=](const KernelArgs &a) {
    move(a);
    // The members have met: the transfer takes the cluster's time after.
    network->holdUntil(std::chrono::steady_clock::now(), time);
  };
}

} // namespace

CommFn bindComm(const OpContext &c) {
  if (c.op() == Opcode::send || c.op() == Opcode::recv)
    return bindPointToPoint(c);
  return bindCollective(c);
}

} // namespace dsc::exec::detail
