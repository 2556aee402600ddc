//===- OpBinding.h - from an instruction to a launch description (private) ===//
//
// Binding happens once, when the executor loads a plan: each instruction's
// binder checks every shape assumption the op makes (the validator has
// checked ids, counts and dtypes, not how shapes fit together) and derives
// its launch description (Launch.h): sizes and attributes, nothing of a
// backend. A plan whose shapes do not fit is refused there, with the rank,
// program and instruction named, instead of crashing mid-step; the
// device's kernel table then supplies the launch (KernelTable.h).
//
// Binders never look at storage types except where an op takes them raw
// (AdamW's moments, fill's patterns, copy's bytes): how a backend computes
// on BF16 / F16 storage is its own business (the CPU's: FP32 staging).
// Communication is bound here too, but to the Communicator, not to a
// backend's kernel (CommOps.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef DSC_EXEC_OPBINDING_H
#define DSC_EXEC_OPBINDING_H

#include "NetworkModel.h"
#include "dsc/comm/Communicator.h"
#include "dsc/exec/KernelTable.h"
#include "dsc/exec/Launch.h"
#include "dsc/plan/OpInfo.h"
#include "dsc/plan/Plan.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace dsc::exec::detail {

/// A communication call on its operands' buffers (KernelArgs: the
/// buffers' own bytes).
using CommFn = std::function<void(const KernelArgs &)>;

/// The communicators of an executor's rank: the world (point-to-point
/// peers are world ranks) and, per plan group (Plan.groups order), its
/// communicator of that group, null where the rank is not a member.
struct Communicators {
  comm::Communicator *world = nullptr;
  std::vector<std::unique_ptr<comm::Communicator>> groups;
  /// Sends in flight, each from a copy of its payload: a send never waits
  /// for its receiver, and the buffer it sent from may be rewritten by the
  /// next micro-batch at once. The executor waits for them at the end of
  /// the step (Executor::finishStep).
  struct PendingSend {
    std::vector<uint8_t> payload;
    comm::RequestPtr request;
    std::string where;
  };
  std::unique_ptr<std::vector<PendingSend>> sends =
      std::make_unique<std::vector<PendingSend>>();
  /// The cluster's link model, which communication waits out when the
  /// network is emulated (NetworkModel.h); set by the executor.
  const NetworkModel *network = nullptr;
};

/// What a binder sees of one instruction.
class OpContext {
public:
  OpContext(const plan::Plan &plan, const plan::Rank &rank,
            const plan::Instruction &inst, std::string where,
            const std::map<uint32_t, int64_t> &expertCounts,
            const Communicators &comms);

  const plan::Plan &plan() const { return plan_; }
  const plan::Instruction &inst() const { return inst_; }
  plan::Opcode op() const { return inst_.op; }
  const std::string &where() const { return where_; }
  const Communicators &comms() const { return comms_; }

  size_t numInputs() const { return inst_.inputs.size(); }
  size_t numOutputs() const { return inst_.outputs.size(); }
  const plan::Buffer &in(size_t i) const;
  const plan::Buffer &out(size_t i) const;
  int64_t inNumel(size_t i) const;
  int64_t outNumel(size_t i) const;
  /// The last dimension (1 for a scalar).
  int64_t inLastDim(size_t i) const;

  /// The attribute with OpInfo's default applied; fails when absent without
  /// one (the validator makes that impossible for required attributes).
  int64_t intAttr(plan::AttrKey key) const;
  double floatAttr(plan::AttrKey key) const;

  /// Throws ExecError "<where>: <what>".
  [[noreturn]] void fail(const std::string &what) const;
  /// "input 1 (w) b8 'name' f32 [96, 256]", for messages.
  std::string describeIn(size_t i) const;
  std::string describeOut(size_t i) const;

  /// Fails unless the operand holds exactly `numel` elements; `why` says
  /// where the expectation comes from.
  void expectInNumel(size_t i, int64_t numel, const std::string &why) const;
  void expectOutNumel(size_t i, int64_t numel, const std::string &why) const;
  /// Fails unless the operand has this rank.
  void expectInRank(size_t i, size_t rank) const;
  void expectOutRank(size_t i, size_t rank) const;
  /// numel(input i) / width, failing unless it divides evenly (width > 0).
  int64_t inRows(size_t i, int64_t width, const std::string &why) const;

  /// The expert count of the routing that produced expert-id buffer `id`
  /// (its route_fwd's logits width or its dispatch_fwd's offsets - 1):
  /// dispatch_bwd and combine take expert ids without offsets.
  int64_t expertCount(uint32_t id) const;

private:
  std::string describe(const char *side, size_t i, uint32_t id,
                       const plan::OperandSpec &spec) const;

  const plan::Plan &plan_;
  const plan::Rank &rank_;
  const plan::Instruction &inst_;
  const plan::OpInfo *info_;
  std::string where_;
  const std::map<uint32_t, int64_t> &expertCounts_;
  const Communicators &comms_;
};

/// "[256, 4, 48]".
std::string shapeText(const std::vector<int64_t> &shape);

/// The launch description of `c`'s (compute) instruction; fails
/// (ExecError naming it) when its shapes do not fit together as the op
/// needs.
LaunchDesc describeLaunch(const OpContext &c);

/// The FP8 recipe of an fp8_linear_* or fp8_grouped_linear_* instruction
/// (tile, block, scale_format).
FP8Recipe fp8Recipe(const OpContext &c);

// Shape checks by op family (the kernel headers' grouping: Dense.h,
// Attention.h, Elementwise.h and Tokens.h, MoE.h, ExpertExchange.h, Loss.h
// and Optimizer.h).
LaunchDesc describeDense(const OpContext &c);
LaunchDesc describeAttention(const OpContext &c);
LaunchDesc describeElementwise(const OpContext &c);
LaunchDesc describeMoE(const OpContext &c);
LaunchDesc describeExpertExchange(const OpContext &c);
LaunchDesc describeLossOptimizer(const OpContext &c);

/// The Communicator call of a communication instruction (CommKind not
/// None); fails when its buffers cannot move as the plan says.
CommFn bindComm(const OpContext &c);

} // namespace dsc::exec::detail

#endif // DSC_EXEC_OPBINDING_H
