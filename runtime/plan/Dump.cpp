//===- Dump.cpp - A readable rendering of a plan --------------------------===//
//
// Prints ids as the plan stores them and never looks them up, so dumping an
// unvalidated (even hostile) plan is safe; names come from the schema's enums
// with "?N" for values outside them.
//
//===----------------------------------------------------------------------===//

#include "dsc/plan/Dump.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <sstream>

namespace dsc::plan {

std::string formatDouble(double value) {
  if (std::isnan(value))
    return "nan";
  if (std::isinf(value))
    return value < 0 ? "-inf" : "inf";
  char buf[40];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, value);
    if (std::strtod(buf, nullptr) == value)
      break;
  }
  // %g picks exponents for short mantissas ("1e+04" for 10000); write
  // moderate magnitudes in full, as people do.
  int exponent10 =
      value == 0 ? 0
                 : static_cast<int>(std::floor(std::log10(std::fabs(value))));
  if (std::strchr(buf, 'e') && exponent10 >= -5 && exponent10 < 16)
    std::snprintf(buf, sizeof buf, "%.*g", exponent10 + 1, value);
  // "1e-06" -> "1e-6", "1e+20" -> "1e20": exponents as people write them.
  std::string s = buf;
  if (auto e = s.find('e'); e != std::string::npos) {
    std::string mantissa = s.substr(0, e);
    std::string exponent = s.substr(e + 1);
    bool negative = exponent[0] == '-';
    size_t digits = exponent.find_first_not_of("+-0");
    s = mantissa + "e" + (negative ? "-" : "") +
        (digits == std::string::npos ? "0" : exponent.substr(digits));
  }
  return s;
}

namespace {

template <typename T> std::string list(const std::vector<T> &v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i)
    s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

std::string ids(const char *prefix, const std::vector<uint32_t> &v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i)
    s += (i ? ", " : "") + std::string(prefix) + std::to_string(v[i]);
  return s;
}

std::string escape(const std::string &s) {
  std::string out;
  for (char c : s) {
    // Names come from the file: keep the dump one line per item and
    // printable whatever they hold.
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

std::string quote(const std::string &s) { return "\"" + escape(s) + "\""; }

std::string microBatch(int32_t mb) {
  return mb < 0 ? "any micro-batch" : "micro-batch " + std::to_string(mb);
}

void dumpInstruction(std::ostream &os, const std::string &program, size_t i,
                     const Instruction &in) {
  os << "    " << program << "[" << i << "] " << opcodeName(in.op) << " (";
  if (!in.inputs.empty())
    os << "in " << ids("b", in.inputs);
  if (!in.inputs.empty() && !in.outputs.empty())
    os << "; ";
  if (!in.outputs.empty())
    os << "out " << ids("b", in.outputs);
  os << ")";
  for (const IntAttr &a : in.intAttrs)
    os << " " << attrName(a.key) << "=" << a.value;
  for (const FloatAttr &a : in.floatAttrs)
    os << " " << attrName(a.key) << "=" << formatDouble(a.value);
  if (in.comm) {
    if (in.comm->group >= 0)
      os << " group g" << in.comm->group;
    if (in.comm->peer >= 0)
      os << " peer " << in.comm->peer << " tag " << in.comm->tag;
  }
  os << " @" << streamName(in.stream);
  if (!in.waitEvents.empty())
    os << " wait " << ids("e", in.waitEvents);
  if (!in.recordEvents.empty())
    os << " record " << ids("e", in.recordEvents);
  os << "\n";
}

} // namespace

std::string dumpPlan(const Plan &plan) {
  std::ostringstream os;
  os << "dsc plan, format " << kPlanFormatVersion;
  if (!plan.producer.empty())
    os << ", producer " << quote(plan.producer);
  os << "\n";

  os << "world: " << plan.worldSize << " ranks\n";
  for (size_t r = 0; r < plan.placement.size(); ++r)
    os << "  rank " << r << ": node " << plan.placement[r].node << " gpu "
       << plan.placement[r].localGpu << "\n";

  const ModelFacts &m = plan.model;
  os << "model " << quote(m.name) << ": vocab " << m.vocabSize << ", hidden "
     << m.hiddenSize << ", seq_len " << m.seqLen << ", micro_batch_size "
     << m.microBatchSize << ", micro_batches " << m.microBatches
     << ", data_shards " << m.dataShards << "\n";

  const Optimizer &o = plan.optimizer;
  os << "optimizer: adamw lr " << formatDouble(o.lr) << ", "
     << lrScheduleName(o.schedule) << " to " << formatDouble(o.minLr)
     << ", warmup " << o.warmupSteps << ", decay " << o.decaySteps << ", betas "
     << formatDouble(o.beta1) << " " << formatDouble(o.beta2) << ", eps "
     << formatDouble(o.eps) << ", weight_decay " << formatDouble(o.weightDecay)
     << "\n";

  if (plan.nvlink.gbps > 0 || plan.infiniband.gbps > 0)
    os << "network: nvlink " << formatDouble(plan.nvlink.gbps) << " GB/s "
       << formatDouble(plan.nvlink.latencyUs) << " us, infiniband "
       << formatDouble(plan.infiniband.gbps) << " GB/s "
       << formatDouble(plan.infiniband.latencyUs) << " us\n";

  os << "groups:\n";
  for (size_t g = 0; g < plan.groups.size(); ++g) {
    const ProcessGroup &group = plan.groups[g];
    os << "  g" << g << " " << groupKindName(group.kind) << " "
       << quote(group.name) << " " << list(group.ranks) << "\n";
  }

  os << "parameters:\n";
  for (size_t p = 0; p < plan.parameters.size(); ++p) {
    const Parameter &param = plan.parameters[p];
    os << "  p" << p << " " << quote(param.name) << " "
       << dtypeName(param.dtype) << " " << list(param.shape) << " on "
       << list(param.ranks);
    if (param.experts && !param.experts->ids.empty())
      os << " slots " << param.experts->first << "+" << param.experts->count
         << " of " << param.experts->total << " holding experts "
         << list(param.experts->ids);
    else if (param.experts)
      os << " experts " << param.experts->first << "+" << param.experts->count
         << " of " << param.experts->total;
    if (!param.trainable)
      os << " frozen";
    os << "\n";
  }

  for (const Rank &r : plan.ranks) {
    os << "rank " << r.rank << ": pp_stage " << r.ppStage << ", dp_rank "
       << r.dpRank << ", ep_rank " << r.epRank << ", data_shard "
       << r.dataShard;
    if (r.replicaOf >= 0) {
      os << "; runs rank " << r.replicaOf << "'s programs\n";
      continue;
    }
    os << "; arena " << r.arenaSize << " bytes; " << r.numEvents
       << (r.numEvents == 1 ? " event\n" : " events\n");
    os << "  buffers:\n";
    for (size_t b = 0; b < r.buffers.size(); ++b) {
      const Buffer &buf = r.buffers[b];
      os << "    b" << b << " " << quote(buf.name) << " " << roleName(buf.role);
      if (buf.state != OptimizerState::none)
        os << " " << stateName(buf.state);
      if (buf.parameter >= 0)
        os << " p" << buf.parameter;
      os << " " << dtypeName(buf.dtype) << " " << list(buf.shape);
      if (buf.role == BufferRole::activation)
        os << " arena " << buf.offset << "+" << buf.size;
      if (buf.slots > 1)
        os << " x" << buf.slots << " stride " << buf.slotStride;
      if (buf.shardGroup >= 0)
        os << " shard of g" << buf.shardGroup;
      if (!buf.values.empty()) {
        // The first values: enough to read a slot table.
        constexpr size_t kShown = 32;
        std::vector<int32_t> shown(
            buf.values.begin(),
            buf.values.begin() + std::min(kShown, buf.values.size()));
        os << " = " << list(shown);
        if (buf.values.size() > kShown)
          os << " and " << buf.values.size() - kShown << " more";
      }
      if (buf.role == BufferRole::input_ids || buf.role == BufferRole::labels ||
          buf.role == BufferRole::loss)
        os << " " << microBatch(buf.microBatch);
      os << "\n";
    }
    for (size_t p = 0; p < r.programs.size(); ++p) {
      const Program &prog = r.programs[p];
      os << "  program #" << p << " " << quote(prog.name) << " "
         << programKindName(prog.kind) << ", " << microBatch(prog.microBatch)
         << ", " << prog.instructions.size()
         << (prog.instructions.size() == 1 ? " instruction" : " instructions");
      if (!prog.chunks.empty())
        os << ", chunks at " << list(prog.chunks);
      os << "\n";
      for (size_t i = 0; i < prog.instructions.size(); ++i)
        dumpInstruction(os, escape(prog.name), i, prog.instructions[i]);
    }
    os << "  schedule:";
    std::set<uint32_t> pairs(r.overlapped.begin(), r.overlapped.end());
    for (size_t e = 0; e < r.schedule.size(); ++e) {
      const ScheduleEntry &s = r.schedule[e];
      // An overlapped pair prints as first+second.
      bool partner = e > 0 && pairs.count(uint32_t(e - 1));
      os << (partner ? "+" : " ");
      // Bounds-checked: the dump also renders unvalidated plans.
      if (s.program < r.programs.size())
        os << escape(r.programs[s.program].name);
      else
        os << "#" << s.program;
      if (s.microBatch >= 0)
        os << "@" << s.microBatch;
    }
    os << "\n";
  }
  return os.str();
}

} // namespace dsc::plan
