//===- OpInfo.cpp - Operands and attributes of every opcode ---------------===//
//
// Transcribes runtime/README.md's kernel-level op table. Where the table
// names only the data an op transforms, the operands a kernel also needs to
// recompute forward state are added and named here (route_bwd needs the
// logits and the chosen experts, dispatch_bwd / combine the expert ids that
// define the grouping, grouped_linear the group offsets): this file is the
// operand order the lowering emits and the kernels take.
//
//===----------------------------------------------------------------------===//

#include "dsc/plan/OpInfo.h"

#include <cmath>
#include <cstdlib>
#include <limits>

namespace dsc::plan {
namespace {

using OT = OperandType;
constexpr double kInf = std::numeric_limits<double>::infinity();
// Integer attributes are stored as int64; ranges are inclusive.
constexpr double kIntMax = 9.0e18;

AttrSpec reqInt(AttrKey key, double min, double max = kIntMax) {
  return {key, false, true, std::nullopt, min, max};
}
AttrSpec optInt(AttrKey key, double def, double min, double max = kIntMax) {
  return {key, false, false, def, min, max};
}
AttrSpec reqFloat(AttrKey key, double min = -kInf, double max = kInf) {
  return {key, true, true, std::nullopt, min, max};
}
AttrSpec optFloat(AttrKey key, std::optional<double> def, double min = -kInf,
                  double max = kInf) {
  return {key, true, false, def, min, max};
}

OpInfo fixed(Opcode op, std::vector<OperandSpec> in,
             std::vector<OperandSpec> out, std::vector<AttrSpec> attrs = {},
             bool readWrite = false) {
  int nIn = static_cast<int>(in.size()), nOut = static_cast<int>(out.size());
  return {op,   std::move(in),    std::move(out), nIn,      nIn, nOut,
          nOut, std::move(attrs), CommKind::None, readWrite};
}

std::vector<AttrSpec> ropeAttrs() {
  // YaRN is off unless yarn_factor > 1; the other YaRN defaults are those of
  // DeepSeek's reference (HF DeepseekV3YarnRotaryEmbedding).
  return {reqInt(AttrKey::seq, 1),
          reqInt(AttrKey::rope_dim, 2),
          optInt(AttrKey::original_max_position_embeddings, 0, 0),
          reqFloat(AttrKey::theta, 1e-30),
          optFloat(AttrKey::yarn_factor, 1.0, 1e-30),
          optFloat(AttrKey::beta_fast, 32.0),
          optFloat(AttrKey::beta_slow, 1.0),
          optFloat(AttrKey::mscale, 1.0),
          optFloat(AttrKey::mscale_all_dim, 0.0)};
}

std::vector<AttrSpec> fp8Attrs() {
  return {reqInt(AttrKey::tile, 1), reqInt(AttrKey::block, 1)};
}

std::vector<OpInfo> buildTable() {
  const OperandSpec x{"x", OT::Floating}, y{"y", OT::Floating},
      dy{"dy", OT::Floating}, dx{"dx", OT::Floating}, w{"w", OT::Floating},
      dw{"dw", OT::Floating}, experts{"experts", OT::I32},
      offsets{"offsets", OT::Integer}, rows{"rows", OT::Floating},
      drows{"drows", OT::Floating}, weights{"weights", OT::Floating};
  const auto attention = std::vector<AttrSpec>{reqInt(AttrKey::seq, 1),
                                               reqFloat(AttrKey::scale, 0)};

  std::vector<OpInfo> t;
  t.push_back(fixed(Opcode::embedding_fwd,
                    {{"ids", OT::I32}, {"table", OT::Floating}}, {y}));
  t.push_back(fixed(Opcode::embedding_bwd, {{"ids", OT::I32}, dy},
                    {{"dtable", OT::Floating}}, {}, /*readWrite=*/true));
  t.push_back(fixed(Opcode::rms_norm_fwd, {x, w}, {y, {"rstd", OT::F32}},
                    {reqFloat(AttrKey::eps, 0)}));
  t.push_back(
      fixed(Opcode::rms_norm_bwd, {dy, x, w, {"rstd", OT::F32}}, {dx, dw}));
  t.push_back(fixed(Opcode::linear_fwd, {x, w}, {y}));
  t.push_back(fixed(Opcode::linear_bwd_input, {dy, w}, {dx}));
  t.push_back(fixed(Opcode::linear_bwd_weight, {dy, x}, {dw}, {}, true));
  t.push_back(fixed(Opcode::fp8_linear_fwd, {x, w}, {y}, fp8Attrs()));
  t.push_back(fixed(Opcode::fp8_linear_bwd_input, {dy, w}, {dx}, fp8Attrs()));
  t.push_back(
      fixed(Opcode::fp8_linear_bwd_weight, {dy, x}, {dw}, fp8Attrs(), true));
  t.push_back(fixed(Opcode::rope_fwd, {x}, {y}, ropeAttrs()));
  t.push_back(fixed(Opcode::rope_bwd, {dy}, {dx}, ropeAttrs()));
  t.push_back(
      fixed(Opcode::attention_fwd,
            {{"q", OT::Floating}, {"k", OT::Floating}, {"v", OT::Floating}},
            {{"o", OT::Floating}, {"lse", OT::F32}}, attention));
  t.push_back(
      fixed(Opcode::attention_bwd,
            {{"do", OT::Floating},
             {"q", OT::Floating},
             {"k", OT::Floating},
             {"v", OT::Floating},
             {"o", OT::Floating},
             {"lse", OT::F32}},
            {{"dq", OT::Floating}, {"dk", OT::Floating}, {"dv", OT::Floating}},
            attention));
  t.push_back(fixed(Opcode::swiglu_fwd,
                    {{"gate", OT::Floating}, {"up", OT::Floating}}, {y}));
  t.push_back(fixed(Opcode::swiglu_bwd,
                    {dy, {"gate", OT::Floating}, {"up", OT::Floating}},
                    {{"dgate", OT::Floating}, {"dup", OT::Floating}}));
  // add's backward passes the gradient to both operands unchanged: the
  // lowering reuses the gradient buffer, no kernel runs.
  t.push_back(
      fixed(Opcode::add, {{"a", OT::Floating}, {"b", OT::Floating}}, {y}));

  // concat / split: variadic parts (at least two), along the last dimension.
  const OperandSpec part{"part", OT::Floating}, dpart{"dpart", OT::Floating};
  t.push_back(
      {Opcode::concat, {part}, {y}, 2, -1, 1, 1, {}, CommKind::None, false});
  t.push_back({Opcode::concat_bwd,
               {dy},
               {dpart},
               1,
               1,
               2,
               -1,
               {},
               CommKind::None,
               false});
  t.push_back(
      {Opcode::split, {x}, {part}, 1, 1, 2, -1, {}, CommKind::None, false});
  t.push_back({Opcode::split_bwd,
               {dpart},
               {dx},
               2,
               -1,
               1,
               1,
               {},
               CommKind::None,
               false});

  // route: the bias (DeepSeek-V3's selection-only bias) is optional.
  const auto routeCommon = std::vector<AttrSpec>{
      reqInt(AttrKey::k, 1), reqInt(AttrKey::scoring, 0, 1),
      optInt(AttrKey::norm_topk_prob, 0, 0, 1),
      optFloat(AttrKey::routed_scaling_factor, 1.0)};
  auto routeFwd = routeCommon;
  routeFwd.push_back(reqInt(AttrKey::topk_method, 0, 2));
  routeFwd.push_back(optInt(AttrKey::n_group, 1, 1));
  routeFwd.push_back(optInt(AttrKey::topk_group, 1, 1));
  t.push_back({Opcode::route_fwd,
               {{"logits", OT::Floating}, {"bias", OT::Floating}},
               {experts, weights, {"loads", OT::Reducible}},
               1,
               2,
               3,
               3,
               routeFwd,
               CommKind::None,
               false});
  t.push_back(
      fixed(Opcode::route_bwd,
            {{"dweights", OT::Floating}, {"logits", OT::Floating}, experts},
            {{"dlogits", OT::Floating}}, routeCommon));
  t.push_back(fixed(Opcode::dispatch_fwd, {x, experts}, {rows, offsets}));
  t.push_back(fixed(Opcode::dispatch_bwd, {drows, experts}, {dx}));
  t.push_back(fixed(Opcode::grouped_linear_fwd, {rows, offsets, w}, {y}));
  t.push_back(
      fixed(Opcode::grouped_linear_bwd_input, {dy, offsets, w}, {drows}));
  t.push_back(fixed(Opcode::grouped_linear_bwd_weight, {dy, offsets, rows},
                    {dw}, {}, true));
  t.push_back(fixed(Opcode::combine_fwd, {rows, weights, experts}, {y}));
  t.push_back(fixed(Opcode::combine_bwd, {dy, rows, weights, experts},
                    {drows, {"dweights", OT::Floating}}));
  const auto lossWeight = std::vector<AttrSpec>{optFloat(AttrKey::weight, 1.0)};
  t.push_back(fixed(Opcode::cross_entropy_fwd,
                    {{"logits", OT::F32}, {"labels", OT::I32}},
                    {{"loss", OT::F32}}, lossWeight));
  t.push_back(fixed(Opcode::cross_entropy_bwd,
                    {{"logits", OT::F32}, {"labels", OT::I32}},
                    {{"dlogits", OT::Floating}}, lossWeight));

  // adamw updates param, m, v (and the FP32 master copy when the parameter
  // is stored in lower precision) in place; lr, betas and eps come from the
  // plan's optimizer, the step from the executor.
  t.push_back({Opcode::adamw,
               {{"grad", OT::Floating}},
               {{"param", OT::Floating},
                {"m", OT::Floating},
                {"v", OT::Floating},
                {"master", OT::F32}},
               1,
               1,
               3,
               4,
               {optFloat(AttrKey::weight_decay, std::nullopt, 0),
                optFloat(AttrKey::lr_scale, 1.0, 0)},
               CommKind::None,
               true});
  t.push_back(fixed(Opcode::expert_bias_update, {{"loads", OT::Reducible}},
                    {{"bias", OT::Floating}}, {reqFloat(AttrKey::gamma, 0)},
                    true));
  // fill: zeroes gradients before a step's accumulation (and any constant).
  t.push_back({Opcode::fill,
               {},
               {{"x", OT::Any}},
               0,
               0,
               1,
               -1,
               {reqFloat(AttrKey::value)},
               CommKind::None,
               false});

  // Communication. send/recv move bytes of any dtype; the collectives sum
  // (all_reduce, reduce_scatter) or move (all_gather, all_to_all) over
  // Comm.group. all_to_all_v's counts are rows (first dimension) per group
  // member; recv_counts is written before the data arrives.
  auto comm = [](Opcode op, std::vector<OperandSpec> in,
                 std::vector<OperandSpec> out, CommKind kind) {
    OpInfo info = fixed(op, std::move(in), std::move(out));
    info.comm = kind;
    return info;
  };
  t.push_back(comm(Opcode::send, {{"x", OT::Any}}, {}, CommKind::PointToPoint));
  t.push_back(comm(Opcode::recv, {}, {{"y", OT::Any}}, CommKind::PointToPoint));
  t.push_back(comm(Opcode::all_to_all, {{"x", OT::Any}}, {{"y", OT::Any}},
                   CommKind::Collective));
  t.push_back(comm(
      Opcode::all_to_all_v, {{"x", OT::Any}, {"send_counts", OT::Integer}},
      {{"y", OT::Any}, {"recv_counts", OT::Integer}}, CommKind::Collective));
  t.push_back(comm(Opcode::all_reduce, {{"x", OT::Reducible}},
                   {{"y", OT::Reducible}}, CommKind::Collective));
  t.push_back(comm(Opcode::reduce_scatter, {{"x", OT::Reducible}},
                   {{"y", OT::Reducible}}, CommKind::Collective));
  t.push_back(comm(Opcode::all_gather, {{"x", OT::Any}}, {{"y", OT::Any}},
                   CommKind::Collective));

  // The table is indexed by opcode: entry i must describe opcode i + 1
  // (0 is `invalid`), and every opcode must have one. A mismatch is a
  // programming error in this file, caught on first use by every test.
  for (size_t i = 0; i < t.size(); ++i)
    if (static_cast<size_t>(t[i].op) != i + 1)
      std::abort();
  if (t.size() != static_cast<size_t>(Opcode::MAX))
    std::abort();
  return t;
}

const std::vector<OpInfo> &table() {
  static const std::vector<OpInfo> t = buildTable();
  return t;
}

} // namespace

bool operandTypeAccepts(OperandType type, DType dtype) {
  switch (type) {
  case OT::Any:
    return dtypeBytes(dtype) != 0;
  case OT::Floating:
    return dtype == DType::f32 || dtype == DType::bf16 || dtype == DType::f16;
  case OT::F32:
    return dtype == DType::f32;
  case OT::I32:
    return dtype == DType::i32;
  case OT::Integer:
    return dtype == DType::i32 || dtype == DType::i64;
  case OT::Reducible:
    return dtype == DType::f32 || dtype == DType::bf16 || dtype == DType::i32 ||
           dtype == DType::i64;
  }
  return false;
}

const char *operandTypeName(OperandType type) {
  switch (type) {
  case OT::Any:
    return "any dtype";
  case OT::Floating:
    return "f32, bf16 or f16";
  case OT::F32:
    return "f32";
  case OT::I32:
    return "i32";
  case OT::Integer:
    return "i32 or i64";
  case OT::Reducible:
    return "f32, bf16, i32 or i64";
  }
  return "?";
}

const OperandSpec &OpInfo::inputSpec(size_t i) const {
  return i < inputs.size() ? inputs[i] : inputs.back();
}

const OperandSpec &OpInfo::outputSpec(size_t i) const {
  return i < outputs.size() ? outputs[i] : outputs.back();
}

const AttrSpec *OpInfo::findAttr(AttrKey key) const {
  for (const AttrSpec &spec : attrs)
    if (spec.key == key)
      return &spec;
  return nullptr;
}

const OpInfo *findOpInfo(Opcode op) {
  auto index = static_cast<size_t>(op);
  const auto &t = table();
  if (index == 0 || index > t.size())
    return nullptr;
  return &t[index - 1];
}

std::optional<double> attrValue(const Instruction &inst, AttrKey key) {
  if (auto v = inst.intAttr(key))
    return static_cast<double>(*v);
  if (auto v = inst.floatAttr(key))
    return *v;
  if (const OpInfo *info = findOpInfo(inst.op))
    if (const AttrSpec *spec = info->findAttr(key))
      return spec->defaultValue;
  return std::nullopt;
}

} // namespace dsc::plan
