//===- ExpertLoads.h - the expert loads a training run measured -*- C++ -*-===//
//
// Every router's plan buffer "<scope>.loads" counts the tokens it gave each
// expert in a step (the routing bias's update reads it; the optimizer then
// zeroes it). `dsc-run --expert-loads FILE` adds them up over the run and
// the world and writes the load file `dsc place --loads` and
// dsc-expert-placement read, one row per MoE layer in model order, so a
// user re-places experts from a real run (EPLB's workflow) and recompiles.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_EXEC_EXPERTLOADS_H
#define DSC_EXEC_EXPERTLOADS_H

#include "dsc/comm/Communicator.h"
#include "dsc/exec/Buffers.h"
#include "dsc/plan/Plan.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dsc::exec {

/// One router's loads: tokens per expert.
struct RouterLoads {
  std::string router; // "model.layers.3.mlp.gate"
  std::vector<double> tokens;
};

class ExpertLoadMeter {
public:
  /// The routers of `plan` (every rank's, in layer order) and those world
  /// rank `rank` (resolved) holds.
  ExpertLoadMeter(const plan::Plan &plan, const plan::Rank &rank);

  /// Adds the step's loads; call once the step's forward passes ran and
  /// before the optimizer zeroes them.
  void add(const BufferSet &buffers);
  uint64_t steps() const { return steps_; }

  /// Collective over `world`: every router with its loads summed over the
  /// ranks (DualPipe's two copies of a stage and data-parallel replicas
  /// each saw their own micro-batches). Throws ExecError.
  std::vector<RouterLoads> gather(comm::Communicator &world) const;

private:
  struct Held {
    uint32_t buffer;
    size_t router; // index into routers_
  };
  std::vector<RouterLoads> routers_; // this rank's sums, zeros elsewhere
  std::vector<Held> held_;
  uint64_t steps_ = 0;
};

/// The load file: {"routers": [...], "steps": N, "loads": [[...], ...]}.
std::string expertLoadsJson(const std::vector<RouterLoads> &loads,
                            uint64_t steps);

} // namespace dsc::exec

#endif // DSC_EXEC_EXPERTLOADS_H
