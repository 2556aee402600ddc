//===- Plan.cpp - Plan struct helpers -------------------------------------===//

#include "dsc/plan/Plan.h"

#include <algorithm>

namespace dsc::plan {

std::optional<int64_t> Instruction::intAttr(AttrKey key) const {
  for (const IntAttr &a : intAttrs)
    if (a.key == key)
      return a.value;
  return std::nullopt;
}

std::optional<double> Instruction::floatAttr(AttrKey key) const {
  for (const FloatAttr &a : floatAttrs)
    if (a.key == key)
      return a.value;
  return std::nullopt;
}

const Rank *Plan::findRank(int32_t rank) const {
  for (const Rank &r : ranks)
    if (r.rank == rank)
      return &r;
  return nullptr;
}

std::optional<Rank> Plan::resolveRank(int32_t rank) const {
  const Rank *own = findRank(rank);
  if (!own)
    return std::nullopt;
  if (own->replicaOf < 0)
    return *own;
  const Rank *source = findRank(own->replicaOf);
  if (!source)
    return std::nullopt;
  Rank resolved = *source;
  resolved.rank = own->rank;
  resolved.ppStage = own->ppStage;
  resolved.dpRank = own->dpRank;
  resolved.epRank = own->epRank;
  resolved.dataShard = own->dataShard;
  resolved.replicaOf = -1;
  int32_t shift = own->rank - source->rank;
  for (Program &program : resolved.programs)
    for (Instruction &inst : program.instructions) {
      if (!inst.comm)
        continue;
      if (inst.comm->peer >= 0)
        inst.comm->peer += shift;
      int32_t g = inst.comm->group;
      if (g >= 0 && size_t(g) < groups.size() &&
          std::find(groups[g].ranks.begin(), groups[g].ranks.end(),
                    own->rank) == groups[g].ranks.end())
        if (int32_t moved = shiftedGroup(g, shift); moved >= 0)
          inst.comm->group = moved;
    }
  return resolved;
}

int32_t Plan::shiftedGroup(int32_t group, int32_t shift) const {
  if (group < 0 || size_t(group) >= groups.size())
    return -1;
  std::vector<int32_t> moved = groups[group].ranks;
  for (int32_t &r : moved)
    r += shift;
  for (size_t g = 0; g < groups.size(); ++g)
    if (groups[g].ranks == moved)
      return int32_t(g);
  return -1;
}

std::optional<ShardRange> Plan::shardRange(int32_t rank,
                                           const Buffer &buffer) const {
  if (buffer.parameter < 0 || size_t(buffer.parameter) >= parameters.size())
    return std::nullopt;
  std::optional<int64_t> numel =
      numElements(parameters[buffer.parameter].shape);
  if (!numel)
    return std::nullopt;
  if (buffer.shardGroup < 0)
    return ShardRange{0, *numel};
  if (size_t(buffer.shardGroup) >= groups.size())
    return std::nullopt;
  const std::vector<int32_t> &members = groups[buffer.shardGroup].ranks;
  auto at = std::find(members.begin(), members.end(), rank);
  if (at == members.end())
    return std::nullopt;
  auto n = int64_t(members.size());
  int64_t each = shardNumel(*numel, n);
  int64_t begin = std::min(*numel, each * int64_t(at - members.begin()));
  return ShardRange{begin, std::min(each, *numel - begin)};
}

uint64_t dtypeBytes(DType dtype) {
  switch (dtype) {
  case DType::f32:
  case DType::i32:
    return 4;
  case DType::bf16:
  case DType::f16:
    return 2;
  case DType::i64:
    return 8;
  case DType::u8:
  case DType::fp8_e4m3:
  case DType::fp8_e5m2:
  case DType::ue8m0:
    return 1;
  }
  return 0;
}

namespace {
// The generated EnumName* functions return "" outside the enum; spell the
// number instead so an error about a hostile value says what it was.
template <typename E> std::string nameOr(const char *name, E value) {
  if (name && *name)
    return name;
  return "?" + std::to_string(static_cast<long long>(value));
}
} // namespace

std::string dtypeName(DType v) { return nameOr(fb::EnumNameDType(v), v); }
std::string roleName(BufferRole v) {
  return nameOr(fb::EnumNameBufferRole(v), v);
}
std::string stateName(OptimizerState v) {
  return nameOr(fb::EnumNameOptimizerState(v), v);
}
std::string opcodeName(Opcode v) { return nameOr(fb::EnumNameOpcode(v), v); }
std::string attrName(AttrKey v) { return nameOr(fb::EnumNameAttrKey(v), v); }
std::string streamName(Stream v) { return nameOr(fb::EnumNameStream(v), v); }
std::string programKindName(ProgramKind v) {
  return nameOr(fb::EnumNameProgramKind(v), v);
}
std::string groupKindName(GroupKind v) {
  return nameOr(fb::EnumNameGroupKind(v), v);
}
std::string lrScheduleName(LrSchedule v) {
  return nameOr(fb::EnumNameLrSchedule(v), v);
}

std::optional<int64_t> numElements(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0 || __builtin_mul_overflow(n, d, &n))
      return std::nullopt;
  }
  return n;
}

std::optional<uint64_t> tensorBytes(DType dtype,
                                    const std::vector<int64_t> &shape) {
  uint64_t elem = dtypeBytes(dtype);
  auto n = numElements(shape);
  uint64_t bytes;
  if (elem == 0 || !n ||
      __builtin_mul_overflow(static_cast<uint64_t>(*n), elem, &bytes))
    return std::nullopt;
  return bytes;
}

} // namespace dsc::plan
