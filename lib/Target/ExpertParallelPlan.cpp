//===- ExpertParallelPlan.cpp - the plan's expert-parallel parts ----------===//
//
// What expert parallelism adds to a rank's plan: its slots of each stacked
// routed-expert tensor (one plan parameter per ep member, naming the
// logical expert of every slot), its ep group, the candidate tables its
// slot_route reads, and the sum of the gradients of experts the placement
// replicates (scatter into a compact buffer, all_reduce over the ep group,
// gather back), which comes before the data-parallel sum over the ranks
// holding the same slots.
//
//===----------------------------------------------------------------------===//

#include "PlanEmitterImpl.h"

using namespace dsc;
using namespace dsc::target;

LogicalResult PlanEmitter::addExpertShards(pl::Parameter entry) {
  MoEOp moe = moeOfExperts(model, entry.name);
  if (!moe)
    return run.emitError("dsc compile: no dsc.moe of @")
           << model.getSymName() << " holds the routed experts '"
           << entry.name << "'";
  ExpertPlacementAttr placement = setup.expertPlacement(moe);
  auto perMember = int32_t(placement.getSlotsPerGPU());
  ArrayRef<int64_t> phy2log = placement.getPhy2log();
  std::vector<int32_t> holders = entry.ranks;
  for (int64_t member = 0; member < setup.ep(); ++member) {
    pl::Parameter shard = entry;
    shard.shape[0] = perMember;
    int32_t first = int32_t(member) * perMember;
    shard.experts = pl::ExpertSlice{first, perMember,
                                    int32_t(phy2log.size()), {}};
    for (int32_t slot = 0; slot < perMember; ++slot)
      shard.experts->ids.push_back(int32_t(phy2log[first + slot]));
    shard.ranks.clear();
    for (int32_t r : holders)
      if (mesh.getExpertRank(r) == member)
        shard.ranks.push_back(r);
    plan.parameters.push_back(std::move(shard));
  }
  return success();
}

int32_t PlanEmitter::expertGroup() {
  // Every ep group of the pipeline rank's data-parallel copies: the
  // replicas of this rank use theirs (Plan::resolveRank moves the group).
  int32_t own = -1;
  for (int64_t base = 0; base < setup.dp(); base += setup.ep()) {
    std::vector<int32_t> ranks;
    for (int64_t member = 0; member < setup.ep(); ++member)
      ranks.push_back(int32_t(mesh.getRank(pipelineRank, base + member)));
    int32_t index;
    if (auto it = groups.find(ranks); it != groups.end()) {
      index = it->second;
    } else {
      pl::ProcessGroup group;
      group.ranks = ranks;
      group.kind = pl::GroupKind::ep;
      group.name = "ep" + std::to_string(pipelineRank) +
                   (setup.dp() > setup.ep()
                        ? "." + std::to_string(base / setup.ep())
                        : std::string());
      index = int32_t(plan.groups.size());
      plan.groups.push_back(std::move(group));
      groups[ranks] = index;
    }
    if (base == expertRank - expertRank % setup.ep())
      own = index;
  }
  return own;
}

uint32_t PlanEmitter::constant(std::string name, std::vector<int64_t> shape,
                               std::vector<int32_t> values) {
  pl::Buffer buf;
  buf.name = std::move(name);
  buf.role = pl::BufferRole::constant;
  buf.dtype = pl::DType::i32;
  buf.shape = std::move(shape);
  buf.values = std::move(values);
  return buffer(std::move(buf));
}

uint32_t PlanEmitter::slotCandidates(ExpertPlacementAttr placement) {
  if (auto it = slotTables.find(placement); it != slotTables.end())
    return it->second;
  ArrayRef<int64_t> logcnt = placement.getLogcnt();
  int64_t experts = logcnt.size(), perMember = placement.getSlotsPerGPU();
  int64_t width = *llvm::max_element(logcnt);
  std::vector<int32_t> table(experts * width, -1);
  auto nodeOf = [&](int64_t slot) {
    int64_t base = expertRank - expertRank % setup.ep();
    int64_t r = mesh.getRank(pipelineRank, base + slot / perMember);
    return plan.placement[size_t(r)].node;
  };
  int32_t ownNode = plan.placement[size_t(rank.rank)].node;
  for (int64_t e = 0; e < experts; ++e) {
    SmallVector<int64_t> replicas = placement.getReplicas(e);
    SmallVector<int64_t> local;
    for (int64_t slot : replicas)
      if (nodeOf(slot) == ownNode)
        local.push_back(slot);
    ArrayRef<int64_t> chosen = local.empty() ? replicas : local;
    for (auto [i, slot] : llvm::enumerate(chosen))
      table[e * width + i] = int32_t(slot);
  }
  uint32_t id = constant("slot_candidates" + std::to_string(slotTables.size()),
                         {experts, width}, std::move(table));
  slotTables[placement] = id;
  return id;
}

std::optional<uint32_t>
PlanEmitter::sumReplicas(const pl::Parameter &parameter, uint32_t gradient,
                         std::vector<pl::Instruction> &out) {
  if (!parameter.experts || parameter.experts->ids.empty())
    return std::nullopt;
  MoEOp moe = moeOfExperts(model, parameter.name);
  if (!moe)
    return std::nullopt;
  ArrayRef<int64_t> logcnt = setup.expertPlacement(moe).getLogcnt();
  std::vector<int32_t> compact(logcnt.size(), -1);
  int32_t replicated = 0;
  for (auto [e, count] : llvm::enumerate(logcnt))
    if (count > 1)
      compact[e] = replicated++;
  if (replicated == 0)
    return std::nullopt;
  std::vector<int32_t> index;
  for (int32_t e : parameter.experts->ids)
    index.push_back(compact[size_t(e)]);
  uint32_t indexId = constant(parameter.name + ".replica_index",
                              {int64_t(index.size())}, std::move(index));
  pl::Buffer sum;
  sum.name = parameter.name + ".replica_grads";
  sum.role = pl::BufferRole::persistent;
  sum.dtype = pl::DType::f32;
  sum.shape = parameter.shape;
  sum.shape[0] = replicated;
  uint32_t sumId = buffer(std::move(sum));

  uint32_t scattered = rank.numEvents++, summed = rank.numEvents++,
           ready = rank.numEvents++;
  pl::Instruction zero;
  zero.op = pl::Opcode::fill;
  zero.outputs = {sumId};
  zero.floatAttrs.push_back({pl::AttrKey::value, 0.0});
  pl::Instruction scatter;
  scatter.op = pl::Opcode::scatter_rows;
  scatter.inputs = {gradient, indexId};
  scatter.outputs = {sumId};
  scatter.recordEvents = {scattered};
  pl::Instruction reduce;
  reduce.op = pl::Opcode::all_reduce;
  reduce.inputs = {sumId};
  reduce.outputs = {sumId};
  reduce.comm = pl::CommSpec{expertGroup(), -1, 0};
  reduce.stream = pl::Stream::comm;
  reduce.waitEvents = {scattered};
  reduce.recordEvents = {summed};
  pl::Instruction gather;
  gather.op = pl::Opcode::gather_rows;
  gather.inputs = {sumId, indexId};
  gather.outputs = {gradient};
  gather.waitEvents = {summed};
  gather.recordEvents = {ready};
  for (pl::Instruction *inst : {&zero, &scatter, &reduce, &gather})
    out.push_back(std::move(*inst));
  return ready;
}
