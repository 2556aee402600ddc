//===- OpContext.cpp - what a binder sees of an instruction ---------------===//

#include "OpBinding.h"
#include "dsc/exec/ExecError.h"

#include <cmath>

namespace dsc::exec::detail {

using plan::AttrKey;
using plan::Opcode;

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

OpContext::OpContext(const plan::Plan &plan, const plan::Rank &rank,
                     const plan::Instruction &inst, std::string where,
                     const std::map<uint32_t, int64_t> &expertCounts,
                     const Communicators &comms)
    : plan_(plan), rank_(rank), inst_(inst), info_(plan::findOpInfo(inst.op)),
      where_(std::move(where)), expertCounts_(expertCounts), comms_(comms) {
  if (!info_)
    fail("unknown opcode");
}

const plan::Buffer &OpContext::in(size_t i) const {
  return rank_.buffers[inst_.inputs[i]];
}
const plan::Buffer &OpContext::out(size_t i) const {
  return rank_.buffers[inst_.outputs[i]];
}

static int64_t numelOf(const plan::Buffer &b) {
  return plan::numElements(b.shape).value_or(0);
}

int64_t OpContext::inNumel(size_t i) const { return numelOf(in(i)); }
int64_t OpContext::outNumel(size_t i) const { return numelOf(out(i)); }

int64_t OpContext::inLastDim(size_t i) const {
  const auto &shape = in(i).shape;
  return shape.empty() ? 1 : shape.back();
}

int64_t OpContext::intAttr(AttrKey key) const {
  auto value = plan::attrValue(inst_, key);
  if (!value)
    fail("missing attribute " + plan::attrName(key));
  return static_cast<int64_t>(*value);
}

double OpContext::floatAttr(AttrKey key) const {
  auto value = plan::attrValue(inst_, key);
  if (!value)
    fail("missing attribute " + plan::attrName(key));
  return *value;
}

void OpContext::fail(const std::string &what) const {
  throw ExecError(where_ + ": " + what);
}

std::string OpContext::describe(const char *side, size_t i, uint32_t id,
                                const plan::OperandSpec &spec) const {
  const plan::Buffer &b = rank_.buffers[id];
  return std::string(side) + " " + std::to_string(i) + " (" + spec.name +
         ") b" + std::to_string(id) + " '" + b.name + "' " +
         plan::dtypeName(b.dtype) + " " + shapeText(b.shape);
}

std::string OpContext::describeIn(size_t i) const {
  return describe("input", i, inst_.inputs[i], info_->inputSpec(i));
}
std::string OpContext::describeOut(size_t i) const {
  return describe("output", i, inst_.outputs[i], info_->outputSpec(i));
}

void OpContext::expectInNumel(size_t i, int64_t numel,
                              const std::string &why) const {
  if (inNumel(i) != numel)
    fail(describeIn(i) + " has " + std::to_string(inNumel(i)) +
         " elements, expected " + std::to_string(numel) + " (" + why + ")");
}

void OpContext::expectOutNumel(size_t i, int64_t numel,
                               const std::string &why) const {
  if (outNumel(i) != numel)
    fail(describeOut(i) + " has " + std::to_string(outNumel(i)) +
         " elements, expected " + std::to_string(numel) + " (" + why + ")");
}

void OpContext::expectInRank(size_t i, size_t rank) const {
  if (in(i).shape.size() != rank)
    fail(describeIn(i) + " must have rank " + std::to_string(rank));
}

void OpContext::expectOutRank(size_t i, size_t rank) const {
  if (out(i).shape.size() != rank)
    fail(describeOut(i) + " must have rank " + std::to_string(rank));
}

int64_t OpContext::inRows(size_t i, int64_t width,
                          const std::string &why) const {
  if (width <= 0 || inNumel(i) % width != 0)
    fail(describeIn(i) + " is not a whole number of rows of " +
         std::to_string(width) + " (" + why + ")");
  return inNumel(i) / width;
}

int64_t OpContext::expertCount(uint32_t id) const {
  auto it = expertCounts_.find(id);
  if (it == expertCounts_.end())
    fail("the expert ids in b" + std::to_string(id) + " '" +
         rank_.buffers[id].name +
         "' come from no route_fwd or dispatch_fwd of this rank, so the "
         "expert count is unknown");
  return it->second;
}

LaunchDesc describeLaunch(const OpContext &c) {
  switch (c.op()) {
  case Opcode::embedding_fwd:
  case Opcode::embedding_bwd:
  case Opcode::rms_norm_fwd:
  case Opcode::rms_norm_bwd:
  case Opcode::linear_fwd:
  case Opcode::linear_bwd_input:
  case Opcode::linear_bwd_weight:
  case Opcode::fp8_linear_fwd:
  case Opcode::fp8_linear_bwd_input:
  case Opcode::fp8_linear_bwd_weight:
  case Opcode::quantize_fp8:
  case Opcode::dequantize_fp8:
    return describeDense(c);
  case Opcode::rope_fwd:
  case Opcode::rope_bwd:
  case Opcode::attention_fwd:
  case Opcode::attention_bwd:
    return describeAttention(c);
  case Opcode::swiglu_fwd:
  case Opcode::swiglu_bwd:
  case Opcode::add:
  case Opcode::add_bwd:
  case Opcode::concat:
  case Opcode::concat_bwd:
  case Opcode::split:
  case Opcode::split_bwd:
  case Opcode::fill:
  case Opcode::shift:
  case Opcode::copy:
    return describeElementwise(c);
  case Opcode::route_fwd:
  case Opcode::route_bwd:
  case Opcode::dispatch_fwd:
  case Opcode::dispatch_bwd:
  case Opcode::grouped_linear_fwd:
  case Opcode::grouped_linear_bwd_input:
  case Opcode::grouped_linear_bwd_weight:
  case Opcode::fp8_grouped_linear_fwd:
  case Opcode::fp8_grouped_linear_bwd_input:
  case Opcode::fp8_grouped_linear_bwd_weight:
  case Opcode::combine_fwd:
  case Opcode::combine_bwd:
  case Opcode::balance_loss_fwd:
  case Opcode::balance_loss_bwd:
    return describeMoE(c);
  case Opcode::slot_route:
  case Opcode::slot_counts:
  case Opcode::slot_permute:
  case Opcode::slot_unpermute:
  case Opcode::scatter_rows:
  case Opcode::gather_rows:
    return describeExpertExchange(c);
  case Opcode::cross_entropy_fwd:
  case Opcode::cross_entropy_bwd:
  case Opcode::adamw:
  case Opcode::expert_bias_update:
    return describeLossOptimizer(c);
  default:
    break;
  }
  c.fail("no launch description for this opcode");
}

} // namespace dsc::exec::detail
