//===- PlanEmitterImpl.h - the plan translation's state ---------*- C++ -*-===//
//
// Private to lib/Target: the translation of one dsc.pipeline, shared by
// PlanEmitter.cpp (ranks, buffers, transfers, the optimizer) and
// KernelInstructions.cpp (one kernel op as one plan instruction).
//
//===----------------------------------------------------------------------===//

#ifndef DSC_LIB_TARGET_PLANEMITTERIMPL_H
#define DSC_LIB_TARGET_PLANEMITTERIMPL_H

#include "dsc/CostModel/Memory.h"
#include "dsc/Run/ResolvedRun.h"
#include "dsc/Target/PlanEmitter.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringSet.h"

#include <map>
#include <optional>
#include <set>
#include <tuple>

namespace dsc::target {

using namespace mlir;
namespace pl = dsc::plan;

/// A value that lives in a stage's activation slot: (stage, dsc.value).
using SlotKey = std::pair<int64_t, std::string>;

/// Translates one run's pipeline: the plan's facts, then each pipeline
/// rank in turn (its buffers, fragment programs, transfers and optimizer
/// step), then the data-parallel replicas.
class PlanEmitter {
public:
  PlanEmitter(const ResolvedRun &setup, ModuleOp module, PipelineOp pipeline,
              const PlanOptions &options)
      : run(setup.run), module(module), pipeline(pipeline), options(options),
        setup(setup), model(setup.model), mesh(setup.mesh) {}

  FailureOr<pl::Plan> emit();

private:
  using Ids = std::vector<uint32_t>;

  void collectHolders();
  int32_t groupOf(std::vector<int32_t> ranks);
  /// Pipeline rank `rankOp` as ep member `expertRank` of its dp group's
  /// first ep group (the other ep groups replicate it).
  LogicalResult emitRank(RankOp rankOp, int64_t expertRank);
  /// One plan parameter per ep member for a stacked routed-expert tensor:
  /// the member's slots of the layer's placement.
  LogicalResult addExpertShards(pl::Parameter entry);
  /// The ep group of the rank being translated.
  int32_t expertGroup();
  /// An i32 constant buffer.
  uint32_t constant(std::string name, std::vector<int64_t> shape,
                    std::vector<int32_t> values);
  /// The slot_route candidates [E, R] of the rank being translated: per
  /// logical expert the slots holding it on the rank's own node, else all
  /// of them, -1 padded.
  uint32_t slotCandidates(ExpertPlacementAttr placement);
  /// Sums the gradients of the experts the layer replicates within the ep
  /// group (before the data-parallel sum): instructions for the optimizer's
  /// start; the event the parameter's next step must wait for.
  std::optional<uint32_t> sumReplicas(const pl::Parameter &parameter,
                                      uint32_t gradient,
                                      std::vector<pl::Instruction> &out);
  /// The parameters `holders` gives this pipeline rank, with their
  /// gradients and optimizer states.
  void addParameterBuffers();
  LogicalResult addFragment(func::FuncOp fragment);
  LogicalResult addTransfer(Operation *op, int64_t stage, Payload payload,
                            int64_t mb, int64_t peer, ArrayAttr values,
                            bool receive);
  void addOptimizer();
  /// The events that order the rank's comm stream against its compute
  /// stream (transfers, gradient sums), as a GPU or an asynchronous CPU
  /// comm stream needs them.
  void orderStreams();
  /// The first compute instruction from `resume` on that must wait for the
  /// exchanges just before it: one reading their results or touching their
  /// bytes, else the last before the next exchange or the end.
  size_t exchangeDone(const std::vector<pl::Instruction> &insts,
                      size_t resume) const;
  /// Remarks the rank's parameter, gradient and optimizer-state bytes
  /// against the memory analysis's.
  void remarkTrainingState();
  uint32_t buffer(pl::Buffer buffer) {
    rank.buffers.push_back(std::move(buffer));
    return rank.buffers.size() - 1;
  }
  uint32_t slotBuffer(int64_t stage, StringRef name, Type type, int64_t rows,
                      int64_t slotOffset, int64_t slotBytes);
  pl::Buffer tensorBuffer(StringRef name, Type type, int64_t rows,
                          int64_t heads) const;
  /// The plan dtype of a tensor's elements: FP32 for every float with
  /// `f32` storage, else the IR's BF16 / F16 / F32. FP8 weights are kept in
  /// BF16: the CPU's FP8 linears quantize them on the fly.
  pl::DType dtypeOf(Type element) const {
    if (element.isInteger(32))
      return pl::DType::i32;
    if (element.isInteger(64))
      return pl::DType::i64;
    // FP8 values an exchange moves (dsc-fp8-dispatch) keep their bytes.
    if (isa<Float8E4M3FNType>(element))
      return pl::DType::fp8_e4m3;
    if (isa<Float8E8M0FNUType>(element))
      return pl::DType::ue8m0;
    if (f32Storage || element.isF32())
      return pl::DType::f32;
    return element.isF16() ? pl::DType::f16 : pl::DType::bf16;
  }
  /// Gives `value` a per-head view [rows, heads, width / heads] when a
  /// kernel needs one; the first view asked for wins.
  void view(Value value, int64_t heads) { headViews.try_emplace(value, heads); }
  void collectViews(Operation *op);
  uint32_t parameterBuffer(FlatSymbolRefAttr weight) {
    return parameterBuffers.lookup(weight.getValue());
  }
  uint32_t gradientBuffer(FlatSymbolRefAttr weight) {
    return gradientBuffers.lookup(weight.getValue());
  }
  LogicalResult emitOp(Operation *op, pl::Program &program);

  RunOp run;
  ModuleOp module;
  PipelineOp pipeline;
  const PlanOptions &options;
  const ResolvedRun &setup;
  ModelOp model;
  MeshOp mesh;
  /// dsc-plan-memory sized floating tensors as FP32 (`dsc.storage`): then
  /// every floating buffer is FP32, the AdamW moments included.
  bool f32Storage = true;
  pl::Plan plan;
  std::optional<MemoryAnalysis> memory;
  /// Per parameter: the pipeline ranks whose fragments use it.
  llvm::StringMap<std::set<int64_t>> holders;
  std::map<std::vector<int32_t>, int32_t> groups;

  // The rank being translated.
  pl::Rank rank;
  int64_t pipelineRank = 0;
  /// Its place in its ep group (0 without expert parallelism).
  int64_t expertRank = 0;
  ArrayRef<int64_t> slotCounts, slotBases;
  llvm::StringMap<uint32_t> parameterBuffers, gradientBuffers;
  llvm::StringMap<std::pair<uint32_t, uint32_t>> moments;
  /// FP32 master copies of the parameters stored in BF16 / F16.
  llvm::StringMap<uint32_t> masters;
  /// ZeRO-1: (gradient shard, parameter shard) of each sharded parameter.
  llvm::StringMap<std::pair<uint32_t, uint32_t>> shards;
  DenseMap<Value, int64_t> headViews;
  std::map<SlotKey, int64_t> slotHeads;
  std::map<SlotKey, uint32_t> slotBuffers;
  DenseMap<Value, uint32_t> valueBuffers;
  uint32_t idsBuffer = 0, labelsBuffer = 0;
  /// With interleaved pairs, each stage reads ids and labels of its own
  /// micro-batch: (stage, labels?, backward?) -> its buffer; the backward
  /// passes get their own when a pair runs both passes of one stage.
  bool perStageInputs = false, perPassInputs = false;
  std::map<std::tuple<int64_t, bool, bool>, uint32_t> stageInputs;
  uint32_t inputBuffer(int64_t stage, bool labels, bool backward);
  /// Program index of each fragment and of each transfer.
  llvm::StringMap<uint32_t> fragmentPrograms;
  std::map<std::string, uint32_t> transferPrograms;
  /// Accumulators the optimizer program zeroes after the step.
  Ids accumulators;
  /// The slot_route candidate table of each placement on this rank.
  DenseMap<Attribute, uint32_t> slotTables;
  /// (loads buffer, bias parameter) of every biased router.
  std::vector<std::pair<uint32_t, std::string>> biasUpdates;
};

} // namespace dsc::target

#endif // DSC_LIB_TARGET_PLANEMITTERIMPL_H
