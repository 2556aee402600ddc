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

/// An op with exactly these operands.
OpInfo fixed(Opcode op, std::vector<OperandSpec> in,
             std::vector<OperandSpec> out, std::vector<AttrSpec> attrs = {}) {
  OpInfo info{op, std::move(in),    std::move(out), 0, 0, 0,
              0,  std::move(attrs), CommKind::None};
  info.minInputs = info.maxInputs = static_cast<int>(info.inputs.size());
  info.minOutputs = info.maxOutputs = static_cast<int>(info.outputs.size());
  return info;
}

/// An op whose operand counts vary: [min, max], max -1 for unbounded (the
/// last spec repeats), or fewer than the specs (trailing ones optional).
OpInfo ranged(Opcode op, std::vector<OperandSpec> in, int minIn, int maxIn,
              std::vector<OperandSpec> out, int minOut, int maxOut,
              std::vector<AttrSpec> attrs = {}) {
  OpInfo info = fixed(op, std::move(in), std::move(out), std::move(attrs));
  info.minInputs = minIn;
  info.maxInputs = maxIn;
  info.minOutputs = minOut;
  info.maxOutputs = maxOut;
  return info;
}

OpInfo comm(Opcode op, std::vector<OperandSpec> in,
            std::vector<OperandSpec> out, CommKind kind) {
  OpInfo info = fixed(op, std::move(in), std::move(out));
  info.comm = kind;
  return info;
}

std::vector<AttrSpec> ropeAttrs() {
  // YaRN is off unless yarn_factor > 1; the other YaRN defaults are those of
  // DeepSeek's reference (HF DeepseekV3YarnRotaryEmbedding).
  return {reqInt(AttrKey::seq, 1),
          reqInt(AttrKey::rope_dim, 2),
          optInt(AttrKey::original_max_position_embeddings, 4096, 1),
          reqFloat(AttrKey::theta, 1e-30),
          optFloat(AttrKey::yarn_factor, 1.0, 1e-30),
          optFloat(AttrKey::beta_fast, 32.0),
          optFloat(AttrKey::beta_slow, 1.0),
          optFloat(AttrKey::mscale, 1.0),
          optFloat(AttrKey::mscale_all_dim, 0.0)};
}

std::vector<AttrSpec> fp8Attrs() {
  return {reqInt(AttrKey::tile, 1), reqInt(AttrKey::block, 1),
          optInt(AttrKey::scale_format, 0, 0, 1)};
}

/// The forward GEMM may read rows an FP8 dispatch delivered as they are.
std::vector<AttrSpec> fp8ForwardAttrs() {
  std::vector<AttrSpec> attrs = fp8Attrs();
  attrs.push_back(optInt(AttrKey::quantized_input, 0, 0, 1));
  return attrs;
}

std::vector<OpInfo> buildTable() {
  constexpr Access kAcc = Access::Accumulate, kInPlace = Access::InPlace;
  const OperandSpec x{"x", OT::Floating}, y{"y", OT::Floating},
      dy{"dy", OT::Floating}, dx{"dx", OT::Floating}, w{"w", OT::Floating},
      dw{"dw", OT::Floating, kAcc}, experts{"experts", OT::I32},
      offsets{"offsets", OT::I32}, rows{"rows", OT::Floating},
      drows{"drows", OT::Floating}, weights{"weights", OT::Floating},
      rstd{"rstd", OT::F32};
  const auto attention = std::vector<AttrSpec>{reqInt(AttrKey::seq, 1),
                                               reqFloat(AttrKey::scale, 0)};

  std::vector<OpInfo> t;
  t.push_back(fixed(Opcode::embedding_fwd,
                    {{"ids", OT::I32}, {"table", OT::Floating}}, {y}));
  t.push_back(fixed(Opcode::embedding_bwd, {{"ids", OT::I32}, dy},
                    {{"dtable", OT::Floating, kAcc}}));
  t.push_back(fixed(Opcode::rms_norm_fwd, {x, w}, {y, rstd},
                    {reqFloat(AttrKey::eps, 0)}));
  t.push_back(fixed(Opcode::rms_norm_bwd, {dy, x, w, rstd}, {dx, dw}));
  t.push_back(fixed(Opcode::linear_fwd, {x, w}, {y}));
  t.push_back(fixed(Opcode::linear_bwd_input, {dy, w}, {dx}));
  t.push_back(fixed(Opcode::linear_bwd_weight, {dy, x}, {dw}));
  t.push_back(fixed(Opcode::fp8_linear_fwd, {x, w}, {y}, fp8Attrs()));
  t.push_back(fixed(Opcode::fp8_linear_bwd_input, {dy, w}, {dx}, fp8Attrs()));
  t.push_back(fixed(Opcode::fp8_linear_bwd_weight, {dy, x}, {dw}, fp8Attrs()));
  t.push_back(fixed(Opcode::rope_fwd, {x}, {y}, ropeAttrs()));
  t.push_back(fixed(Opcode::rope_bwd, {dy}, {dx}, ropeAttrs()));
  const OperandSpec q{"q", OT::Floating}, k{"k", OT::Floating},
      v{"v", OT::Floating}, o{"o", OT::Floating}, lse{"lse", OT::F32};
  t.push_back(fixed(Opcode::attention_fwd, {q, k, v}, {o, lse}, attention));
  t.push_back(
      fixed(Opcode::attention_bwd, {{"do", OT::Floating}, q, k, v, o, lse},
            {{"dq", OT::Floating}, {"dk", OT::Floating}, {"dv", OT::Floating}},
            attention));
  const OperandSpec gate{"gate", OT::Floating}, up{"up", OT::Floating};
  t.push_back(fixed(Opcode::swiglu_fwd, {gate, up}, {y}));
  t.push_back(fixed(Opcode::swiglu_bwd, {dy, gate, up},
                    {{"dgate", OT::Floating}, {"dup", OT::Floating}}));
  // add's backward copies the gradient to both operands (the lowering may
  // instead reuse the gradient buffer and emit nothing).
  t.push_back(
      fixed(Opcode::add, {{"a", OT::Floating}, {"b", OT::Floating}}, {y}));
  t.push_back(fixed(Opcode::add_bwd, {dy},
                    {{"da", OT::Floating}, {"db", OT::Floating}}));

  // concat / split: variadic parts (at least two), along the last dimension.
  const OperandSpec part{"part", OT::Floating}, dpart{"dpart", OT::Floating};
  t.push_back(ranged(Opcode::concat, {part}, 2, -1, {y}, 1, 1));
  t.push_back(ranged(Opcode::concat_bwd, {dy}, 1, 1, {dpart}, 2, -1));
  t.push_back(ranged(Opcode::split, {x}, 1, 1, {part}, 2, -1));
  t.push_back(ranged(Opcode::split_bwd, {dpart}, 2, -1, {dx}, 1, 1));

  // route: the bias (DeepSeek-V3's selection-only bias) is optional; loads
  // (tokens per expert, f32) are written per call: a step's micro-batches
  // add up with `add` before expert_bias_update.
  const auto routeCommon = std::vector<AttrSpec>{
      reqInt(AttrKey::k, 1), reqInt(AttrKey::scoring, 0, 1),
      optInt(AttrKey::norm_topk_prob, 0, 0, 1),
      optFloat(AttrKey::routed_scaling_factor, 1.0)};
  auto routeFwd = routeCommon;
  routeFwd.push_back(reqInt(AttrKey::topk_method, 0, 2));
  routeFwd.push_back(optInt(AttrKey::n_group, 1, 1));
  routeFwd.push_back(optInt(AttrKey::topk_group, 1, 1));
  t.push_back(ranged(Opcode::route_fwd,
                     {{"logits", OT::Floating}, {"bias", OT::Floating}}, 1, 2,
                     {experts, weights, {"loads", OT::F32}}, 3, 3, routeFwd));
  t.push_back(
      fixed(Opcode::route_bwd,
            {{"dweights", OT::Floating}, {"logits", OT::Floating}, experts},
            {{"dlogits", OT::Floating}}, routeCommon));
  t.push_back(fixed(Opcode::dispatch_fwd, {x, experts}, {rows, offsets}));
  t.push_back(fixed(Opcode::dispatch_bwd, {drows, experts}, {dx}));
  t.push_back(fixed(Opcode::grouped_linear_fwd, {rows, offsets, w}, {y}));
  t.push_back(
      fixed(Opcode::grouped_linear_bwd_input, {dy, offsets, w}, {drows}));
  t.push_back(
      fixed(Opcode::grouped_linear_bwd_weight, {dy, rows, offsets}, {dw}));
  t.push_back(fixed(Opcode::combine_fwd, {rows, weights, experts}, {y}));
  t.push_back(fixed(Opcode::combine_bwd, {dy, rows, weights, experts},
                    {drows, {"dweights", OT::Floating}}));
  const auto lossWeight = std::vector<AttrSpec>{optFloat(AttrKey::weight, 1.0)};
  const OperandSpec logits{"logits", OT::F32}, labels{"labels", OT::I32};
  t.push_back(fixed(Opcode::cross_entropy_fwd, {logits, labels},
                    {{"loss", OT::F32}}, lossWeight));
  t.push_back(fixed(Opcode::cross_entropy_bwd, {logits, labels},
                    {{"dlogits", OT::Floating}}, lossWeight));

  // adamw updates param, m, v (and the FP32 master copy when the parameter
  // is stored in lower precision) in place; lr, betas and eps come from the
  // plan's optimizer, the step from the executor.
  t.push_back(ranged(Opcode::adamw, {{"grad", OT::Floating}}, 1, 1,
                     {{"param", OT::Floating, kInPlace},
                      {"m", OT::F32OrBF16, kInPlace},
                      {"v", OT::F32OrBF16, kInPlace},
                      {"master", OT::F32, kInPlace}},
                     3, 4,
                     {optFloat(AttrKey::weight_decay, std::nullopt, 0),
                      optFloat(AttrKey::lr_scale, 1.0, 0)}));
  t.push_back(fixed(Opcode::expert_bias_update, {{"loads", OT::F32}},
                    {{"bias", OT::Floating, kInPlace}},
                    {reqFloat(AttrKey::gamma, 0)}));
  // fill: zeroes accumulated gradients before a step (and sets any
  // constant).
  t.push_back(ranged(Opcode::fill, {}, 0, 0, {{"x", OT::Any}}, 1, -1,
                     {reqFloat(AttrKey::value)}));

  // Communication. send/recv move bytes of any dtype; the collectives sum
  // (all_reduce, reduce_scatter) or move (all_gather, all_to_all) over
  // Comm.group. all_to_all_v's counts are rows (first dimension) per group
  // member; recv_counts is written before the data arrives.
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
  // shift: position i of each `seq`-token sequence takes position
  // i + offset, the last `offset` positions `fill_id` (MTP depth k reads ids
  // and labels k ahead; labels are filled with -100, the ignored label).
  t.push_back(fixed(Opcode::shift, {{"x", OT::I32}}, {{"y", OT::I32}},
                    {reqInt(AttrKey::seq, 1), reqInt(AttrKey::offset, 0),
                     optInt(AttrKey::fill_id, 0, -kIntMax)}));

  // Routed experts in FP8: grouped_linear's operands, fp8_linear's
  // attributes.
  t.push_back(fixed(Opcode::fp8_grouped_linear_fwd, {rows, offsets, w}, {y},
                    fp8ForwardAttrs()));
  t.push_back(fixed(Opcode::fp8_grouped_linear_bwd_input, {dy, offsets, w},
                    {drows}, fp8Attrs()));
  t.push_back(fixed(Opcode::fp8_grouped_linear_bwd_weight, {dy, rows, offsets},
                    {dw}, fp8Attrs()));

  // The sequence-wise balance loss of a router (DeepSeek-V3 §2.1.2): the
  // route's logits and chosen experts; its backward writes dlogits for
  // dloss = 1 (like cross_entropy_bwd), through the scores only.
  const auto balance = std::vector<AttrSpec>{reqInt(AttrKey::seq, 1),
                                             reqInt(AttrKey::scoring, 0, 1),
                                             optFloat(AttrKey::weight, 1.0, 0)};
  t.push_back(fixed(Opcode::balance_loss_fwd,
                    {{"logits", OT::Floating}, experts}, {{"loss", OT::F32}},
                    balance));
  t.push_back(fixed(Opcode::balance_loss_bwd,
                    {{"logits", OT::Floating}, experts},
                    {{"dlogits", OT::Floating}}, balance));

  // copy: a value handed from one pipeline stage to the next on one rank
  // (a V schedule's turn), where other ranks would send and receive it.
  t.push_back(fixed(Opcode::copy, {{"x", OT::Any}}, {{"y", OT::Any}}));

  // Expert parallelism (see runtime/README.md). slot_route picks, for each
  // chosen logical expert, one physical slot from the rank's constant
  // candidate table [E, R] (-1 padded); dispatch_fwd then groups the copies
  // by slot, slot_counts turns its offsets into rows per slot and per ep
  // member, all_to_all / all_to_all_v exchange them, and slot_permute
  // regroups what arrived (member-major) by local slot for the grouped
  // GEMMs; slot_unpermute undoes it. scatter_rows / gather_rows sum the
  // gradients of replicated experts through a compact buffer.
  const OperandSpec counts{"counts", OT::I32};
  t.push_back(fixed(Opcode::slot_route,
                    {experts, {"candidates", OT::I32}}, {{"slots", OT::I32}}));
  t.push_back(fixed(Opcode::slot_counts, {offsets},
                    {{"slot_counts", OT::I32}, {"member_counts", OT::I32}}));
  t.push_back(fixed(Opcode::slot_permute, {rows, counts}, {rows, offsets}));
  t.push_back(fixed(Opcode::slot_unpermute, {rows, counts}, {rows}));
  t.push_back(fixed(Opcode::scatter_rows, {x, {"index", OT::I32}},
                    {{"y", OT::Floating, kAcc}}));
  t.push_back(fixed(Opcode::gather_rows, {x, {"index", OT::I32}},
                    {{"y", OT::Floating, kInPlace}}));

  // FP8 dispatch: rows [T, H] to E4M3 codes [T, H] with one scale per
  // 1 x tile tile [T, ceil(H / tile)] (f32, or ue8m0 rounded up to a power
  // of two), and back; the scale buffer's dtype says which.
  const OperandSpec codes{"codes", OT::FP8}, scales{"scales", OT::Scale};
  t.push_back(fixed(Opcode::quantize_fp8, {x}, {codes, scales},
                    {reqInt(AttrKey::tile, 1)}));
  t.push_back(fixed(Opcode::dequantize_fp8, {codes, scales}, {y},
                    {reqInt(AttrKey::tile, 1)}));

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
  case OT::F32OrBF16:
    return dtype == DType::f32 || dtype == DType::bf16;
  case OT::Reducible:
    return dtype == DType::f32 || dtype == DType::bf16 || dtype == DType::i32 ||
           dtype == DType::i64;
  case OT::FP8:
    return dtype == DType::fp8_e4m3;
  case OT::Scale:
    return dtype == DType::f32 || dtype == DType::ue8m0;
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
  case OT::F32OrBF16:
    return "f32 or bf16";
  case OT::Reducible:
    return "f32, bf16, i32 or i64";
  case OT::FP8:
    return "fp8_e4m3";
  case OT::Scale:
    return "f32 or ue8m0";
  }
  return "?";
}

// An operand beyond an op's specs: only reachable for counts the validator
// rejects, answered without indexing an empty vector.
static const OperandSpec kUnknownOperand{"?", OperandType::Any};

const OperandSpec &OpInfo::inputSpec(size_t i) const {
  if (inputs.empty())
    return kUnknownOperand;
  return i < inputs.size() ? inputs[i] : inputs.back();
}

const OperandSpec &OpInfo::outputSpec(size_t i) const {
  if (outputs.empty())
    return kUnknownOperand;
  return i < outputs.size() ? outputs[i] : outputs.back();
}

Access outputAccess(const OpInfo &info, size_t i, const Buffer &buffer) {
  const OperandSpec &spec = info.outputSpec(i);
  bool stepLong =
      buffer.role == BufferRole::loss || buffer.role == BufferRole::persistent;
  if (stepLong && spec.access == Access::Write &&
      spec.type != OperandType::Any && info.comm == CommKind::None)
    return Access::Accumulate;
  return spec.access;
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
