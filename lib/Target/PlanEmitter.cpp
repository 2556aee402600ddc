//===- PlanEmitter.cpp - dsc.pipeline and its fragments as a plan ---------===//
//
// The translation of a run's `dsc.pipeline` and the fragments it calls
// (the end of dsc-training-pipeline) into the runtime's plan: per pipeline
// rank, the parameters its fragments use (with FP32 gradients, AdamW
// states and master weights), the inputs, each stage's activation slots
// and the transients at their dsc-plan-memory offsets, one program per
// fragment, send / recv / copy programs for what crosses stages, and the
// optimizer program, which sums every gradient over exactly the ranks that
// hold its parameter (under ZeRO-1: reduce-scatters it, steps the rank's
// shard and all-gathers the parameter). The schedule is the rank's program
// order; data parallel ranks are replicas of pipeline rank (p, 0), and
// shards are placed by a rank's position in its group, so replicas share
// their programs under ZeRO-1 too.
//
//===----------------------------------------------------------------------===//

#include "PlanEmitterImpl.h"
#include "dsc/Conversion/KernelProgram.h"
#include "llvm/Support/FormatVariadic.h"

#include <numeric>

using namespace mlir;
using namespace dsc;
using namespace dsc::target;

namespace {

/// The parameters an op reads or whose gradient it writes.
void usedParameters(Operation *op, llvm::StringSet<> &used) {
  for (NamedAttribute attr : op->getAttrs())
    if (auto symbol = dyn_cast<FlatSymbolRefAttr>(attr.getValue()))
      used.insert(symbol.getValue());
  if (auto route = dyn_cast<KRouteOp>(op))
    if (std::optional<StringRef> bias = route.getBias())
      used.insert(*bias);
}

/// The fragments a rank's program calls, in first-call order.
SmallVector<FlatSymbolRefAttr> calledFragments(RankOp rank) {
  SmallVector<FlatSymbolRefAttr> out;
  auto add = [&](FlatSymbolRefAttr fragment) {
    if (fragment && !llvm::is_contained(out, fragment))
      out.push_back(fragment);
  };
  for (Operation &op : rank.getBody().front()) {
    if (auto pass = dyn_cast<PassOp>(op))
      add(pass.getFragmentAttr());
    else if (auto overlap = dyn_cast<OverlapOp>(op)) {
      add(overlap.getForwardFragmentAttr());
      add(overlap.getBackwardFragmentAttr());
    }
  }
  return out;
}

} // namespace

void PlanEmitter::collectHolders() {
  for (RankOp rankOp : pipeline.getBody().getOps<RankOp>()) {
    llvm::StringSet<> used;
    for (FlatSymbolRefAttr name : calledFragments(rankOp))
      if (auto fragment = module.lookupSymbol<func::FuncOp>(name))
        fragment.walk([&](Operation *op) { usedParameters(op, used); });
    for (const auto &entry : used)
      holders[entry.getKey()].insert(rankOp.getIndex());
  }
  // A parameter no fragment reads (an FP8 block scale) stays with the
  // first pipeline rank, so that checkpoints still carry it.
  for (ParameterOp parameter : model.getBody().getOps<ParameterOp>())
    if (holders[parameter.getSymName()].empty())
      holders[parameter.getSymName()].insert(0);
}

int32_t PlanEmitter::groupOf(std::vector<int32_t> ranks) {
  llvm::sort(ranks);
  if (auto it = groups.find(ranks); it != groups.end())
    return it->second;
  pl::ProcessGroup group;
  group.ranks = ranks;
  int64_t first = mesh.getPipelineRank(ranks.front());
  bool dataGroup = int64_t(ranks.size()) == mesh.getDp() &&
                   llvm::all_of(ranks, [&](int32_t r) {
                     return mesh.getPipelineRank(r) == first;
                   });
  // A pipeline rank's data-parallel copies are its dp group even when
  // they are the whole world (pp 1).
  if (!dataGroup && ranks.size() == plan.groups.front().ranks.size())
    return 0;
  group.kind = dataGroup ? pl::GroupKind::dp : pl::GroupKind::other;
  group.name = !dataGroup ? "holders" + std::to_string(plan.groups.size())
               : mesh.getPp() == 1 ? std::string("dp")
                                   : "dp" + std::to_string(first);
  int32_t index = plan.groups.size();
  plan.groups.push_back(std::move(group));
  groups[ranks] = index;
  return index;
}

/// The world ranks that hold a parameter: every data-parallel copy of the
/// pipeline ranks whose fragments use it.
static std::vector<int32_t> worldRanks(MeshOp mesh,
                                       const std::set<int64_t> &pipeline) {
  std::vector<int32_t> ranks;
  for (int64_t p : pipeline)
    for (int64_t d = 0; d < mesh.getDp(); ++d)
      ranks.push_back(int32_t(mesh.getRank(p, d)));
  llvm::sort(ranks);
  return ranks;
}

void PlanEmitter::addParameterBuffers() {
  for (auto [index, entry] : llvm::enumerate(plan.parameters)) {
    if (!llvm::is_contained(entry.ranks, rank.rank))
      continue;
    pl::Buffer weights;
    weights.name = entry.name;
    weights.role = pl::BufferRole::parameter;
    weights.dtype = entry.dtype;
    weights.shape = entry.shape;
    weights.parameter = int32_t(index);
    parameterBuffers[entry.name] = buffer(weights);
    if (!entry.trainable)
      continue;
    // DeepSeek-V3's recipe: FP32 gradients and master weights beside
    // lower-precision parameters; BF16 or FP32 moments as the run says,
    // except that FP32 storage keeps every floating buffer in FP32.
    pl::Buffer gradient = weights;
    gradient.name = entry.name + ".grad";
    gradient.role = pl::BufferRole::gradient;
    gradient.dtype = pl::DType::f32;
    uint32_t gradientId = buffer(gradient);
    gradientBuffers[entry.name] = gradientId;
    accumulators.push_back(gradientId);
    // ZeRO-1 shards the optimizer over every rank holding the parameter:
    // its stage's dp group, and for a parameter two stages share (the
    // embedding and the MTP module, DualPipe's doubled stages) their dp
    // groups together, whose gradients must be summed anyway.
    bool sharded = run.getZero() >= 1 && entry.ranks.size() > 1;
    pl::Buffer state = weights;
    if (sharded) {
      state.shape = {pl::shardNumel(pl::numElements(weights.shape).value_or(0),
                                    int64_t(entry.ranks.size()))};
      state.shardGroup = groupOf(entry.ranks);
      pl::Buffer shard = state;
      shard.name = entry.name + ".grad_shard";
      shard.role = pl::BufferRole::gradient;
      shard.dtype = pl::DType::f32;
      uint32_t gradientShard = buffer(shard);
      shard.name = entry.name + ".shard";
      shard.role = pl::BufferRole::parameter_shard;
      shard.dtype = entry.dtype;
      shards[entry.name] = {gradientShard, buffer(shard)};
    }
    state.role = pl::BufferRole::optimizer_state;
    state.dtype = !f32Storage && run.getMoments() == MomentType::bf16
                      ? pl::DType::bf16
                      : pl::DType::f32;
    state.name = entry.name + ".exp_avg";
    state.state = pl::OptimizerState::exp_avg;
    uint32_t m = buffer(state);
    state.name = entry.name + ".exp_avg_sq";
    state.state = pl::OptimizerState::exp_avg_sq;
    moments[entry.name] = {m, buffer(state)};
    // A shard steps on its FP32 master copy and writes the parameter's
    // dtype into its parameter shard, which the all_gather spreads.
    if (entry.dtype == pl::DType::f32 && !sharded)
      continue;
    state.name = entry.name + ".master_weight";
    state.state = pl::OptimizerState::master_weight;
    state.dtype = pl::DType::f32;
    masters[entry.name] = buffer(state);
  }
}

pl::Buffer PlanEmitter::tensorBuffer(StringRef name, Type type, int64_t rows,
                                     int64_t heads) const {
  auto tensor = cast<RankedTensorType>(type);
  pl::Buffer buf;
  buf.name = name.str();
  buf.dtype = dtypeOf(tensor.getElementType());
  if (tensor.getRank() > 0) {
    buf.shape.push_back(tensor.isDynamicDim(0) ? rows : tensor.getDimSize(0));
    if (tensor.getRank() == 2) {
      int64_t width = tensor.getDimSize(1);
      if (heads > 0 && width % heads == 0) {
        buf.shape.push_back(heads);
        buf.shape.push_back(width / heads);
      } else {
        buf.shape.push_back(width);
      }
    }
  }
  buf.size = pl::dtypeBytes(buf.dtype);
  for (int64_t dim : buf.shape)
    buf.size *= dim;
  return buf;
}

uint32_t PlanEmitter::slotBuffer(int64_t stage, StringRef name, Type type,
                                 int64_t rows, int64_t slotOffset,
                                 int64_t slotBytes) {
  SlotKey key{stage, name.str()};
  if (auto it = slotBuffers.find(key); it != slotBuffers.end())
    return it->second;
  auto heads = slotHeads.find(key);
  pl::Buffer buf =
      tensorBuffer(("s" + std::to_string(stage) + "." + name).str(), type, rows,
                   heads == slotHeads.end() ? 0 : heads->second);
  buf.role = pl::BufferRole::activation;
  buf.offset = uint64_t(slotBases[stage] + slotOffset);
  buf.slots = uint32_t(std::max<int64_t>(1, slotCounts[stage]));
  buf.slotStride = buf.slots > 1 ? uint64_t(slotBytes) : 0;
  uint32_t id = buffer(std::move(buf));
  slotBuffers[key] = id;
  return id;
}

/// A router's checkpoint scope ("model.layers.3.mlp.gate"): its bias's or
/// that of the linear computing its logits; "" when neither names it.
static std::string routerScope(KRouteOp route) {
  if (std::optional<StringRef> bias = route.getBias()) {
    StringRef scope = *bias;
    scope.consume_back(".e_score_correction_bias");
    return scope.str();
  }
  if (auto linear = route.getLogits().getDefiningOp<KLinearOp>()) {
    StringRef scope = linear.getWeight();
    scope.consume_back(".weight");
    return scope.str();
  }
  return "";
}

LogicalResult PlanEmitter::addFragment(func::FuncOp fragment) {
  std::optional<FragmentKey> key = fragmentKeyOf(fragment);
  auto slotBytes = fragment->getAttrOfType<IntegerAttr>("dsc.slot_bytes");
  if (!key || !slotBytes)
    return fragment.emitError("dsc compile: @")
           << fragment.getSymName()
           << " is not a memory-planned fragment; run dsc-fragment and "
              "dsc-plan-memory first";
  int64_t stage = key->stage;
  if (stage < 0 || stage >= int64_t(slotCounts.size()))
    return fragment.emitError("dsc compile: stage ")
           << stage << " is outside the pipeline's " << slotCounts.size();
  int64_t bytes = slotBytes.getInt();
  Block &body = fragment.getBody().front();
  for (BlockArgument argument : body.getArguments()) {
    unsigned i = argument.getArgNumber();
    auto name = fragment.getArgAttrOfType<StringAttr>(i, kValueAttrName);
    auto rows = fragment.getArgAttrOfType<IntegerAttr>(i, kRowsAttrName);
    auto offset =
        fragment.getArgAttrOfType<IntegerAttr>(i, kSlotOffsetAttrName);
    bool backward = key->pass != PassKind::forward;
    if (name && name.getValue() == "input_ids") {
      valueBuffers[argument] = inputBuffer(stage, /*labels=*/false, backward);
    } else if (name && name.getValue() == "labels") {
      valueBuffers[argument] = inputBuffer(stage, /*labels=*/true, backward);
    } else if (name && rows && offset) {
      valueBuffers[argument] =
          slotBuffer(stage, name.getValue(), argument.getType(), rows.getInt(),
                     offset.getInt(), bytes);
    } else {
      return fragment.emitError("dsc compile: argument ")
             << i << " of @" << fragment.getSymName()
             << " has no dsc.value, dsc.rows and dsc.slot_offset";
    }
  }
  Operation *terminator = body.getTerminator();
  for (auto [i, value] : llvm::enumerate(terminator->getOperands())) {
    auto name = fragment.getResultAttrOfType<StringAttr>(i, kValueAttrName);
    auto offset =
        fragment.getResultAttrOfType<IntegerAttr>(i, kSlotOffsetAttrName);
    if (!name || !offset)
      return fragment.emitError("dsc compile: result ")
             << i << " of @" << fragment.getSymName()
             << " has no dsc.value and dsc.slot_offset";
    auto rows = value.getDefiningOp()
                    ? value.getDefiningOp()->getAttrOfType<DenseI64ArrayAttr>(
                          "dsc.rows")
                    : DenseI64ArrayAttr();
    int64_t leading = setup.microBatchTokens();
    if (rows)
      leading = rows[cast<OpResult>(value).getResultNumber()];
    valueBuffers.try_emplace(value,
                             slotBuffer(stage, name.getValue(), value.getType(),
                                        leading, offset.getInt(), bytes));
  }

  pl::ProgramKind kind = pl::ProgramKind::forward;
  switch (key->pass) {
  case PassKind::forward:
    break;
  case PassKind::backward:
    kind = pl::ProgramKind::backward;
    break;
  case PassKind::backward_input:
    kind = pl::ProgramKind::backward_input;
    break;
  case PassKind::backward_weight:
    kind = pl::ProgramKind::backward_weight;
    break;
  }
  pl::Program program{fragmentSuffix(*key), kind, -1, {}};
  std::string prefix = program.name + ".";
  for (Operation &op : body.without_terminator()) {
    auto offsets = op.getAttrOfType<DenseI64ArrayAttr>("dsc.offsets");
    auto rows = op.getAttrOfType<DenseI64ArrayAttr>("dsc.rows");
    for (auto [index, result] : llvm::enumerate(op.getResults())) {
      // Losses and expert loads accumulate over the step's micro-batches.
      bool isLoss = isa<KCrossEntropyOp, KBalanceLossOp>(op);
      bool accumulates = isLoss || (isa<KRouteOp>(op) &&
                                    result == cast<KRouteOp>(op).getLoads());
      int64_t leading = rows ? rows[index] : setup.microBatchTokens();
      if (accumulates) {
        // A router's loads are named after it, so that dsc-run can report
        // them per MoE layer (--expert-loads).
        std::string scope;
        if (auto route = dyn_cast<KRouteOp>(op))
          scope = routerScope(route);
        pl::Buffer buf = tensorBuffer(
            scope.empty() ? prefix + "acc" + std::to_string(rank.buffers.size())
                          : scope + ".loads",
            result.getType(), leading, 0);
        buf.role = isLoss ? pl::BufferRole::loss : pl::BufferRole::persistent;
        buf.size = 0;
        uint32_t id = buffer(std::move(buf));
        valueBuffers[result] = id;
        accumulators.push_back(id);
        continue;
      }
      if (valueBuffers.count(result))
        continue; // a slot value
      if (!offsets || int64_t(index) >= int64_t(offsets.size()) ||
          offsets[index] < 0)
        return op.emitError("dsc compile: no arena offset for result ")
               << index << "; run dsc-plan-memory first";
      pl::Buffer buf =
          tensorBuffer(prefix + "t" + std::to_string(rank.buffers.size()),
                       result.getType(), leading, headViews.lookup(result));
      buf.role = pl::BufferRole::activation;
      buf.offset = uint64_t(offsets[index]);
      valueBuffers[result] = buffer(std::move(buf));
    }
    if (failed(emitOp(&op, program)))
      return failure();
  }
  // The cut: a chunk begins where compute resumes after communication
  // (attention and routing | the dispatch's experts | the combine ...).
  for (size_t i = 1; i < program.instructions.size(); ++i)
    if (program.instructions[i - 1].stream == pl::Stream::comm &&
        program.instructions[i].stream == pl::Stream::compute) {
      if (program.chunks.empty())
        program.chunks.push_back(0);
      program.chunks.push_back(uint32_t(i));
    }
  fragmentPrograms[fragment.getSymName()] = rank.programs.size();
  rank.programs.push_back(std::move(program));
  return success();
}

uint32_t PlanEmitter::inputBuffer(int64_t stage, bool labels,
                                  bool backward) {
  if (!perStageInputs)
    return labels ? labelsBuffer : idsBuffer;
  backward &= perPassInputs;
  auto [it, added] = stageInputs.try_emplace({stage, labels, backward}, 0);
  if (added)
    it->second = buffer({(labels ? "labels.s" : "input_ids.s") +
                             std::to_string(stage) +
                             (backward ? ".backward" : ""),
                         labels ? pl::BufferRole::labels
                                : pl::BufferRole::input_ids,
                         pl::DType::i32,
                         {setup.microBatchTokens()}});
  return it->second;
}

/// A send's or receive's tag: the stage and payload it carries and the
/// value's place in it, so that the messages of one stream of micro-batches
/// match in order (MPI keeps the order of messages with one tag and peer).
static int32_t transferTag(int64_t stage, Payload payload, size_t value) {
  return int32_t((stage * 2 + int64_t(payload)) * 64 + int64_t(value));
}

LogicalResult PlanEmitter::addTransfer(Operation *op, int64_t stage,
                                       Payload payload, int64_t mb,
                                       int64_t peer, ArrayAttr values,
                                       bool receive) {
  if (!values)
    return op->emitOpError("dsc compile: names no values; run dsc-fragment "
                           "first");
  if (values.size() > 64)
    return op->emitOpError("dsc compile: carries ")
           << values.size() << " values; a transfer carries at most 64";
  bool local = peer == pipelineRank;
  // A send to its own rank is the receive's copy (a V shape's turn).
  if (local && !receive)
    return success();
  int64_t consumer = payload == Payload::activation ? stage + 1 : stage - 1;
  std::string name =
      (local     ? "copy"
       : receive ? "recv"
                 : "send") +
      std::string(payload == Payload::activation ? "_act_s" : "_grad_s") +
      std::to_string(stage) + (local ? "" : "_r" + std::to_string(peer));
  auto [it, added] = transferPrograms.try_emplace(name, rank.programs.size());
  if (added) {
    pl::Program program{name, pl::ProgramKind::other, -1, {}};
    for (auto [index, value] : llvm::enumerate(values)) {
      StringRef valueName = cast<StringAttr>(value).getValue();
      auto from = slotBuffers.find({stage, valueName.str()});
      auto to = slotBuffers.find({consumer, valueName.str()});
      bool fromKnown = from != slotBuffers.end();
      bool toKnown = to != slotBuffers.end();
      if ((!receive || local) && !fromKnown)
        return op->emitOpError("dsc compile: no fragment of stage ")
               << stage << " on this rank produces '" << valueName << "'";
      if ((receive || local) && !toKnown)
        return op->emitOpError("dsc compile: no fragment of stage ")
               << consumer << " on this rank reads '" << valueName << "'";
      pl::Instruction inst;
      if (local) {
        inst.op = pl::Opcode::copy;
        inst.inputs = {from->second};
        inst.outputs = {to->second};
      } else {
        inst.op = receive ? pl::Opcode::recv : pl::Opcode::send;
        if (receive)
          inst.outputs = {to->second};
        else
          inst.inputs = {from->second};
        inst.comm = pl::CommSpec{-1, int32_t(mesh.getRank(peer, expertRank)),
                                 transferTag(stage, payload, index)};
        inst.stream = pl::Stream::comm;
      }
      program.instructions.push_back(std::move(inst));
    }
    rank.programs.push_back(std::move(program));
  }
  rank.schedule.push_back({it->second, int32_t(mb)});
  return success();
}

void PlanEmitter::addOptimizer() {
  pl::Program optimizer{"opt", pl::ProgramKind::optimizer, -1, {}};
  std::vector<pl::Instruction> sums, steps, gathers;
  // Sums before the steps that read them, the gathers after, each in the
  // model's parameter order on every rank, so that the ranks of each group
  // meet in one order.
  // Over the world ranks holding the parameter (Parameter.ranks).
  auto collective = [&](pl::Opcode op, uint32_t from, uint32_t to,
                        const pl::Parameter &parameter) {
    pl::Instruction inst;
    inst.op = op;
    inst.inputs = {from};
    inst.outputs = {to};
    inst.comm = pl::CommSpec{groupOf(parameter.ranks), -1, 0};
    inst.stream = pl::Stream::comm;
    return inst;
  };
  // `producer` records an event that `consumer` waits for.
  auto happensBefore = [&](pl::Instruction &producer,
                           pl::Instruction &consumer) {
    producer.recordEvents.push_back(rank.numEvents);
    consumer.waitEvents.push_back(rank.numEvents++);
  };
  auto sumOver = [&](uint32_t id, const pl::Parameter &parameter,
                     pl::Instruction &reader) {
    if (parameter.ranks.size() <= 1)
      return;
    pl::Instruction sum = collective(pl::Opcode::all_reduce, id, id, parameter);
    happensBefore(sum, reader);
    sums.push_back(std::move(sum));
  };
  pl::Instruction zero;
  zero.op = pl::Opcode::fill;
  zero.outputs = accumulators;
  zero.floatAttrs.push_back({pl::AttrKey::value, 0.0});
  std::vector<pl::Instruction> replicaSums;
  for (const pl::Parameter &parameter : plan.parameters) {
    auto gradient = gradientBuffers.find(parameter.name);
    if (!parameter.trainable || gradient == gradientBuffers.end() ||
        !llvm::is_contained(parameter.ranks, rank.rank))
      continue;
    // Replicated experts' gradients are summed over the ep group first;
    // the parameter's first reader of the gradient waits for that.
    std::optional<uint32_t> replicasSummed =
        sumReplicas(parameter, gradient->second, replicaSums);
    auto afterReplicas = [&](pl::Instruction &reader) -> pl::Instruction & {
      if (replicasSummed)
        reader.waitEvents.push_back(*replicasSummed);
      return reader;
    };
    auto [m, v] = moments.lookup(parameter.name);
    uint32_t weights = parameterBuffers.lookup(parameter.name);
    pl::Instruction adamw;
    adamw.op = pl::Opcode::adamw;
    adamw.inputs = {gradient->second};
    adamw.outputs = {weights, m, v};
    if (auto master = masters.find(parameter.name); master != masters.end())
      adamw.outputs.push_back(master->second);
    auto shard = shards.find(parameter.name);
    if (shard == shards.end()) {
      size_t before = sums.size();
      sumOver(gradient->second, parameter, adamw);
      afterReplicas(sums.size() > before ? sums.back() : adamw);
      steps.push_back(std::move(adamw));
      continue;
    }
    // ZeRO-1: reduce-scatter the gradient, step the shard, all-gather the
    // updated parameter before the step ends.
    auto [gradientShard, parameterShard] = shard->second;
    pl::Instruction scatter = collective(
        pl::Opcode::reduce_scatter, gradient->second, gradientShard, parameter);
    afterReplicas(scatter);
    pl::Instruction gather =
        collective(pl::Opcode::all_gather, parameterShard, weights, parameter);
    adamw.inputs = {gradientShard};
    adamw.outputs[0] = parameterShard;
    happensBefore(scatter, adamw);
    happensBefore(adamw, gather);
    happensBefore(gather, zero);
    sums.push_back(std::move(scatter));
    steps.push_back(std::move(adamw));
    gathers.push_back(std::move(gather));
  }
  // One #moe configures every MoE layer of a model.
  double gamma = 0;
  model.walk([&](MoEOp moe) {
    gamma = moe.getConfig().getBiasUpdateRate().convertToDouble();
  });
  llvm::StringMap<size_t> order;
  for (auto [index, parameter] : llvm::enumerate(plan.parameters))
    order[parameter.name] = index;
  llvm::sort(biasUpdates, [&](const auto &a, const auto &b) {
    return order.lookup(a.second) < order.lookup(b.second);
  });
  for (auto &[loads, bias] : biasUpdates) {
    pl::Instruction update;
    update.op = pl::Opcode::expert_bias_update;
    update.inputs = {loads};
    update.outputs = {parameterBuffers.lookup(bias)};
    update.floatAttrs.push_back({pl::AttrKey::gamma, gamma});
    sumOver(loads, plan.parameters[order.lookup(bias)], update);
    steps.push_back(std::move(update));
  }
  optimizer.instructions = std::move(replicaSums);
  for (auto *list : {&sums, &steps, &gathers})
    for (pl::Instruction &inst : *list)
      optimizer.instructions.push_back(std::move(inst));
  optimizer.instructions.push_back(std::move(zero));
  rank.schedule.push_back({uint32_t(rank.programs.size()), -1});
  rank.programs.push_back(std::move(optimizer));
}

LogicalResult PlanEmitter::emitRank(RankOp rankOp, int64_t member) {
  rank = pl::Rank();
  expertRank = member;
  parameterBuffers.clear();
  gradientBuffers.clear();
  moments.clear();
  masters.clear();
  shards.clear();
  headViews.clear();
  slotHeads.clear();
  slotBuffers.clear();
  valueBuffers.clear();
  fragmentPrograms.clear();
  transferPrograms.clear();
  accumulators.clear();
  biasUpdates.clear();
  slotTables.clear();

  pipelineRank = rankOp.getIndex();
  auto arena = rankOp->getAttrOfType<IntegerAttr>("dsc.arena_bytes");
  auto slots = rankOp->getAttrOfType<DenseI64ArrayAttr>("dsc.slots");
  auto bases = rankOp->getAttrOfType<DenseI64ArrayAttr>("dsc.slot_base");
  if (!arena || !slots || !bases)
    return rankOp.emitOpError("dsc compile: run dsc-plan-memory first");
  slotCounts = slots.asArrayRef();
  slotBases = bases.asArrayRef();
  rank.rank = int32_t(mesh.getRank(pipelineRank, expertRank));
  rank.ppStage = int32_t(pipelineRank);
  rank.dpRank = int32_t(expertRank);
  rank.epRank = int32_t(mesh.getExpertRank(rank.rank));
  rank.dataShard = int32_t(expertRank);
  rank.arenaSize = uint64_t(arena.getInt());

  SmallVector<func::FuncOp> fragments;
  for (FlatSymbolRefAttr name : calledFragments(rankOp)) {
    auto fragment = module.lookupSymbol<func::FuncOp>(name);
    if (!fragment)
      return rankOp.emitOpError("dsc compile: calls @")
             << name.getValue() << ", which is not in the module";
    fragments.push_back(fragment);
    fragment.walk([&](Operation *op) { collectViews(op); });
  }
  addParameterBuffers();
  int64_t tokens = setup.microBatchTokens();
  idsBuffer = buffer(
      {"input_ids", pl::BufferRole::input_ids, pl::DType::i32, {tokens}});
  labelsBuffer =
      buffer({"labels", pl::BufferRole::labels, pl::DType::i32, {tokens}});
  stageInputs.clear();
  perStageInputs = perPassInputs = false;
  if (interleavesPairs(setup))
    for (OverlapOp overlap : rankOp.getBody().getOps<OverlapOp>()) {
      perStageInputs = true;
      // A pair of one stage (combined 1F1B) reads two micro-batches' inputs
      // of that stage at once.
      perPassInputs |= overlap.getForwardStage() == overlap.getBackwardStage();
    }
  // A slot value's buffer takes the per-head view that any of its uses on
  // the rank asks for.
  for (func::FuncOp fragment : fragments) {
    std::optional<FragmentKey> key = fragmentKeyOf(fragment);
    if (!key)
      continue;
    Block &body = fragment.getBody().front();
    auto note = [&](StringAttr name, Value value) {
      if (int64_t heads = headViews.lookup(value); name && heads > 0)
        slotHeads.try_emplace({key->stage, name.str()}, heads);
    };
    for (BlockArgument argument : body.getArguments())
      note(fragment.getArgAttrOfType<StringAttr>(argument.getArgNumber(),
                                                 kValueAttrName),
           argument);
    for (auto [i, value] : llvm::enumerate(body.getTerminator()->getOperands()))
      note(fragment.getResultAttrOfType<StringAttr>(i, kValueAttrName), value);
  }
  for (func::FuncOp fragment : fragments)
    if (failed(addFragment(fragment)))
      return failure();

  // The rank's program order is its schedule.
  auto call = [&](FlatSymbolRefAttr fragment, int64_t mb) {
    rank.schedule.push_back(
        {fragmentPrograms.lookup(fragment.getValue()), int32_t(mb)});
  };
  for (Operation &op : rankOp.getBody().front()) {
    LogicalResult result = success();
    if (auto pass = dyn_cast<PassOp>(op)) {
      if (!pass.getFragmentAttr())
        return pass.emitOpError("dsc compile: calls no fragment; run "
                                "dsc-fragment first");
      call(pass.getFragmentAttr(), pass.getMicroBatch());
    } else if (auto overlap = dyn_cast<OverlapOp>(op)) {
      if (!overlap.getForwardFragmentAttr() ||
          !overlap.getBackwardFragmentAttr())
        return overlap.emitOpError("dsc compile: calls no fragments; run "
                                   "dsc-fragment first");
      // Expert-parallel pairs interleave their chunks (Rank.overlapped),
      // the backward's first: it begins with the combine's exchange, which
      // the forward's attention then hides, and each chunk after hides the
      // other's (DeepSeek-V3 Figure 4: combine-B | attention-F | MLP-B |
      // dispatch-F ...).
      if (interleavesPairs(setup)) {
        rank.overlapped.push_back(uint32_t(rank.schedule.size()));
        call(overlap.getBackwardFragmentAttr(), overlap.getBackwardMicroBatch());
        call(overlap.getForwardFragmentAttr(), overlap.getForwardMicroBatch());
        continue;
      }
      call(overlap.getForwardFragmentAttr(), overlap.getForwardMicroBatch());
      call(overlap.getBackwardFragmentAttr(), overlap.getBackwardMicroBatch());
    } else if (auto send = dyn_cast<SendOp>(op)) {
      result = addTransfer(send, send.getStage(), send.getPayload(),
                           send.getMicroBatch(), send.getPeer(),
                           send.getValuesAttr(), /*receive=*/false);
    } else if (auto recv = dyn_cast<RecvOp>(op)) {
      result = addTransfer(recv, recv.getStage(), recv.getPayload(),
                           recv.getMicroBatch(), recv.getPeer(),
                           recv.getValuesAttr(), /*receive=*/true);
    }
    if (failed(result))
      return failure();
  }
  addOptimizer();
  orderStreams();
  remarkTrainingState();
  plan.ranks.push_back(std::move(rank));
  return success();
}

/// Whether two buffers may share arena bytes in some run: any copy (slot)
/// of one against any of the other; buffers outside the arena share none.
static bool shareArenaBytes(const pl::Buffer &a, const pl::Buffer &b) {
  if (a.role != pl::BufferRole::activation ||
      b.role != pl::BufferRole::activation)
    return false;
  uint64_t aSlots = std::max<uint32_t>(a.slots, 1),
           bSlots = std::max<uint32_t>(b.slots, 1);
  uint64_t aEnd = a.offset + (aSlots - 1) * a.slotStride + a.size,
           bEnd = b.offset + (bSlots - 1) * b.slotStride + b.size;
  if (aEnd <= b.offset || bEnd <= a.offset)
    return false; // transients and slots, or far apart: the common case
  for (uint64_t i = 0; i < aSlots; ++i)
    for (uint64_t j = 0; j < bSlots; ++j) {
      uint64_t aBegin = a.offset + i * a.slotStride;
      uint64_t bBegin = b.offset + j * b.slotStride;
      if (aBegin < bBegin + b.size && bBegin < aBegin + a.size)
        return true;
    }
  return false;
}

size_t PlanEmitter::exchangeDone(const std::vector<pl::Instruction> &insts,
                                 size_t resume) const {
  // The exchanges just before `resume`, and what they touch.
  std::set<uint32_t> touched;
  for (size_t c = resume; c-- > 0 && insts[c].stream == pl::Stream::comm;) {
    touched.insert(insts[c].inputs.begin(), insts[c].inputs.end());
    touched.insert(insts[c].outputs.begin(), insts[c].outputs.end());
  }
  auto overlaps = [&](uint32_t id) {
    return touched.count(id) || llvm::any_of(touched, [&](uint32_t other) {
             return shareArenaBytes(rank.buffers[id], rank.buffers[other]);
           });
  };
  size_t last = resume;
  for (size_t i = resume; i < insts.size(); ++i) {
    if (insts[i].stream == pl::Stream::comm)
      break; // the next exchange follows this one on its stream
    last = i;
    if (llvm::any_of(insts[i].inputs, overlaps) ||
        llvm::any_of(insts[i].outputs, overlaps))
      return i;
  }
  // Nothing reads it before the next exchange or the end: the last compute
  // before them waits, so a fragment never ends with an exchange running.
  return last;
}

void PlanEmitter::orderStreams() {
  auto onComm = [](const pl::Instruction &inst) {
    return inst.stream == pl::Stream::comm;
  };
  // Each program that ends on the compute stream records how far compute
  // got; communication that waits for nothing else waits for it, the
  // latest recording at its issue: a send for what it sends, a receive for
  // the readers of the slot it overwrites, a gradient sum for the backward
  // passes.
  // Inside a fragment (an expert-parallel exchange), an exchange waits for
  // the compute before it; the compute after it runs on under the exchange
  // (the shared experts under the dispatch) and waits for it only where it
  // reads what the exchange brought or touches its bytes (the memory
  // planner keeps an exchange's operands to that point).
  for (const auto &entry : fragmentPrograms) {
    std::vector<pl::Instruction> &insts =
        rank.programs[entry.getValue()].instructions;
    for (size_t i = 1; i < insts.size(); ++i) {
      if (onComm(insts[i]) && !onComm(insts[i - 1])) {
        insts[i - 1].recordEvents.push_back(rank.numEvents);
        insts[i].waitEvents.push_back(rank.numEvents++);
      }
      if (!onComm(insts[i]) && onComm(insts[i - 1])) {
        insts[i - 1].recordEvents.push_back(rank.numEvents);
        insts[exchangeDone(insts, i)].waitEvents.push_back(rank.numEvents++);
      }
    }
  }
  uint32_t computeDone = rank.numEvents++;
  for (pl::Program &program : rank.programs)
    if (!program.instructions.empty() && !onComm(program.instructions.back()))
      program.instructions.back().recordEvents.push_back(computeDone);
  // (One right after another on the comm stream is ordered already.)
  for (pl::Program &program : rank.programs)
    for (auto [i, inst] : llvm::enumerate(program.instructions))
      if (onComm(inst) && inst.waitEvents.empty() &&
          (i == 0 || !onComm(program.instructions[i - 1])))
        inst.waitEvents.push_back(computeDone);
  // A fragment reads what a receive brought once it arrived.
  for (const auto &[name, index] : transferPrograms) {
    pl::Program &transfer = rank.programs[index];
    if (transfer.instructions.empty() || !onComm(transfer.instructions.back()))
      continue; // a copy runs on the compute stream
    std::set<uint32_t> received;
    for (const pl::Instruction &inst : transfer.instructions)
      if (inst.op == pl::Opcode::recv)
        received.insert(inst.outputs.begin(), inst.outputs.end());
    if (received.empty())
      continue;
    uint32_t arrived = rank.numEvents++;
    transfer.instructions.back().recordEvents.push_back(arrived);
    for (const auto &entry : fragmentPrograms) {
      pl::Program &fragment = rank.programs[entry.getValue()];
      bool reads = llvm::any_of(fragment.instructions, [&](const auto &inst) {
        return llvm::any_of(inst.inputs,
                            [&](uint32_t id) { return received.count(id); });
      });
      if (reads)
        fragment.instructions.front().waitEvents.push_back(arrived);
    }
  }
}

void PlanEmitter::remarkTrainingState() {
  // Bytes by role: what the rank keeps across steps besides its arena.
  double parameters = 0, gradients = 0, states = 0, gradientShards = 0,
         parameterShards = 0;
  for (const pl::Buffer &b : rank.buffers) {
    double size = double(pl::tensorBytes(b.dtype, b.shape).value_or(0));
    bool sharded = b.shardGroup >= 0;
    switch (b.role) {
    case pl::BufferRole::parameter:
      parameters += size;
      break;
    case pl::BufferRole::gradient:
      (sharded ? gradientShards : gradients) += size;
      break;
    case pl::BufferRole::optimizer_state:
      states += size;
      break;
    case pl::BufferRole::parameter_shard:
      parameterShards += size;
      break;
    default:
      break;
    }
  }
  if (!memory)
    memory.emplace(setup, ParameterCountAnalysis(model));
  const MemoryBreakdown &estimate = memory->stages()[pipelineRank];
  constexpr double MiB = 1048576.0;
  std::string zero =
      gradientShards + parameterShards > 0
          ? llvm::formatv(" (ZeRO-1 shards), and {0:F2} MiB of gradient and "
                          "{1:F2} MiB of parameter shards the optimizer "
                          "reduce-scatters and all-gathers",
                          gradientShards / MiB, parameterShards / MiB)
                .str()
          : std::string();
  std::string who = setup.ep() > 1
                        ? llvm::formatv("{0} (ep member {1})", pipelineRank,
                                        expertRank)
                              .str()
                        : std::to_string(pipelineRank);
  run.emitRemark(llvm::formatv("dsc-to-plan: @{0} rank {1}: parameters "
                               "{2:F2} MiB, gradients {3:F2} MiB, optimizer "
                               "state {4:F2} MiB{5}; the memory analysis "
                               "estimates {6:F2}, {7:F2} and {8:F2} MiB",
                               pipeline.getSymName(), who,
                               parameters / MiB, gradients / MiB, states / MiB,
                               zero, estimate.weights / MiB,
                               estimate.grads / MiB, estimate.optimizer / MiB)
                     .str());
}

FailureOr<pl::Plan> PlanEmitter::emit() {
  SmallVector<RankOp> rankOps(pipeline.getBody().getOps<RankOp>());
  if (int64_t(rankOps.size()) != setup.pp())
    return pipeline.emitOpError("dsc compile: has ")
           << rankOps.size() << " ranks, the mesh " << setup.pp();
  for (RankOp rankOp : rankOps)
    for (FlatSymbolRefAttr name : calledFragments(rankOp))
      if (auto fragment = module.lookupSymbol<func::FuncOp>(name))
        if (auto storage = fragment->getAttrOfType<StringAttr>("dsc.storage"))
          f32Storage = storage.getValue() == "f32";

  int64_t world = mesh.getNumRanks();
  ClusterOp cluster(setup.cluster);
  int64_t gpusPerNode = cluster.getGpusPerNode();
  plan.nvlink = {cluster.getNvlink().getGbps().convertToDouble(),
                 cluster.getNvlink().getLatencyUs().convertToDouble()};
  plan.infiniband = {cluster.getInfiniband().getGbps().convertToDouble(),
                     cluster.getInfiniband().getLatencyUs().convertToDouble()};
  plan.producer = "dsc compile";
  plan.worldSize = int32_t(world);
  for (int64_t r = 0; r < world; ++r)
    plan.placement.push_back(
        {int32_t(r / gpusPerNode), int32_t(r % gpusPerNode)});
  plan.model.name = model.getSymName().str();
  plan.model.vocabSize = model.getVocabSize();
  plan.model.hiddenSize = model.getHiddenSize();
  plan.model.seqLen = run.getSeqLen();
  plan.model.microBatchSize = run.getMicroBatch();
  plan.model.microBatches = run.getMicroBatches();
  plan.model.dataShards = setup.dp();
  plan.optimizer.lr = options.learningRate;
  plan.optimizer.minLr = options.learningRate;
  plan.optimizer.warmupSteps = options.warmupSteps;
  std::vector<int32_t> all(world);
  std::iota(all.begin(), all.end(), 0);
  plan.groups.push_back({"world", pl::GroupKind::world, all});
  collectHolders();

  for (ParameterOp parameter : model.getBody().getOps<ParameterOp>()) {
    auto type = cast<RankedTensorType>(parameter.getType());
    pl::Parameter entry;
    entry.name = parameter.getSymName().str();
    // Checkpoints in other dtypes convert when they are loaded. FP8 block
    // scales are only read by GPU kernels, which are not planned yet; FP8
    // weights are stored as the other floats (the CPU quantizes them when
    // it runs an FP8 GEMM).
    bool scales = StringRef(entry.name).ends_with("_scale_inv");
    Type element = type.getElementType();
    if (isa<FloatType>(element) && element.getIntOrFloatBitWidth() == 8)
      element = Builder(parameter.getContext()).getBF16Type();
    entry.dtype = scales ? pl::DType::f32 : dtypeOf(element);
    entry.shape.assign(type.getShape().begin(), type.getShape().end());
    entry.ranks = worldRanks(mesh, holders[entry.name]);
    // Stacked routed experts stand for one checkpoint tensor per expert
    // (HuggingFace's names); one rank holds them all.
    if (parameter.isStackedExperts()) {
      auto experts = static_cast<int32_t>(type.getDimSize(0));
      entry.experts = pl::ExpertSlice{0, experts, experts};
    }
    // The routing bias moves by DeepSeek-V3's balancing rule, not AdamW;
    // FP8 block scales are not learned.
    entry.trainable =
        !StringRef(entry.name).ends_with("e_score_correction_bias") && !scales;
    if (entry.experts && setup.ep() > 1) {
      if (failed(addExpertShards(std::move(entry))))
        return failure();
      continue;
    }
    plan.parameters.push_back(entry);
  }

  // The first ep group of each pipeline rank's data-parallel copies is
  // written out (its members hold different experts); every other copy
  // replicates the member of its place: the plan of 2048 ranks stays the
  // size of its pipeline ranks' ep groups.
  for (RankOp rankOp : rankOps)
    for (int64_t member = 0; member < setup.ep(); ++member)
      if (failed(emitRank(rankOp, member)))
        return failure();
  for (int64_t p = 0; p < setup.pp(); ++p)
    for (int64_t d = setup.ep(); d < setup.dp(); ++d) {
      pl::Rank replica;
      replica.rank = int32_t(mesh.getRank(p, d));
      replica.ppStage = int32_t(p);
      replica.dpRank = int32_t(d);
      replica.epRank = int32_t(mesh.getExpertRank(replica.rank));
      replica.dataShard = int32_t(d);
      replica.replicaOf = int32_t(mesh.getRank(p, d % setup.ep()));
      plan.ranks.push_back(std::move(replica));
    }
  llvm::sort(plan.ranks, [](const pl::Rank &a, const pl::Rank &b) {
    return a.rank < b.rank;
  });
  return std::move(plan);
}

FailureOr<pl::Plan> dsc::emitPlan(RunOp run, ModuleOp module,
                                  const PlanOptions &options) {
  FailureOr<ResolvedRun> setup = resolveRun(run);
  if (failed(setup))
    return failure();
  PipelineOp pipeline;
  for (PipelineOp candidate : module.getOps<PipelineOp>())
    if (candidate.getRun() == run.getSymName())
      pipeline = candidate;
  if (!pipeline)
    return run.emitError("dsc compile: @")
           << run.getSymName()
           << " has no dsc.pipeline; run dsc-training-pipeline first";
  return PlanEmitter(*setup, module, pipeline, options).emit();
}
