//===- NetworkModel.cpp - communication times on the plan's cluster -------===//

#include "NetworkModel.h"
#include <algorithm>

#include <thread>

namespace dsc::exec::detail {

bool NetworkModel::sameNode(int32_t a, int32_t b) const {
  auto node = [&](int32_t r) {
    return r >= 0 && size_t(r) < plan_.placement.size()
               ? plan_.placement[size_t(r)].node
               : -1;
  };
  return node(a) == node(b);
}

const plan::Link &NetworkModel::link(bool acrossNodes) const {
  return acrossNodes ? plan_.infiniband : plan_.nvlink;
}

static TransferTime over(const plan::Link &link, double bytes,
                         double latencies) {
  TransferTime t;
  t.latency = latencies * link.latencyUs * 1e-6;
  t.bandwidth = link.gbps > 0 ? bytes / (link.gbps * 1e9) : 0;
  return t;
}

TransferTime NetworkModel::pointToPoint(int32_t peer, uint64_t bytes) const {
  return over(link(!sameNode(rank_, peer)), double(bytes), 1);
}

TransferTime NetworkModel::collective(plan::Opcode op,
                                      const std::vector<int32_t> &group,
                                      uint64_t bytes) const {
  auto n = double(group.size());
  if (group.size() <= 1)
    return {};
  bool across = false;
  for (int32_t r : group)
    across = across || !sameNode(group.front(), r);
  const plan::Link &l = link(across);
  double share = (n - 1) / n;
  switch (op) {
  case plan::Opcode::all_reduce: // reduce-scatter, then all-gather
    return over(l, 2 * share * double(bytes), 2 * (n - 1));
  case plan::Opcode::reduce_scatter:
  case plan::Opcode::all_gather:
    return over(l, share * double(bytes), n - 1);
  case plan::Opcode::all_to_all:
    return over(l, share * double(bytes), 1);
  default: // all_to_all_v: what this rank sends to the others
    return over(l, double(bytes), 1);
  }
}

void NetworkModel::holdUntil(std::chrono::steady_clock::time_point start,
                             TransferTime time) const {
  if (speed_ <= 0)
    return;
  double seconds = time.latency + time.bandwidth / speed_;
  std::this_thread::sleep_until(
      start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                  std::chrono::duration<double>(seconds)));
  // The transfer lasted the model's time, or the real call's where that
  // took longer.
  double lasted =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  lastHeld_.store(std::max(seconds, lasted), std::memory_order_relaxed);
}

} // namespace dsc::exec::detail
