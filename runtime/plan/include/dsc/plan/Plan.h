//===- Plan.h - An execution plan as plain C++ structs ----------*- C++ -*-===//
//
// The in-memory form of a plan (runtime/plan/Plan.fbs): the compiler's plan
// writer fills these structs and never touches FlatBuffers builders; the
// reader decodes a file into them and the executor runs from them. Field
// meanings are documented once, in Plan.fbs; the enums are the generated
// ones, so the schema stays the one source of truth for names and values.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_PLAN_PLAN_H
#define DSC_PLAN_PLAN_H

#include "dsc/plan/Plan_generated.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dsc::plan {

using fb::AttrKey;
using fb::BufferRole;
using fb::DType;
using fb::GroupKind;
using fb::LrSchedule;
using fb::Opcode;
using fb::OptimizerState;
using fb::ProgramKind;
using fb::Stream;

/// The container format version this library writes and reads.
constexpr uint32_t kPlanFormatVersion = 1;

struct IntAttr {
  AttrKey key;
  int64_t value;
};

struct FloatAttr {
  AttrKey key;
  double value;
};

struct CommSpec {
  int32_t group = -1;
  int32_t peer = -1;
  int32_t tag = 0;
};

struct Instruction {
  Opcode op = Opcode::invalid;
  std::vector<uint32_t> inputs;
  std::vector<uint32_t> outputs;
  std::vector<IntAttr> intAttrs;
  std::vector<FloatAttr> floatAttrs;
  std::optional<CommSpec> comm;
  Stream stream = Stream::compute;
  std::vector<uint32_t> waitEvents;
  std::vector<uint32_t> recordEvents;

  /// The attribute's value, or nullopt when absent (first match).
  std::optional<int64_t> intAttr(AttrKey key) const;
  std::optional<double> floatAttr(AttrKey key) const;
};

struct Program {
  std::string name;
  ProgramKind kind = ProgramKind::forward;
  int32_t microBatch = -1;
  std::vector<Instruction> instructions;
  /// Chunk starts (Plan.fbs); empty: one chunk.
  std::vector<uint32_t> chunks;
};

struct Buffer {
  std::string name;
  BufferRole role = BufferRole::activation;
  DType dtype = DType::f32;
  std::vector<int64_t> shape;
  int32_t parameter = -1;
  OptimizerState state = OptimizerState::none;
  int32_t microBatch = -1;
  uint64_t offset = 0;
  uint64_t size = 0;
  uint32_t slots = 1;
  uint64_t slotStride = 0;
  int32_t shardGroup = -1;
  std::vector<int32_t> values;
};

struct ScheduleEntry {
  uint32_t program = 0;
  int32_t microBatch = -1;
};

struct Rank {
  int32_t rank = 0;
  int32_t ppStage = -1;
  int32_t dpRank = -1;
  int32_t epRank = -1;
  int32_t dataShard = -1;
  uint64_t arenaSize = 0;
  uint32_t numEvents = 0;
  std::vector<Buffer> buffers;
  std::vector<Program> programs;
  std::vector<ScheduleEntry> schedule;
  /// A replica runs rank `replicaOf`'s buffers, programs and schedule (and
  /// its arena size and events) with its own coordinates; -1: its own.
  int32_t replicaOf = -1;
  /// Schedule entries overlapped with the next one (Plan.fbs).
  std::vector<uint32_t> overlapped;
};

struct ExpertSlice {
  int32_t first = 0;
  int32_t count = 0;
  int32_t total = 0;
  /// Expert parallelism: the logical expert of each slot; empty: first + i.
  std::vector<int32_t> ids;

  /// The logical expert in slot `i` of the stack.
  int32_t expert(int32_t i) const {
    return ids.empty() ? first + i : ids[size_t(i)];
  }
};

struct Parameter {
  std::string name;
  DType dtype = DType::f32;
  std::vector<int64_t> shape;
  std::vector<int32_t> ranks;
  std::optional<ExpertSlice> experts;
  bool trainable = true;
};

struct ProcessGroup {
  std::string name;
  GroupKind kind = GroupKind::world;
  std::vector<int32_t> ranks;
};

struct RankPlacement {
  int32_t node = 0;
  int32_t localGpu = 0;
};

/// Defaults are DeepSeek-V3's AdamW settings (Plan.fbs has the same ones).
struct Optimizer {
  double lr = 0;
  double minLr = 0;
  LrSchedule schedule = LrSchedule::constant;
  int64_t warmupSteps = 0;
  int64_t decaySteps = 0;
  double beta1 = 0.9;
  double beta2 = 0.95;
  double eps = 1e-8;
  double weightDecay = 0.1;
};

struct ModelFacts {
  std::string name;
  int64_t vocabSize = 0;
  int64_t hiddenSize = 0;
  int64_t seqLen = 0;
  int64_t microBatchSize = 0;
  int64_t microBatches = 0;
  int64_t dataShards = 1;
};

/// The elements of a parameter, flattened, that one buffer holds: the
/// buffer's first `count` elements are the parameter's [begin, begin +
/// count); a shard's remaining elements are padding.
struct ShardRange {
  int64_t begin = 0;
  int64_t count = 0;
};

/// A cluster link (Plan.fbs Link); zeros: not known.
struct Link {
  double gbps = 0;
  double latencyUs = 0;
};

struct Plan {
  std::string producer;
  int32_t worldSize = 0;
  std::vector<RankPlacement> placement;
  ModelFacts model;
  Optimizer optimizer;
  std::vector<Parameter> parameters;
  std::vector<ProcessGroup> groups;
  std::vector<Rank> ranks;
  Link nvlink, infiniband;

  /// The entry for world rank `rank`, or null when the plan lacks it.
  const Rank *findRank(int32_t rank) const;
  /// What world rank `rank` runs: its own entry, or for a replica the
  /// replicated rank's buffers, programs and schedule under its own
  /// coordinates (replicaOf then -1): its point-to-point peers, and the
  /// collective groups it is not a member of, move with it (by rank -
  /// replicaOf). nullopt when the plan lacks it.
  std::optional<Rank> resolveRank(int32_t rank) const;
  /// The group whose ranks are group `group`'s moved by `shift`, or -1.
  int32_t shiftedGroup(int32_t group, int32_t shift) const;
  /// Which of its parameter's elements `buffer` of world rank `rank` holds:
  /// all of them, or under ZeRO-1 (Buffer.shardGroup) the shard of the
  /// rank's position in the group. nullopt for a buffer bound to no
  /// parameter, a bad group or a rank outside it.
  std::optional<ShardRange> shardRange(int32_t rank,
                                       const Buffer &buffer) const;
};

/// Elements of each ZeRO-1 shard of a `numel`-element tensor over `ranks`
/// ranks (ranks > 0): ceil(numel / ranks), the last shard padded.
inline int64_t shardNumel(int64_t numel, int64_t ranks) {
  return (numel + ranks - 1) / ranks;
}

/// Bytes of one element; 0 for a value outside the enum.
uint64_t dtypeBytes(DType dtype);
/// The schema's name of an enum value, or "?<number>" outside the enum (so
/// dumps and errors never index a name table with a hostile value).
std::string dtypeName(DType dtype);
std::string roleName(BufferRole role);
std::string stateName(OptimizerState state);
std::string opcodeName(Opcode op);
std::string attrName(AttrKey key);
std::string streamName(Stream stream);
std::string programKindName(ProgramKind kind);
std::string groupKindName(GroupKind kind);
std::string lrScheduleName(LrSchedule schedule);

/// Elements of `shape`, or nullopt when a dimension is negative or the
/// product overflows int64.
std::optional<int64_t> numElements(const std::vector<int64_t> &shape);
/// Bytes of a tensor, or nullopt on a bad shape, a bad dtype or overflow.
std::optional<uint64_t> tensorBytes(DType dtype,
                                    const std::vector<int64_t> &shape);

} // namespace dsc::plan

#endif // DSC_PLAN_PLAN_H
