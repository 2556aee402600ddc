//===- Trainer.cpp - the training loop of dsc-run -------------------------===//

#include "dsc/exec/Trainer.h"
#include "dsc/exec/ExecError.h"
#include "dsc/exec/LearningRate.h"
#include "dsc/exec/World.h"
#include "dsc/plan/OpInfo.h"

#include <algorithm>
#include <chrono>
#include <set>

namespace dsc::exec {

using plan::BufferRole;

Trainer::Trainer(Executor &executor, TokenBatches &data)
    : exec_(executor), data_(data) {
  const plan::Rank &rank = exec_.rank();
  // The main loss: what cross_entropy_fwd computes from the labels buffer
  // itself (MTP's losses read shifted labels).
  std::set<uint32_t> main, balance;
  for (const plan::Program &p : rank.programs)
    for (const plan::Instruction &inst : p.instructions) {
      if (inst.op == plan::Opcode::balance_loss_fwd)
        balance.insert(inst.outputs[0]);
      if (inst.op != plan::Opcode::cross_entropy_fwd)
        continue;
      uint32_t loss = inst.outputs[0];
      if (rank.buffers[inst.inputs[1]].role != BufferRole::labels ||
          rank.buffers[loss].role != BufferRole::loss || main.count(loss))
        continue;
      double weight = plan::attrValue(inst, plan::AttrKey::weight).value_or(1);
      main.insert(loss);
      main_.push_back({loss, weight > 0 ? 1.0 / weight : 1.0});
    }
  for (uint32_t id = 0; id < rank.buffers.size(); ++id) {
    BufferRole role = rank.buffers[id].role;
    if (role == BufferRole::loss && !main.count(id))
      (balance.count(id) ? balance_ : aux_).push_back({id, 1.0});
    else if (role == BufferRole::input_ids)
      ids_.push_back(id);
    else if (role == BufferRole::labels)
      labels_.push_back(id);
  }
  programInputs_.resize(rank.programs.size());
  for (size_t p = 0; p < rank.programs.size(); ++p)
    for (const plan::Instruction &inst : rank.programs[p].instructions)
      for (uint32_t id : inst.inputs)
        if (rank.buffers[id].role == BufferRole::input_ids ||
            rank.buffers[id].role == BufferRole::labels)
          programInputs_[p].insert(id);
  // In a pipeline only the last stage computes the loss: a rank may have
  // none as long as some rank of the world has one.
  comm::Communicator &world = exec_.world();
  int32_t holds = main_.empty() ? 0 : 1;
  if (world.size() == 1 && !holds)
    throw ExecError("rank " + std::to_string(rank.rank) +
                    ": no loss buffer is written by a cross_entropy_fwd of "
                    "the labels, so there is no loss to report");
  if (world.size() > 1) {
    int32_t lossHolders = 0;
    world.allReduce(&holds, &lossHolders, 1, comm::DataType::I32);
    if (lossHolders == 0)
      throw WorldError("no rank of the plan has a loss buffer written by a "
                       "cross_entropy_fwd of the labels, so there is no "
                       "loss to report");
  }
  for (const std::vector<uint32_t> *list : {&ids_, &labels_})
    for (uint32_t id : *list)
      if (exec_.buffers().numel(id) != data_.tokensPerMicroBatch())
        throw ExecError("rank " + std::to_string(rank.rank) + ": buffer b" +
                        std::to_string(id) + " '" + rank.buffers[id].name +
                        "' holds " + std::to_string(exec_.buffers().numel(id)) +
                        " tokens, a micro-batch has " +
                        std::to_string(data_.tokensPerMicroBatch()));
}

void Trainer::fillInputs(int32_t microBatch, uint32_t program) {
  // The ids and labels of one micro-batch come from one window, so they
  // are produced together; a plan may hold several copies (per-micro-batch
  // buffers of pipeline programs).
  int64_t n = data_.tokensPerMicroBatch();
  std::vector<int32_t> ids(n), labels(n);
  data_.fill(progress_.dataPosition, microBatch, ids.data(), labels.data());
  const plan::Rank &rank = exec_.rank();
  // Only the program's own: an overlapped pair's other program reads its
  // stage's copies for another micro-batch.
  const std::set<uint32_t> &reads = programInputs_[program];
  auto copy = [&](const std::vector<uint32_t> &targets,
                  const std::vector<int32_t> &values) {
    for (uint32_t id : targets) {
      if (!reads.count(id))
        continue;
      int32_t mb = rank.buffers[id].microBatch;
      if (mb == -1 || mb == microBatch)
        exec_.buffers().write(id, 0, values.data(),
                              values.size() * sizeof(int32_t));
    }
  };
  copy(ids_, ids);
  copy(labels_, labels);
}

/// This rank's share of the world's loss: its micro-batches' losses over
/// every micro-batch of the global batch (micro-batches x data shards), so
/// that the world's loss is the plain sum of the shares however the ranks
/// split the micro-batches (DualPipe's two heads, data-parallel replicas).
/// The MTP and balance buffers already hold that share: each micro-batch
/// adds its loss times its weight, which includes 1 / (micro-batches x data
/// shards); the main loss's buffer is read through 1 / its weight.
void Trainer::readLosses(StepResult &result) const {
  double micro = double(exec_.plan().model.microBatches) *
                 double(std::max<int64_t>(exec_.plan().model.dataShards, 1));
  auto value = [&](const LossTerm &t) {
    float v;
    exec_.buffers().read(t.buffer, 0, &v, sizeof v);
    return double(v) * t.scale;
  };
  for (const LossTerm &t : main_)
    result.loss += value(t);
  for (const LossTerm &t : aux_)
    result.aux += value(t);
  for (const LossTerm &t : balance_)
    result.balance += value(t);
  result.loss /= micro;
}

void Trainer::readPasses(StepResult &result) const {
  readLosses(result);
  if (meter_)
    meter_->add(exec_.buffers());
}

/// The world's loss from the ranks' own. Gathered and summed here rather
/// than by an all-reduce: the sums stay in double, in rank order, so every
/// rank reports the same value bit for bit.
void Trainer::combineLosses(StepResult &result) const {
  comm::Communicator &world = exec_.world();
  if (world.size() == 1)
    return;
  double mine[3] = {result.loss, result.aux, result.balance};
  std::vector<double> all(3 * size_t(world.size()));
  try {
    world.allGather(mine, all.data(), sizeof mine, comm::DataType::U8);
  } catch (const comm::CommTimeout &e) {
    throw CommTimeoutError(
        "rank " + std::to_string(exec_.rank().rank) + ", step " +
        std::to_string(result.step) +
        ", gathering the step's losses over the world: " + e.describe());
  }
  double loss = 0, aux = 0, balance = 0;
  for (int r = 0; r < world.size(); ++r) {
    loss += all[3 * size_t(r)];
    aux += all[3 * size_t(r) + 1];
    balance += all[3 * size_t(r) + 2];
  }
  result.loss = loss;
  result.aux = aux;
  result.balance = balance;
}

StepResult Trainer::step() {
  auto start = std::chrono::steady_clock::now();
  const plan::Rank &rank = exec_.rank();
  StepResult result;
  result.step = progress_.step + 1;
  result.lr = learningRate(exec_.plan().optimizer, int64_t(result.step));
  exec_.setOptimizerStep(int64_t(result.step), result.lr);
  bool lossesRead = false;
  std::set<int32_t> microBatches;
  std::set<uint32_t> pairs(rank.overlapped.begin(), rank.overlapped.end());
  auto microBatchOf = [&](const plan::ScheduleEntry &entry) {
    const plan::Program &program = rank.programs[entry.program];
    return entry.microBatch >= 0 ? entry.microBatch : program.microBatch;
  };
  for (size_t e = 0; e < rank.schedule.size(); ++e) {
    const plan::ScheduleEntry &entry = rank.schedule[e];
    const plan::Program &program = rank.programs[entry.program];
    int32_t mb = microBatchOf(entry);
    // The forward and backward passes wrote the losses and loads; the
    // optimizer sums the loads over the ranks and zeroes both.
    if (program.kind == plan::ProgramKind::optimizer && !lossesRead) {
      readPasses(result);
      lossesRead = true;
    }
    if (mb >= 0) {
      fillInputs(mb, entry.program);
      microBatches.insert(mb);
    }
    if (pairs.count(uint32_t(e)) && e + 1 < rank.schedule.size()) {
      const plan::ScheduleEntry &partner = rank.schedule[++e];
      int32_t partnerMb = microBatchOf(partner);
      if (partnerMb >= 0) {
        fillInputs(partnerMb, partner.program);
        microBatches.insert(partnerMb);
      }
      exec_.runOverlapped(entry.program, mb, partner.program, partnerMb);
      continue;
    }
    exec_.run(entry.program, mb);
  }
  if (!lossesRead)
    readPasses(result);
  exec_.finishStep();
  // After the whole schedule, so no rank waits here while another still
  // waits for it in the schedule's communication.
  combineLosses(result);
  progress_.step = result.step;
  progress_.dataPosition = data_.advance(progress_.dataPosition);
  result.tokens = uint64_t(microBatches.size()) *
                  uint64_t(data_.tokensPerMicroBatch()) *
                  uint64_t(exec_.plan().model.dataShards);
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return result;
}

} // namespace dsc::exec
