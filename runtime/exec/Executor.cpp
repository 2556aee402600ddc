//===- Executor.cpp - binds one rank's programs and issues them ----------===//

#include "dsc/exec/Executor.h"
#include "OpBinding.h"
#include "dsc/comm/LocalCommunicator.h"
#include "dsc/exec/Device.h"
#include "dsc/exec/ExecError.h"
#include "dsc/exec/Trace.h"
#include "dsc/io/Json.h"
#include "dsc/plan/OpInfo.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <map>
#include <numeric>

namespace dsc::exec {

using plan::Opcode;

namespace {

/// An instruction ready to run: the device's launch of its kernel, or its
/// communication; for communication, whom it talks to.
struct Bound {
  Stream::Work fn;
  /// "group 'dp' (ranks 0, 1)" or "peer rank 1, tag 0"; empty: no
  /// communication.
  std::string peers;
  /// World rank of each rank of the instruction's communicator (empty: the
  /// world itself).
  std::vector<int32_t> worldRanks;
};

/// Whom communication instruction `inst` talks to, for timeout messages.
void describePeers(const plan::Plan &plan, const plan::Instruction &inst,
                   Bound &b) {
  if (!inst.comm)
    return;
  if (inst.op == Opcode::send || inst.op == Opcode::recv) {
    b.peers = "peer rank " + std::to_string(inst.comm->peer) + ", tag " +
              std::to_string(inst.comm->tag);
    return;
  }
  const plan::ProcessGroup &group = plan.groups[size_t(inst.comm->group)];
  b.worldRanks = group.ranks;
  b.peers = "group '" + group.name + "' (ranks ";
  for (size_t r = 0; r < group.ranks.size(); ++r)
    b.peers += (r ? ", " : "") + std::to_string(group.ranks[r]);
  b.peers += ")";
}

/// A trace argument `, "micro_batch": 3` (nothing for -1).
std::string microBatchArg(int32_t microBatch) {
  return microBatch >= 0 ? ", \"micro_batch\": " + std::to_string(microBatch)
                         : std::string();
}

/// ", micro-batch 3" (nothing for -1).
std::string mbText(int32_t microBatch) {
  return microBatch >= 0 ? ", micro-batch " + std::to_string(microBatch)
                         : std::string();
}

} // namespace

struct Executor::Impl {
  const plan::Plan &plan;
  /// The rank as resolved (a replica runs its source's programs); the
  /// buffers point into it, so it comes first and never moves.
  const plan::Rank rank;
  /// The device (before the buffers it allocates), its streams
  /// (plan::Stream order: compute, comm) and the plan's events.
  std::unique_ptr<Device> device;
  std::unique_ptr<Stream> streams[2];
  std::vector<std::unique_ptr<Event>> events;
  BufferSet buffers;
  OptimizerClock clock;
  Trace *trace = nullptr;
  std::map<uint32_t, int64_t> expertCounts;
  /// The world of one when the executor was given none.
  std::unique_ptr<comm::Communicator> ownWorld;
  detail::Communicators comms;
  /// Per program, one binding per slot variant (variant v reads copy
  /// v mod slots of each slotted buffer); run(p, mb) takes variant
  /// mb mod the program's variant count.
  std::vector<std::vector<std::vector<Bound>>> programs;

  detail::NetworkModel network;

  Impl(const plan::Plan &plan, plan::Rank resolved, std::unique_ptr<Device> dev)
      : plan(plan), rank(std::move(resolved)),
        device(dev ? std::move(dev) : makeCpuDevice()), buffers(rank, *device),
        network(plan, rank.rank) {
    comms.network = &network;
    // Kernels run on the host thread; communication progresses on a
    // thread of its own, under the compute.
    streams[0] = device->createStream("compute", /*inlineWork=*/true);
    streams[1] = device->createStream("comm", /*inlineWork=*/false);
    for (uint32_t e = 0; e < rank.numEvents; ++e)
      events.push_back(device->createEvent());
  }

  Stream &streamOf(plan::Stream stream) {
    return *streams[stream == plan::Stream::comm ? 1 : 0];
  }
  /// Runs instruction `index` of `program` as bound in `b`; errors name it.
  void execute(Bound &b, uint32_t program, size_t index, int32_t microBatch,
               const std::string &track);
  /// The trace event of one run of `program`, from `start` to now.
  void traceProgram(uint32_t program, int32_t microBatch,
                    Trace::Clock::time_point start, const std::string &track);

  struct Issue;
  /// A run of `program` for `microBatch`, ready to issue.
  Issue prepare(uint32_t program, int32_t microBatch);
  /// Issues instructions [begin, end) of `run` to their streams.
  void issue(const Issue &run, size_t begin, size_t end);

  std::string where(uint32_t program, size_t index) const;
  void joinGroups(comm::Communicator *world);
  void findExpertCounts();
  Bound bind(uint32_t program, size_t index, uint32_t slot);
  uint32_t slotVariants(uint32_t program) const;
};

std::string Executor::Impl::where(uint32_t program, size_t index) const {
  const plan::Program &p = rank.programs[program];
  return "rank " + std::to_string(rank.rank) + ", program '" + p.name + "' (#" +
         std::to_string(program) + "), instruction " + std::to_string(index) +
         " (" + plan::opcodeName(p.instructions[index].op) + ")";
}

/// Collective over the world: every rank splits every plan group in plan
/// order, joining the groups it is a member of (ordered as the group lists
/// its ranks) and passing on the others.
void Executor::Impl::joinGroups(comm::Communicator *world) {
  if (!world) {
    ownWorld = std::make_unique<comm::LocalCommunicator>();
    world = ownWorld.get();
  }
  std::string self = "rank " + std::to_string(rank.rank);
  if (world->size() != plan.worldSize || world->rank() != rank.rank)
    throw ExecError(self + " of a plan for " + std::to_string(plan.worldSize) +
                    (plan.worldSize == 1 ? " rank" : " ranks") +
                    " cannot run as rank " + std::to_string(world->rank()) +
                    " of a world of " + std::to_string(world->size()));
  comms.world = world;
  for (const plan::ProcessGroup &group : plan.groups) {
    auto member = std::find(group.ranks.begin(), group.ranks.end(), rank.rank);
    bool in = member != group.ranks.end();
    try {
      comms.groups.push_back(world->split(
          in ? 0 : -1, in ? int(member - group.ranks.begin()) : 0));
    } catch (const comm::CommError &e) {
      throw ExecError(
          self + ": forming group '" + group.name + "': " + e.what(), e.code());
    }
  }
}

/// dispatch_bwd and combine take expert ids but no offsets; their expert
/// count is that of the routing that chose the ids.
void Executor::Impl::findExpertCounts() {
  for (uint32_t p = 0; p < rank.programs.size(); ++p) {
    const auto &insts = rank.programs[p].instructions;
    for (size_t i = 0; i < insts.size(); ++i) {
      const plan::Instruction &inst = insts[i];
      uint32_t ids;
      int64_t count;
      if (inst.op == Opcode::route_fwd) {
        const plan::Buffer &logits = rank.buffers[inst.inputs[0]];
        ids = inst.outputs[0];
        count = logits.shape.empty() ? 1 : logits.shape.back();
      } else if (inst.op == Opcode::dispatch_fwd) {
        ids = inst.inputs[1];
        count = buffers.numel(inst.outputs[1]) - 1;
      } else {
        continue;
      }
      auto [it, inserted] = expertCounts.emplace(ids, count);
      if (!inserted && it->second != count)
        throw ExecError(where(p, i) + ": the expert ids in b" +
                        std::to_string(ids) + " '" + rank.buffers[ids].name +
                        "' are used with " + std::to_string(it->second) +
                        " and " + std::to_string(count) + " experts");
    }
  }
}

/// The least common multiple of the slot counts of the buffers `program`
/// touches: that many bindings give every micro-batch its copies.
uint32_t Executor::Impl::slotVariants(uint32_t program) const {
  constexpr uint64_t kMaxVariants = 4096;
  uint64_t variants = 1;
  for (const plan::Instruction &inst : rank.programs[program].instructions)
    for (const std::vector<uint32_t> *ids : {&inst.inputs, &inst.outputs})
      for (uint32_t id : *ids) {
        uint64_t slots = std::max<uint32_t>(rank.buffers[id].slots, 1);
        variants = variants / std::gcd(variants, slots) * slots;
        if (variants > kMaxVariants)
          throw ExecError("rank " + std::to_string(rank.rank) + ", program '" +
                          rank.programs[program].name +
                          "': its buffers' slot counts need more than " +
                          std::to_string(kMaxVariants) +
                          " bindings; give the buffers of one program one "
                          "slot count");
      }
  return uint32_t(variants);
}

Bound Executor::Impl::bind(uint32_t program, size_t index, uint32_t slot) {
  const plan::Instruction &inst = rank.programs[program].instructions[index];
  detail::OpContext c(plan, rank, inst, where(program, index), expertCounts,
                      comms);
  const plan::OpInfo *info = plan::findOpInfo(inst.op);
  Bound b;
  describePeers(plan, inst, b);
  if (info->comm != plan::CommKind::None) {
    // Communication goes through the communicator, on the buffers' bytes.
    KernelArgs args;
    for (uint32_t id : inst.inputs)
      args.in.push_back(buffers.data(id, slot));
    for (uint32_t id : inst.outputs)
      args.out.push_back(buffers.data(id, slot));
    b.fn = [call = detail::bindComm(c), args] { call(args); };
    return b;
  }
  // Shapes first (backend-neutral), then the device's kernel.
  LaunchDesc desc = detail::describeLaunch(c);
  const KernelTable::Launch *launch = device->kernels().find(inst.op);
  if (!launch)
    c.fail(std::string("the ") + device->name() +
           " backend has no kernel for " + plan::opcodeName(inst.op));
  // The backend gets every operand in its storage dtype with the plan's
  // rule for it; a written output the plan accumulates into a step-long
  // buffer is the backend's to add (OperandUse::AddTo).
  auto operand = [&](uint32_t id, const plan::OperandSpec &spec,
                     OperandUse use) {
    return Operand{buffers.data(id, slot), rank.buffers[id].dtype,
                   buffers.numel(id), spec.type, use};
  };
  std::vector<Operand> inputs, outputs;
  for (size_t i = 0; i < inst.inputs.size(); ++i)
    inputs.push_back(
        operand(inst.inputs[i], info->inputSpec(i), OperandUse::Read));
  for (size_t i = 0; i < inst.outputs.size(); ++i) {
    uint32_t id = inst.outputs[i];
    const plan::OperandSpec &spec = info->outputSpec(i);
    OperandUse use = OperandUse::Update;
    if (spec.access == plan::Access::Write)
      use = plan::outputAccess(*info, i, rank.buffers[id]) ==
                    plan::Access::Accumulate
                ? OperandUse::AddTo
                : OperandUse::Write;
    outputs.push_back(operand(id, spec, use));
  }
  b.fn = device->prepareLaunch(*launch, std::move(desc), std::move(inputs),
                               std::move(outputs), clock);
  return b;
}

Executor::Executor(const plan::Plan &plan, int32_t rankId,
                   comm::Communicator *world, std::unique_ptr<Device> device) {
  std::optional<plan::Rank> rank = plan.resolveRank(rankId);
  if (!rank)
    throw ExecError("the plan has no rank " + std::to_string(rankId));
  impl_ = std::make_unique<Impl>(plan, std::move(*rank), std::move(device));
  // The collective part first, so that a rank refusing its programs below
  // does not leave the others waiting in a split.
  impl_->joinGroups(world);
  impl_->findExpertCounts();
  const plan::Rank &bound = impl_->rank;
  impl_->programs.resize(bound.programs.size());
  for (uint32_t p = 0; p < bound.programs.size(); ++p) {
    uint32_t variants = impl_->slotVariants(p);
    impl_->programs[p].resize(variants);
    for (uint32_t v = 0; v < variants; ++v)
      for (size_t i = 0; i < bound.programs[p].instructions.size(); ++i)
        impl_->programs[p][v].push_back(impl_->bind(p, i, v));
  }
}

void Executor::synchronize() {
  for (std::unique_ptr<Stream> &stream : impl_->streams)
    stream->synchronize();
}

void Executor::finishStep() {
  synchronize();
  auto &sends = *impl_->comms.sends;
  for (detail::Communicators::PendingSend &send : sends) {
    try {
      impl_->comms.world->await(*send.request, "send");
    } catch (const comm::CommTimeout &e) {
      throw CommTimeoutError(send.where + ": " + e.describe());
    } catch (const comm::CommError &e) {
      throw ExecError(send.where + ": " + e.what(), e.code());
    }
  }
  sends.clear();
}

Executor::~Executor() = default;

const plan::Plan &Executor::plan() const { return impl_->plan; }
const plan::Rank &Executor::rank() const { return impl_->rank; }
BufferSet &Executor::buffers() { return impl_->buffers; }
const BufferSet &Executor::buffers() const { return impl_->buffers; }

comm::Communicator &Executor::world() { return *impl_->comms.world; }

void Executor::setOptimizerStep(int64_t step, double lr) {
  impl_->clock.step = step;
  impl_->clock.lr = lr;
}

void Executor::setTrace(Trace *trace) { impl_->trace = trace; }

void Executor::setOverlap(bool overlap) {
  synchronize();
  impl_->streams[1] = impl_->device->createStream("comm", !overlap);
}

void Executor::emulateNetwork(double speed) {
  if (!(speed >= 0) || !std::isfinite(speed))
    throw ExecError("the emulated network's speed must be a finite, "
                    "non-negative fraction of the cluster's, got " +
                    std::to_string(speed));
  impl_->network.setSpeed(speed);
}

std::string Executor::where(uint32_t program, size_t instruction) const {
  return impl_->where(program, instruction);
}

void Executor::Impl::execute(Bound &b, uint32_t program, size_t index,
                             int32_t microBatch, const std::string &track) {
  auto start = trace ? Trace::Clock::now() : Trace::Clock::time_point();
  try {
    b.fn();
  } catch (const ExecError &) {
    throw;
  } catch (const comm::CommTimeout &e) {
    throw CommTimeoutError(where(program, index) + mbText(microBatch) + ", " +
                           b.peers + ": " + e.describe(b.worldRanks));
  } catch (const dsc::Error &e) {
    // A communicator's error keeps its code.
    throw ExecError(
        where(program, index) + mbText(microBatch) + ": " + e.what(), e.code());
  } catch (const std::exception &e) {
    // Kernels reject data the validator cannot see (token ids, labels,
    // expert offsets) with standard exceptions.
    throw ExecError(where(program, index) + mbText(microBatch) + ": " +
                    e.what());
  }
  if (trace) {
    const plan::Program &p = rank.programs[program];
    const plan::Instruction &inst = p.instructions[index];
    // Emulated, a communication's event says how long the modeled
    // transfer took (its last part; the rest was waiting for peers).
    std::string network;
    if (inst.comm && this->network.speed() > 0)
      network = ", \"network_us\": " +
                std::to_string(this->network.lastHeld() * 1e6);
    trace->record(plan::opcodeName(inst.op), start, Trace::Clock::now(),
                  "\"program\": " + io::jsonQuote(p.name) +
                      ", \"instruction\": " + std::to_string(index) +
                      microBatchArg(microBatch) + network,
                  track);
  }
}

void Executor::Impl::traceProgram(uint32_t program, int32_t microBatch,
                                  Trace::Clock::time_point start,
                                  const std::string &track) {
  const std::string &name = rank.programs[program].name;
  trace->record(
      microBatch >= 0 ? name + "@" + std::to_string(microBatch) : name, start,
      Trace::Clock::now(),
      "\"program\": " + std::to_string(program) + microBatchArg(microBatch),
      track);
}

/// One run of a program being issued: its bindings for the micro-batch and
/// when its first instruction started (for its trace event).
struct Executor::Impl::Issue {
  uint32_t program;
  int32_t microBatch;
  std::vector<Bound> *bound;
  std::shared_ptr<Trace::Clock::time_point> start =
      std::make_shared<Trace::Clock::time_point>();
};

Executor::Impl::Issue Executor::Impl::prepare(uint32_t program,
                                              int32_t microBatch) {
  if (program >= programs.size())
    throw ExecError("rank " + std::to_string(rank.rank) + ": no program #" +
                    std::to_string(program));
  std::vector<std::vector<Bound>> &variants = programs[program];
  Issue run{program, microBatch,
            &variants[microBatch >= 0 ? size_t(microBatch) % variants.size()
                                      : 0]};
  if (run.bound->empty() && trace) // e.g. stage 0's backward_input
    traceProgram(program, microBatch, Trace::Clock::now(), {});
  return run;
}

void Executor::Impl::issue(const Issue &run, size_t begin, size_t end) {
  // Every instruction goes to its stream, after the events it waits for
  // and before those it records. The program's trace event spans from its
  // first instruction's start to its last one's end.
  const plan::Program &p = rank.programs[run.program];
  for (size_t i = begin; i < end; ++i) {
    const plan::Instruction &inst = p.instructions[i];
    Stream &stream = streamOf(inst.stream);
    for (uint32_t e : inst.waitEvents)
      stream.wait(*events[e]);
    Bound *b = &(*run.bound)[i];
    bool first = i == 0, last = i + 1 == run.bound->size();
    uint32_t program = run.program;
    int32_t microBatch = run.microBatch;
    auto programStart = run.start;
    stream.enqueue([this, b, program, i, microBatch, first, last, programStart,
                    &stream] {
      if (first && trace)
        *programStart = Trace::Clock::now();
      execute(*b, program, i, microBatch, stream.name());
      if (last && trace)
        traceProgram(program, microBatch, *programStart, stream.name());
    });
    for (uint32_t e : inst.recordEvents)
      stream.record(*events[e]);
  }
}

void Executor::run(uint32_t program, int32_t microBatch) {
  Impl::Issue run = impl_->prepare(program, microBatch);
  impl_->issue(run, 0, run.bound->size());
}

void Executor::runOverlapped(uint32_t first, int32_t firstMicroBatch,
                             uint32_t second, int32_t secondMicroBatch) {
  // The compiler's chunks, in turn: each one's communication, issued to
  // the comm stream at its chunk's end, runs while the other's next chunk
  // computes (DeepSeek-V3 Figure 4).
  Impl &impl = *impl_;
  Impl::Issue runs[2] = {impl.prepare(first, firstMicroBatch),
                         impl.prepare(second, secondMicroBatch)};
  std::vector<uint32_t> starts[2];
  for (int r = 0; r < 2; ++r) {
    starts[r] = impl.rank.programs[runs[r].program].chunks;
    if (starts[r].empty())
      starts[r].push_back(0);
    starts[r].push_back(uint32_t(runs[r].bound->size()));
  }
  size_t chunks = std::max(starts[0].size(), starts[1].size()) - 1;
  for (size_t c = 0; c < chunks; ++c)
    for (int r = 0; r < 2; ++r)
      if (c + 1 < starts[r].size())
        impl.issue(runs[r], starts[r][c], starts[r][c + 1]);
}

} // namespace dsc::exec
