//===- NetworkModel.h - communication times on the plan's cluster (private)
//-===//
//
// dsc-run --emulate-network SPEED makes every communication take at least
// as long as the cluster the plan was compiled for would take, its links'
// bandwidths scaled by SPEED: NVLink between ranks of one node, InfiniBand
// as soon as a transfer or group spans nodes (Plan.placement), bytes over
// bandwidth plus latency, collectives as rings. The comm stream sleeps off
// the difference, so one machine shows what overlap buys on a cluster;
// results are unchanged.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_EXEC_NETWORKMODEL_H
#define DSC_EXEC_NETWORKMODEL_H

#include "dsc/plan/Plan.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <vector>

namespace dsc::exec::detail {

/// Seconds of a transfer at full speed: its latency and its bytes over the
/// link's bandwidth (the part SPEED scales).
struct TransferTime {
  double latency = 0;
  double bandwidth = 0;
};

class NetworkModel {
public:
  NetworkModel(const plan::Plan &plan, int32_t rank)
      : plan_(plan), rank_(rank) {}

  /// SPEED (0: no emulation).
  void setSpeed(double speed) { speed_ = speed; }
  double speed() const { return speed_; }

  /// A message of `bytes` to or from world rank `peer`.
  TransferTime pointToPoint(int32_t peer, uint64_t bytes) const;
  /// Collective `op` over world ranks `group`: all_reduce, reduce_scatter
  /// (bytes: the whole input), all_gather (the whole output), all_to_all
  /// (the whole input), all_to_all_v (the bytes this rank sends to the
  /// others).
  TransferTime collective(plan::Opcode op, const std::vector<int32_t> &group,
                          uint64_t bytes) const;

  /// Sleeps until `start` plus `time` at the current speed; returns at
  /// once without emulation. A transfer starts when its data can move: a
  /// send when posted, all_to_all_v's rows when the members have met (their
  /// counts' exchange), the other collectives after their real call.
  void holdUntil(std::chrono::steady_clock::time_point start,
                 TransferTime time) const;
  /// The seconds the last transfer took from its start (for the trace):
  /// the modeled time, or the real call's where that was longer; 0 before
  /// any.
  double lastHeld() const { return lastHeld_.load(std::memory_order_relaxed); }

private:
  const plan::Link &link(bool acrossNodes) const;
  bool sameNode(int32_t a, int32_t b) const;

  const plan::Plan &plan_;
  int32_t rank_;
  double speed_ = 0;
  mutable std::atomic<double> lastHeld_{0};
};

} // namespace dsc::exec::detail

#endif // DSC_EXEC_NETWORKMODEL_H
