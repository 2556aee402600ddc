//===- DataParallel.cpp - a one-rank plan replicated over data-parallel ranks //

#include "dsc/Target/DataParallel.h"

#include <numeric>

using namespace dsc;
namespace pl = dsc::plan;

namespace {

/// The optimizer program with the gradient and expert-load sums in front:
/// each all_reduce records an event that its reader waits for.
void addGradientSums(pl::Rank &rank, pl::Program &optimizer, int32_t group) {
  std::vector<pl::Instruction> sums, rest;
  for (pl::Instruction inst : optimizer.instructions) {
    bool readsSum = inst.op == pl::Opcode::adamw ||
                    inst.op == pl::Opcode::expert_bias_update;
    if (readsSum) {
      pl::Instruction sum;
      sum.op = pl::Opcode::all_reduce;
      sum.inputs = {inst.inputs[0]};
      sum.outputs = {inst.inputs[0]};
      sum.comm = pl::CommSpec{group, -1, 0};
      sum.stream = pl::Stream::comm;
      sum.recordEvents = {rank.numEvents};
      inst.waitEvents.push_back(rank.numEvents++);
      sums.push_back(std::move(sum));
    }
    rest.push_back(std::move(inst));
  }
  sums.insert(sums.end(), rest.begin(), rest.end());
  optimizer.instructions = std::move(sums);
}

} // namespace

void dsc::replicateDataParallel(pl::Plan &plan, int32_t dp,
                                int32_t gpusPerNode) {
  if (dp <= 1)
    return;
  std::vector<int32_t> all(dp);
  std::iota(all.begin(), all.end(), 0);
  plan.worldSize = dp;
  plan.model.dataShards = dp;
  plan.placement.clear();
  for (int32_t r = 0; r < dp; ++r)
    plan.placement.push_back({r / gpusPerNode, r % gpusPerNode});
  plan.groups = {{"world", pl::GroupKind::world, all},
                 {"dp", pl::GroupKind::dp, all}};
  for (pl::Parameter &parameter : plan.parameters)
    parameter.ranks = all;

  pl::Rank replica = std::move(plan.ranks.front());
  for (pl::Program &program : replica.programs)
    if (program.kind == pl::ProgramKind::optimizer)
      addGradientSums(replica, program, /*group=*/1);
  // Rank 0 carries the programs; the others name it (a plan for 2048
  // replicas stays the size of one rank's).
  plan.ranks.clear();
  replica.rank = replica.dpRank = replica.dataShard = 0;
  plan.ranks.push_back(std::move(replica));
  for (int32_t r = 1; r < dp; ++r) {
    pl::Rank rank;
    rank.rank = rank.dpRank = rank.dataShard = r;
    rank.ppStage = 0;
    rank.epRank = 0;
    rank.replicaOf = 0;
    plan.ranks.push_back(std::move(rank));
  }
}
