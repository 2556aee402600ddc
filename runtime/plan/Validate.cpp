//===- Validate.cpp - Semantic checks of a plan ---------------------------===//
//
// Runs on decoded structs, so it may index the plan's own vectors freely but
// must check every id a plan carries before using it as an index. Checks
// stop early once kMaxValidationErrors are collected: a hostile plan with a
// million bad instructions costs one pass, not a million messages.
//
//===----------------------------------------------------------------------===//

#include "dsc/plan/Validate.h"
#include "StreamOrder.h"

#include "dsc/plan/OpInfo.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <sstream>

namespace dsc::plan {
namespace {

std::string quoted(const std::string &s) { return "'" + s + "'"; }

/// Whether a rank list (a parameter's holders, a group) names `rank`.
bool lists(const std::vector<int32_t> &ranks, int32_t rank) {
  return std::find(ranks.begin(), ranks.end(), rank) != ranks.end();
}

std::string shapeString(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

std::string num(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

bool validDType(DType d) { return dtypeBytes(d) != 0; }

/// "-1..count-1", the values an index into `count` things (or -1) may take;
/// computed without overflow whatever count a hostile plan carries.
std::string range(int64_t count) {
  return "-1.." + (count > std::numeric_limits<int64_t>::min()
                       ? std::to_string(count - 1)
                       : std::string("?"));
}

class Validator {
public:
  explicit Validator(const Plan &plan) : plan(plan) {}

  std::vector<std::string> run() {
    checkPlan();
    if (!full())
      checkParameters();
    if (!full())
      checkGroups();
    std::set<int32_t> seen;
    for (size_t i = 0; i < plan.ranks.size() && !full(); ++i) {
      const Rank &r = plan.ranks[i];
      if (r.rank < 0 || r.rank >= plan.worldSize) {
        error("ranks[" + std::to_string(i) + "]: rank " +
              std::to_string(r.rank) + " outside the world of " +
              std::to_string(plan.worldSize));
        continue;
      }
      if (!seen.insert(r.rank).second) {
        error("ranks[" + std::to_string(i) + "]: rank " +
              std::to_string(r.rank) + " appears twice");
        continue;
      }
      if (r.replicaOf == -1)
        checkRank(r);
      else
        checkReplica(r);
    }
    return std::move(errors);
  }

private:
  const Plan &plan;
  std::vector<std::string> errors;
  bool truncated = false;

  bool full() const { return truncated; }

  void error(std::string message) {
    if (truncated)
      return;
    if (errors.size() + 1 == kMaxValidationErrors) {
      errors.push_back("... more errors left out");
      truncated = true;
      return;
    }
    errors.push_back(std::move(message));
  }

  bool inWorld(int64_t rank) const {
    return rank >= 0 && rank < plan.worldSize;
  }

  int64_t microBatches() const { return plan.model.microBatches; }

  /// Checks shape dims and byte size; returns the byte size when valid.
  std::optional<uint64_t> checkTensor(const std::string &where, DType dtype,
                                      const std::vector<int64_t> &shape) {
    if (!validDType(dtype)) {
      error(where + ": unknown dtype " + dtypeName(dtype));
      return std::nullopt;
    }
    for (size_t d = 0; d < shape.size(); ++d)
      if (shape[d] < 0) {
        error(where + ": dimension " + std::to_string(d) + " of shape " +
              shapeString(shape) + " is negative");
        return std::nullopt;
      }
    auto bytes = tensorBytes(dtype, shape);
    if (!bytes)
      error(where + ": shape " + shapeString(shape) + " of " +
            dtypeName(dtype) + " overflows a 64-bit byte count");
    return bytes;
  }

  void checkRankList(const std::string &where,
                     const std::vector<int32_t> &ranks) {
    if (ranks.empty()) {
      error(where + ": no ranks");
      return;
    }
    std::set<int32_t> seen;
    for (int32_t r : ranks) {
      if (!inWorld(r)) {
        error(where + ": rank " + std::to_string(r) + " outside the world of " +
              std::to_string(plan.worldSize));
        return;
      }
      if (!seen.insert(r).second) {
        error(where + ": rank " + std::to_string(r) + " listed twice");
        return;
      }
    }
  }

  //===--------------------------------------------------------------------===//
  // Plan-level facts
  //===--------------------------------------------------------------------===//

  void checkPlan() {
    if (plan.worldSize < 1)
      error("world_size " + std::to_string(plan.worldSize) +
            " must be at least 1");
    if (plan.placement.size() !=
        static_cast<size_t>(std::max(0, plan.worldSize)))
      error("placement lists " + std::to_string(plan.placement.size()) +
            " ranks, world_size is " + std::to_string(plan.worldSize));
    std::set<std::pair<int32_t, int32_t>> gpus;
    for (size_t r = 0; r < plan.placement.size() && !full(); ++r) {
      const RankPlacement &p = plan.placement[r];
      std::string where = "placement of rank " + std::to_string(r);
      if (p.node < 0 || p.localGpu < 0)
        error(where + ": node " + std::to_string(p.node) + ", local GPU " +
              std::to_string(p.localGpu) + " must not be negative");
      else if (!gpus.insert({p.node, p.localGpu}).second)
        error(where + ": node " + std::to_string(p.node) + " GPU " +
              std::to_string(p.localGpu) + " is already another rank's");
    }

    const ModelFacts &m = plan.model;
    auto positive = [&](const char *name, int64_t v, int64_t min = 1) {
      if (v < min)
        error(std::string("model: ") + name + " " + std::to_string(v) +
              " must be at least " + std::to_string(min));
    };
    positive("vocab_size", m.vocabSize);
    positive("hidden_size", m.hiddenSize);
    positive("seq_len", m.seqLen);
    positive("micro_batch_size", m.microBatchSize);
    positive("micro_batches", m.microBatches);
    positive("data_shards", m.dataShards);
    int64_t tokens;
    if (m.seqLen > 0 && m.microBatchSize > 0 &&
        __builtin_mul_overflow(m.seqLen, m.microBatchSize, &tokens))
      error("model: micro_batch_size x seq_len overflows");

    const Optimizer &o = plan.optimizer;
    auto finiteIn = [&](const char *name, double v, double lo, double hi,
                        bool hiOpen) {
      if (!std::isfinite(v) || v < lo || v > hi || (hiOpen && v == hi))
        error(std::string("optimizer: ") + name + " " + num(v) +
              " must be in [" + num(lo) + ", " + num(hi) +
              (hiOpen ? ")" : "]"));
    };
    finiteIn("lr", o.lr, 0, HUGE_VAL, true);
    finiteIn("min_lr", o.minLr, 0, std::isfinite(o.lr) ? o.lr : 0, false);
    finiteIn("beta1", o.beta1, 0, 1, true);
    finiteIn("beta2", o.beta2, 0, 1, true);
    if (!std::isfinite(o.eps) || o.eps <= 0)
      error("optimizer: eps " + num(o.eps) + " must be positive");
    finiteIn("weight_decay", o.weightDecay, 0, HUGE_VAL, true);
    if (lrScheduleName(o.schedule)[0] == '?')
      error("optimizer: unknown lr schedule " + lrScheduleName(o.schedule));
    if (o.warmupSteps < 0 || o.decaySteps < 0)
      error("optimizer: warmup_steps and decay_steps must not be negative");
    for (auto [name, link] :
         {std::pair<const char *, const Link &>{"nvlink", plan.nvlink},
          {"infiniband", plan.infiniband}}) {
      if (!std::isfinite(link.gbps) || link.gbps < 0 ||
          !std::isfinite(link.latencyUs) || link.latencyUs < 0)
        error(std::string("network: ") + name + " " + num(link.gbps) +
              " GB/s, " + num(link.latencyUs) +
              " us: both must be finite and not negative");
    }
  }

  void checkParameters() {
    std::map<std::pair<std::string, int32_t>, size_t> names;
    for (size_t i = 0; i < plan.parameters.size() && !full(); ++i) {
      const Parameter &p = plan.parameters[i];
      std::string where = "parameter p" + std::to_string(i);
      if (p.name.empty()) {
        error(where + ": empty checkpoint name");
        continue;
      }
      where += " " + quoted(p.name);
      checkTensor(where, p.dtype, p.shape);
      checkRankList(where, p.ranks);
      int32_t first = -1;
      if (p.experts) {
        const ExpertSlice &e = *p.experts;
        first = e.first;
        if (e.count < 1 || e.first < 0 || e.total < 1 ||
            int64_t(e.first) + e.count > e.total)
          error(where + ": expert slice " + std::to_string(e.first) + "+" +
                std::to_string(e.count) + " not within " +
                std::to_string(e.total) + " experts");
        else if (p.name.find("{e}") == std::string::npos)
          error(where + ": an expert stack's name needs an {e} "
                        "placeholder");
        else if (p.shape.empty() || p.shape[0] != e.count)
          error(where + ": an expert stack's first dimension must be its " +
                std::to_string(e.count) + " experts, shape is " +
                shapeString(p.shape));
        else if (!e.ids.empty() &&
                 (int64_t(e.ids.size()) != e.count ||
                  std::any_of(e.ids.begin(), e.ids.end(),
                              [](int32_t id) { return id < 0; })))
          error(where + ": expert_ids must name one logical expert (>= 0) "
                        "per slot of the stack's " +
                std::to_string(e.count));
      }
      auto [it, fresh] = names.insert({{p.name, first}, i});
      if (!fresh)
        error(where + ": same tensor as p" + std::to_string(it->second));
    }
  }

  void checkGroups() {
    for (size_t i = 0; i < plan.groups.size() && !full(); ++i) {
      const ProcessGroup &g = plan.groups[i];
      std::string where = "group g" + std::to_string(i);
      if (!g.name.empty())
        where += " " + quoted(g.name);
      if (groupKindName(g.kind)[0] == '?')
        error(where + ": unknown kind " + groupKindName(g.kind));
      checkRankList(where, g.ranks);
    }
  }

  //===--------------------------------------------------------------------===//
  // Ranks
  //===--------------------------------------------------------------------===//

  void checkCoordinates(const Rank &r, const std::string &where) {
    if (r.ppStage < -1 || r.dpRank < -1 || r.epRank < -1)
      error(where + ": coordinates (pp_stage, dp_rank, ep_rank) must be -1 "
                    "or more");
    if (r.dataShard < -1 || r.dataShard >= plan.model.dataShards)
      error(where + ": data shard " + std::to_string(r.dataShard) +
            " outside " + range(plan.model.dataShards));
  }

  /// A replica runs another rank's programs: that rank is checked in full;
  /// here only what depends on the rank id (holding the parameters, group
  /// membership; point-to-point peers would be wrong for a replica).
  void checkReplica(const Rank &r) {
    std::string where = "rank " + std::to_string(r.rank);
    const Rank *source =
        r.replicaOf == r.rank ? nullptr : plan.findRank(r.replicaOf);
    if (!source || source->replicaOf != -1) {
      error(where + ": replica_of " + std::to_string(r.replicaOf) +
            " must name another rank of the plan that is not a replica");
      return;
    }
    if (!r.buffers.empty() || !r.programs.empty() || !r.schedule.empty() ||
        r.arenaSize != 0 || r.numEvents != 0)
      error(where + ": a replica of rank " + std::to_string(r.replicaOf) +
            " lists no buffers, programs, schedule, arena or events of its "
            "own");
    checkCoordinates(r, where);
    std::set<int32_t> parameters;
    for (const Buffer &buf : source->buffers)
      if (buf.parameter >= 0 &&
          static_cast<size_t>(buf.parameter) < plan.parameters.size())
        parameters.insert(buf.parameter);
    for (int32_t p : parameters)
      if (!lists(plan.parameters[p].ranks, r.rank)) {
        error(where + ": replicates rank " + std::to_string(r.replicaOf) +
              ", whose parameter p" + std::to_string(p) + " " +
              quoted(plan.parameters[p].name) + " it does not hold");
        break;
      }
    for (const Program &program : source->programs)
      for (const Instruction &in : program.instructions) {
        const OpInfo *info = findOpInfo(in.op);
        if (!info || info->comm == CommKind::None || !in.comm)
          continue;
        if (info->comm == CommKind::PointToPoint) {
          // The replica's peer moves with it (Plan::resolveRank).
          int64_t peer = int64_t(in.comm->peer) + r.rank - source->rank;
          if (peer < 0 || peer >= plan.worldSize || peer == r.rank) {
            error(where + ": replicates rank " + std::to_string(r.replicaOf) +
                  ", whose program " + quoted(program.name) +
                  " talks to rank " + std::to_string(in.comm->peer) +
                  ": moved with the replica that is rank " +
                  std::to_string(peer) + ", not another rank of the world");
            return;
          }
          continue;
        }
        // A group without the replica moves with it (Plan::resolveRank).
        int32_t g = in.comm->group;
        if (g >= 0 && static_cast<size_t>(g) < plan.groups.size() &&
            !lists(plan.groups[g].ranks, r.rank)) {
          int32_t moved = plan.shiftedGroup(g, r.rank - source->rank);
          if (moved < 0 || !lists(plan.groups[moved].ranks, r.rank)) {
            error(where + ": replicates rank " + std::to_string(r.replicaOf) +
                  ", whose program " + quoted(program.name) +
                  " uses group g" + std::to_string(g) +
                  " without this rank, and no group is g" +
                  std::to_string(g) + " moved with the replica");
            return;
          }
        }
      }
  }

  void checkRank(const Rank &r) {
    size_t errorsBefore = errors.size();
    std::string where = "rank " + std::to_string(r.rank);
    checkCoordinates(r, where);

    for (size_t b = 0; b < r.buffers.size() && !full(); ++b)
      checkBuffer(r, b);

    // Every event must be recorded somewhere, or a wait on it never ends;
    // counting records first also bounds num_events by the plan's size
    // before anything is allocated for it.
    uint64_t records = 0;
    for (const Program &p : r.programs)
      for (const Instruction &in : p.instructions)
        records += in.recordEvents.size();
    std::vector<bool> recorded;
    if (r.numEvents > records)
      error(where + ": " + std::to_string(r.numEvents) + " events but only " +
            std::to_string(records) +
            " event records: some event is never recorded");
    else
      recorded.assign(r.numEvents, false);

    for (size_t p = 0; p < r.programs.size() && !full(); ++p)
      checkProgram(r, p, recorded);

    if (!full() && recorded.size() == r.numEvents)
      for (uint32_t e = 0; e < r.numEvents; ++e)
        if (!recorded[e]) {
          error(where + ": event e" + std::to_string(e) + " is never recorded");
          break;
        }

    for (size_t i = 0; i < r.schedule.size() && !full(); ++i) {
      const ScheduleEntry &s = r.schedule[i];
      std::string at = where + ", schedule[" + std::to_string(i) + "]";
      if (s.program >= r.programs.size()) {
        error(at + ": program #" + std::to_string(s.program) +
              " out of range (rank has " + std::to_string(r.programs.size()) +
              " programs)");
        continue;
      }
      const Program &p = r.programs[s.program];
      if (s.microBatch < -1 || s.microBatch >= microBatches())
        error(at + ": micro-batch " + std::to_string(s.microBatch) +
              " outside " + range(microBatches()));
      else if (p.microBatch >= 0 && s.microBatch != p.microBatch)
        error(at + ": runs program " + quoted(p.name) + " of micro-batch " +
              std::to_string(p.microBatch) + " as micro-batch " +
              std::to_string(s.microBatch));
    }
    for (size_t p = 0; p < r.programs.size() && !full(); ++p) {
      const std::vector<uint32_t> &chunks = r.programs[p].chunks;
      for (size_t c = 0; c < chunks.size(); ++c)
        if ((c == 0 && chunks[c] != 0) ||
            (c > 0 && chunks[c] <= chunks[c - 1]) ||
            chunks[c] >= std::max<size_t>(1, r.programs[p].instructions.size())) {
          error(where + ", program " + quoted(r.programs[p].name) +
                ": chunks must start at 0 and ascend within its " +
                std::to_string(r.programs[p].instructions.size()) +
                " instructions");
          break;
        }
    }
    uint32_t previousPair = 0;
    for (size_t i = 0; i < r.overlapped.size() && !full(); ++i) {
      uint32_t entry = r.overlapped[i];
      if (size_t(entry) + 1 >= r.schedule.size() ||
          (i > 0 && entry < previousPair + 2)) {
        error(where + ": overlapped schedule entry " + std::to_string(entry) +
              " must be followed by its partner, pairs ascending and "
              "disjoint, within the " + std::to_string(r.schedule.size()) +
              " entries");
        break;
      }
      previousPair = entry;
    }
    // With every id valid: the two streams, which run concurrently, must
    // be ordered by events wherever they share a buffer.
    if (errors.size() == errorsBefore)
      if (std::string race = detail::checkStreamOrder(r); !race.empty())
        error(race);
  }

  /// A ZeRO-1 shard: a flat buffer of ceil(numel / |group|) elements of a
  /// group the rank is in, in a role the optimizer shards.
  void checkShard(const Rank &r, const Buffer &buf, const std::string &where,
                  const Parameter &p, const std::string &param) {
    if (buf.role == BufferRole::parameter) {
      error(where + ": a parameter is whole; its shard is a parameter_shard");
      return;
    }
    if (buf.shardGroup < 0 || size_t(buf.shardGroup) >= plan.groups.size()) {
      error(where + ": shard group g" + std::to_string(buf.shardGroup) +
            " out of range (plan has " + std::to_string(plan.groups.size()) +
            " groups)");
      return;
    }
    const ProcessGroup &g = plan.groups[buf.shardGroup];
    if (!lists(g.ranks, r.rank)) {
      error(where + ": rank " + std::to_string(r.rank) +
            " is not a member of its shard group g" +
            std::to_string(buf.shardGroup));
      return;
    }
    auto numel = numElements(p.shape);
    if (!numel)
      return;
    auto n = int64_t(g.ranks.size());
    std::vector<int64_t> shard = {shardNumel(*numel, n)};
    if (buf.shape != shard)
      error(where + ": shape " + shapeString(buf.shape) + " is not a shard " +
            shapeString(shard) + " of " + param + " over the " +
            std::to_string(n) + " ranks of g" + std::to_string(buf.shardGroup));
  }

  void checkBuffer(const Rank &r, size_t b) {
    const Buffer &buf = r.buffers[b];
    std::string where =
        "rank " + std::to_string(r.rank) + ", buffer b" + std::to_string(b);
    if (!buf.name.empty())
      where += " " + quoted(buf.name);
    auto bytes = checkTensor(where, buf.dtype, buf.shape);
    if (roleName(buf.role)[0] == '?') {
      error(where + ": unknown role " + roleName(buf.role));
      return;
    }
    bool bound = buf.role == BufferRole::parameter ||
                 buf.role == BufferRole::gradient ||
                 buf.role == BufferRole::optimizer_state ||
                 buf.role == BufferRole::parameter_shard;
    if (bound) {
      if (buf.parameter < 0 ||
          static_cast<size_t>(buf.parameter) >= plan.parameters.size()) {
        error(where + ": parameter p" + std::to_string(buf.parameter) +
              " out of range (plan has " +
              std::to_string(plan.parameters.size()) + " parameters)");
        return;
      }
      const Parameter &p = plan.parameters[buf.parameter];
      std::string param =
          "parameter p" + std::to_string(buf.parameter) + " " + quoted(p.name);
      if (!lists(p.ranks, r.rank))
        error(where + ": " + param + " is not held by rank " +
              std::to_string(r.rank));
      if (buf.shardGroup >= 0 || buf.role == BufferRole::parameter_shard)
        checkShard(r, buf, where, p, param);
      else if (buf.shape != p.shape)
        error(where + ": shape " + shapeString(buf.shape) + " differs from " +
              shapeString(p.shape) + " of " + param);
      bool floating = buf.dtype == DType::f32 || buf.dtype == DType::bf16 ||
                      buf.dtype == DType::f16;
      if (buf.role != BufferRole::parameter && !floating &&
          validDType(buf.dtype))
        error(where + ": a " + roleName(buf.role) +
              " must be f32, bf16 or "
              "f16, is " +
              dtypeName(buf.dtype));
      if ((buf.role == BufferRole::parameter ||
           buf.role == BufferRole::parameter_shard) &&
          buf.dtype != p.dtype)
        error(where + ": dtype " + dtypeName(buf.dtype) + " differs from " +
              dtypeName(p.dtype) + " of " + param);
      if (buf.role == BufferRole::optimizer_state) {
        if (buf.state == OptimizerState::none || stateName(buf.state)[0] == '?')
          error(where +
                ": optimizer state needs a kind (exp_avg, "
                "exp_avg_sq, master_weight), has " +
                stateName(buf.state));
        else if (buf.state == OptimizerState::master_weight &&
                 buf.dtype != DType::f32)
          error(where + ": a master weight must be f32");
      } else if (buf.state != OptimizerState::none) {
        error(where + ": only optimizer_state buffers name a state");
      }
    } else if (buf.parameter != -1 || buf.state != OptimizerState::none ||
               buf.shardGroup != -1) {
      error(where + ": a buffer of role " + roleName(buf.role) +
            " binds no parameter, optimizer state or shard");
    }

    bool perMicroBatch = buf.role == BufferRole::input_ids ||
                         buf.role == BufferRole::labels ||
                         buf.role == BufferRole::loss;
    if (perMicroBatch) {
      if (buf.microBatch < -1 || buf.microBatch >= microBatches())
        error(where + ": micro-batch " + std::to_string(buf.microBatch) +
              " outside " + range(microBatches()));
    } else if (buf.microBatch != -1) {
      error(where + ": only input_ids, labels and loss buffers belong to a "
                    "micro-batch");
    }
    if (buf.role == BufferRole::input_ids || buf.role == BufferRole::labels) {
      // The executor fills exactly one micro-batch of tokens.
      int64_t tokens = 0;
      bool tokensKnown = !__builtin_mul_overflow(plan.model.microBatchSize,
                                                 plan.model.seqLen, &tokens);
      auto n = numElements(buf.shape);
      if (buf.dtype != DType::i32)
        error(where + ": " + roleName(buf.role) + " must be i32");
      else if (n && tokensKnown && *n != tokens)
        error(where + ": holds " + std::to_string(*n) +
              " tokens, a micro-batch has " + std::to_string(tokens));
    }
    if (buf.role == BufferRole::loss && buf.dtype != DType::f32)
      error(where + ": a loss must be f32");
    if (buf.role == BufferRole::constant) {
      auto n = numElements(buf.shape);
      if (buf.dtype != DType::i32)
        error(where + ": a constant must be i32");
      else if (n && *n != int64_t(buf.values.size()))
        error(where + ": a constant of " + std::to_string(*n) +
              " elements lists " + std::to_string(buf.values.size()) +
              " values");
    } else if (!buf.values.empty()) {
      error(where + ": only constant buffers list values");
    }

    if (buf.role == BufferRole::activation) {
      // Copy k of a slotted buffer starts k * slot_stride bytes further.
      uint64_t last = 0, start, end;
      bool overflow =
          buf.slots > 1 && __builtin_mul_overflow(uint64_t(buf.slots - 1),
                                                  buf.slotStride, &last);
      if (buf.slots == 0)
        error(where + ": an activation has at least one slot");
      else if (buf.slots > 1 && buf.slotStride < buf.size)
        error(where + ": slot stride " + std::to_string(buf.slotStride) +
              " is below its " + std::to_string(buf.size) +
              " bytes, so its copies overlap");
      else if (overflow || __builtin_add_overflow(buf.offset, last, &start) ||
               __builtin_add_overflow(start, buf.size, &end) ||
               end > r.arenaSize)
        error(where + ": arena range " + std::to_string(buf.offset) + "+" +
              std::to_string(buf.size) +
              (buf.slots > 1
                   ? " x " + std::to_string(buf.slots) + " slots" +
                         " (stride " + std::to_string(buf.slotStride) + ")"
                   : std::string()) +
              " exceeds the " + std::to_string(r.arenaSize) + "-byte arena");
      else if (bytes && buf.size < *bytes)
        error(where + ": " + std::to_string(buf.size) +
              " arena bytes hold less than its " + std::to_string(*bytes) +
              " bytes");
      // Kernels load and store whole elements: an offset off the dtype's
      // alignment means misaligned accesses (the arena itself is 64-byte
      // aligned, exec/Buffers.h).
      uint64_t alignment = dtypeBytes(buf.dtype);
      if (alignment > 1 && buf.offset % alignment != 0)
        error(where + ": arena offset " + std::to_string(buf.offset) +
              " is not aligned for " + dtypeName(buf.dtype) +
              " (it needs a multiple of " + std::to_string(alignment) +
              " bytes)");
    } else if (buf.offset != 0 || buf.size != 0 || buf.slots != 1 ||
               buf.slotStride != 0) {
      error(where + ": only activations have an arena offset, size and slots");
    }
  }

  //===--------------------------------------------------------------------===//
  // Programs and instructions
  //===--------------------------------------------------------------------===//

  void checkProgram(const Rank &r, size_t p, std::vector<bool> &recorded) {
    const Program &prog = r.programs[p];
    std::string where = "rank " + std::to_string(r.rank) + ", program " +
                        quoted(prog.name) + " (#" + std::to_string(p) + ")";
    if (programKindName(prog.kind)[0] == '?')
      error(where + ": unknown kind " + programKindName(prog.kind));
    if (prog.microBatch < -1 || prog.microBatch >= microBatches())
      error(where + ": micro-batch " + std::to_string(prog.microBatch) +
            " outside " + range(microBatches()));
    for (size_t i = 0; i < prog.instructions.size() && !full(); ++i)
      checkInstruction(r, prog.instructions[i],
                       where + ", instruction " + std::to_string(i), recorded);
  }

  /// The buffer `id` names, or null (and an error) when out of range.
  const Buffer *operand(const Rank &r, const std::string &where, uint32_t id) {
    if (id < r.buffers.size())
      return &r.buffers[id];
    error(where + ": buffer b" + std::to_string(id) +
          " out of range (rank has " + std::to_string(r.buffers.size()) +
          " buffers)");
    return nullptr;
  }

  void checkInstruction(const Rank &r, const Instruction &in, std::string where,
                        std::vector<bool> &recorded) {
    const OpInfo *info = findOpInfo(in.op);
    if (!info) {
      error(where + ": unknown opcode " + opcodeName(in.op));
      return;
    }
    where += " (" + opcodeName(in.op) + ")";

    auto countOk = [&](const char *what, size_t n, int min, int max) {
      if (n >= static_cast<size_t>(min) &&
          (max < 0 || n <= static_cast<size_t>(max)))
        return true;
      std::string want =
          max < 0      ? "at least " + std::to_string(min)
          : min == max ? std::to_string(min)
                       : std::to_string(min) + " to " + std::to_string(max);
      error(where + ": " + std::to_string(n) + " " + what + ", expected " +
            want);
      return false;
    };
    // Both counts are checked (and reported) before either decides.
    bool inputsOk =
        countOk("inputs", in.inputs.size(), info->minInputs, info->maxInputs);
    bool outputsOk = countOk("outputs", in.outputs.size(), info->minOutputs,
                             info->maxOutputs);
    bool counts = inputsOk && outputsOk;

    // Operands: in range and of an accepted element type. Only looked at
    // when the counts are right: each id then has a spec to check against.
    std::vector<const Buffer *> ins, outs;
    bool operandsOk = counts;
    auto check = [&](const std::vector<uint32_t> &ids, bool isInput,
                     std::vector<const Buffer *> &out) {
      for (size_t i = 0; i < ids.size() && !full(); ++i) {
        const OperandSpec &spec =
            isInput ? info->inputSpec(i) : info->outputSpec(i);
        std::string at = where + ": " + (isInput ? "input " : "output ") +
                         std::to_string(i) + " (" + spec.name + ")";
        const Buffer *b = operand(r, at, ids[i]);
        if (!b) {
          operandsOk = false;
          continue;
        }
        if (validDType(b->dtype) && !operandTypeAccepts(spec.type, b->dtype)) {
          error(at + ": buffer b" + std::to_string(ids[i]) + " is " +
                dtypeName(b->dtype) + ", expected " +
                operandTypeName(spec.type));
          operandsOk = false;
        } else if (!isInput && validDType(b->dtype) &&
                   outputAccess(*info, i, *b) == Access::Accumulate &&
                   spec.access == Access::Write &&
                   !operandTypeAccepts(OperandType::Floating, b->dtype)) {
          error(at + ": buffer b" + std::to_string(ids[i]) + " is a " +
                roleName(b->role) + " buffer, which sums the micro-batches' " +
                "values, so it must be floating, not " + dtypeName(b->dtype));
          operandsOk = false;
        } else if (!isInput && b->role == BufferRole::constant) {
          error(at + ": buffer b" + std::to_string(ids[i]) +
                " is a constant, which no instruction writes");
          operandsOk = false;
        }
        out.push_back(b);
      }
    };
    if (counts) {
      check(in.inputs, true, ins);
      check(in.outputs, false, outs);
    }

    checkAttributes(*info, in, where);
    checkComm(r, *info, in, where, operandsOk ? &ins : nullptr, &outs);
    if (operandsOk && in.op == Opcode::adamw)
      checkAdamW(r, in, where);

    if (streamName(in.stream)[0] == '?')
      error(where + ": unknown stream " + streamName(in.stream));
    for (uint32_t e : in.waitEvents)
      if (e >= r.numEvents) {
        error(where + ": waits for event e" + std::to_string(e) +
              " out of range (rank has " + std::to_string(r.numEvents) +
              " events)");
        break;
      }
    for (uint32_t e : in.recordEvents) {
      if (e >= r.numEvents) {
        error(where + ": records event e" + std::to_string(e) +
              " out of range (rank has " + std::to_string(r.numEvents) +
              " events)");
        break;
      }
      if (e < recorded.size())
        recorded[e] = true;
    }
  }

  void checkAttributes(const OpInfo &info, const Instruction &in,
                       const std::string &where) {
    std::set<AttrKey> seen;
    auto one = [&](AttrKey key, bool isFloat, double value) {
      std::string name = attrName(key);
      const AttrSpec *spec = info.findAttr(key);
      if (!spec) {
        error(where + ": takes no attribute " + name);
        return;
      }
      if (!seen.insert(key).second) {
        error(where + ": attribute " + name + " given twice");
        return;
      }
      if (spec->isFloat != isFloat) {
        error(where + ": attribute " + name + " must be " +
              (spec->isFloat ? "a float" : "an integer"));
        return;
      }
      if (!std::isfinite(value) || value < spec->min || value > spec->max)
        error(where + ": attribute " + name + " = " + num(value) +
              " outside [" + num(spec->min) + ", " + num(spec->max) + "]");
    };
    for (const IntAttr &a : in.intAttrs)
      one(a.key, false, static_cast<double>(a.value));
    for (const FloatAttr &a : in.floatAttrs)
      one(a.key, true, a.value);
    for (const AttrSpec &spec : info.attrs)
      if (spec.required && !seen.count(spec.key))
        error(where + ": missing required attribute " + attrName(spec.key));

    if (in.op == Opcode::route_fwd) {
      auto groups = in.intAttr(AttrKey::n_group).value_or(1);
      auto kept = in.intAttr(AttrKey::topk_group).value_or(1);
      if (kept > groups)
        error(where + ": topk_group " + std::to_string(kept) +
              " exceeds n_group " + std::to_string(groups));
    }
  }

  void checkComm(const Rank &r, const OpInfo &info, const Instruction &in,
                 const std::string &where,
                 const std::vector<const Buffer *> *ins,
                 const std::vector<const Buffer *> *outs) {
    if (info.comm == CommKind::None) {
      if (in.comm)
        error(where + ": a compute op takes no communication spec");
      return;
    }
    if (!in.comm) {
      error(where + ": needs a communication spec");
      return;
    }
    const CommSpec &c = *in.comm;
    if (info.comm == CommKind::PointToPoint) {
      if (!inWorld(c.peer))
        error(where + ": peer rank " + std::to_string(c.peer) +
              " outside the world of " + std::to_string(plan.worldSize));
      else if (c.peer == r.rank)
        error(where + ": rank " + std::to_string(r.rank) +
              " sends to or receives from itself");
      return;
    }
    if (c.group < 0 || static_cast<size_t>(c.group) >= plan.groups.size()) {
      error(where + ": group g" + std::to_string(c.group) +
            " out of range (plan has " + std::to_string(plan.groups.size()) +
            " groups)");
      return;
    }
    const ProcessGroup &g = plan.groups[c.group];
    if (!lists(g.ranks, r.rank)) {
      error(where + ": rank " + std::to_string(r.rank) +
            " is not a member of group g" + std::to_string(c.group));
      return;
    }
    if (!ins)
      return;
    // Sizes the communicator trusts: a mismatch here would make it read or
    // write past a buffer.
    const Buffer &x = *(*ins)[0], &y = *(*outs)[0];
    auto nx = numElements(x.shape), ny = numElements(y.shape);
    if (!nx || !ny)
      return;
    int64_t n = static_cast<int64_t>(g.ranks.size());
    if (n == 0) // reported with the group; nothing to divide by
      return;
    if (x.dtype != y.dtype) {
      error(where + ": input is " + dtypeName(x.dtype) + ", output " +
            dtypeName(y.dtype));
      return;
    }
    auto sizes = [&](const std::string &rule) {
      error(where + ": " + std::to_string(*nx) + " input and " +
            std::to_string(*ny) + " output elements over " + std::to_string(n) +
            " ranks; " + rule);
    };
    switch (in.op) {
    case Opcode::all_reduce:
      if (*nx != *ny)
        sizes("all_reduce needs equal sizes");
      break;
    // A shard holds ceil(whole / ranks) elements; the last rank's is
    // padded (ZeRO-1 shards parameters of any size).
    case Opcode::reduce_scatter:
      if (shardNumel(*nx, n) != *ny)
        sizes("reduce_scatter needs output = input / group size, rounded up");
      break;
    case Opcode::all_gather:
      if (shardNumel(*ny, n) != *nx)
        sizes("all_gather needs input = output / group size, rounded up");
      break;
    case Opcode::all_to_all:
      if (*nx != *ny || *nx % n != 0)
        sizes("all_to_all needs equal sizes divisible by the group size");
      break;
    case Opcode::all_to_all_v: {
      // Rows move; the receive capacity (y's first dimension) is checked
      // against the counts at run time.
      for (const Buffer *counts : {(*ins)[1], (*outs)[1]}) {
        auto nc = numElements(counts->shape);
        if (nc && *nc != n)
          error(where + ": counts hold " + std::to_string(*nc) +
                " entries, the group has " + std::to_string(n) + " ranks");
      }
      auto rowSize = [](const Buffer &b) {
        std::vector<int64_t> rest(b.shape.begin() + (b.shape.empty() ? 0 : 1),
                                  b.shape.end());
        return numElements(rest);
      };
      if (x.shape.empty() || y.shape.empty() || rowSize(x) != rowSize(y))
        error(where + ": input " + shapeString(x.shape) + " and output " +
              shapeString(y.shape) + " need rows of the same size");
      break;
    }
    default:
      break;
    }
  }

  /// adamw's operands must be one parameter's buffers in the roles the
  /// kernel updates: param, grad, m, v (and the master copy).
  void checkAdamW(const Rank &r, const Instruction &in,
                  const std::string &where) {
    struct Want {
      uint32_t id;
      BufferRole role;
      OptimizerState state;
      const char *name;
    };
    // Under ZeRO-1 every operand is a shard of one group, and the step
    // runs on the FP32 master shard.
    int32_t shards = r.buffers[in.outputs[0]].shardGroup;
    std::vector<Want> wants = {
        {in.inputs[0], BufferRole::gradient, OptimizerState::none, "grad"},
        {in.outputs[0],
         shards >= 0 ? BufferRole::parameter_shard : BufferRole::parameter,
         OptimizerState::none, "param"},
        {in.outputs[1], BufferRole::optimizer_state, OptimizerState::exp_avg,
         "m"},
        {in.outputs[2], BufferRole::optimizer_state, OptimizerState::exp_avg_sq,
         "v"}};
    if (in.outputs.size() > 3)
      wants.push_back({in.outputs[3], BufferRole::optimizer_state,
                       OptimizerState::master_weight, "master"});
    else if (shards >= 0)
      error(where + ": a sharded step needs the master weight shard");
    int32_t param = r.buffers[in.outputs[0]].parameter;
    for (const Want &w : wants) {
      const Buffer &b = r.buffers[w.id];
      if (b.role != w.role || b.state != w.state || b.parameter != param) {
        error(where + ": " + w.name + " (b" + std::to_string(w.id) +
              ") must be the " +
              (w.state == OptimizerState::none ? roleName(w.role)
                                               : stateName(w.state)) +
              " of the updated parameter p" + std::to_string(param));
        return;
      }
      if (b.shardGroup != shards) {
        auto sharding = [](int32_t g) {
          return g < 0 ? std::string("not sharded")
                       : "a shard of g" + std::to_string(g);
        };
        error(where + ": " + w.name + " (b" + std::to_string(w.id) + ") is " +
              sharding(b.shardGroup) + ", the parameter's step is " +
              sharding(shards));
        return;
      }
    }
  }
};

} // namespace

std::vector<std::string> validatePlan(const Plan &plan) {
  return Validator(plan).run();
}

std::string joinErrors(const std::vector<std::string> &errors) {
  std::string out;
  for (const std::string &e : errors)
    out += (out.empty() ? "" : "\n") + e;
  return out;
}

} // namespace dsc::plan
