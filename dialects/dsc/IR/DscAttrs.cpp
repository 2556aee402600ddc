//===- DscAttrs.cpp - dsc hyper-parameter attributes ----------------------===//

#include "dsc/IR/DscAttrs.h"
#include "dsc/IR/DscDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"
#include <cmath>
#include <type_traits>

using namespace mlir;
using namespace dsc;

#include "dsc/IR/DscEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dsc/IR/DscAttrs.cpp.inc"

void DscDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dsc/IR/DscAttrs.cpp.inc"
      >();
}

using EmitErrorFn = function_ref<InFlightDiagnostic()>;

static double asDouble(const APFloat &value) { return value.convertToDouble(); }

/// Floating values must be finite: an infinite bandwidth or a NaN latency
/// would poison every cost derived from them.
template <typename T>
static LogicalResult checkFinite(EmitErrorFn emitError, StringRef name,
                                 T value) {
  if constexpr (std::is_floating_point_v<T>)
    if (!std::isfinite(value))
      return emitError() << "'" << name << "' must be a finite number, got "
                         << value;
  return success();
}

/// Emits "'<name>' must be positive, got <value>" (integers stay integers).
template <typename T>
static LogicalResult checkPositive(EmitErrorFn emitError, StringRef name,
                                   T value) {
  if (failed(checkFinite(emitError, name, value)))
    return failure();
  if (value > 0)
    return success();
  return emitError() << "'" << name << "' must be positive, got " << value;
}

template <typename T>
static LogicalResult checkNonNegative(EmitErrorFn emitError, StringRef name,
                                      T value) {
  if (failed(checkFinite(emitError, name, value)))
    return failure();
  if (value >= 0)
    return success();
  return emitError() << "'" << name << "' must not be negative, got " << value;
}

//===----------------------------------------------------------------------===//
// YarnAttr
//===----------------------------------------------------------------------===//

LogicalResult YarnAttr::verify(EmitErrorFn emitError, APFloat factorValue,
                               int64_t originalMaxPositionEmbeddings,
                               APFloat betaFastValue, APFloat betaSlowValue,
                               APFloat mscaleValue, APFloat mscaleAllDimValue) {
  double factor = asDouble(factorValue), betaFast = asDouble(betaFastValue),
         betaSlow = asDouble(betaSlowValue), mscale = asDouble(mscaleValue),
         mscaleAllDim = asDouble(mscaleAllDimValue);
  if (!(factor >= 1.0))
    return emitError() << "YaRN 'factor' must be at least 1 (1 means no "
                          "extension), got "
                       << factor;
  if (failed(checkPositive(emitError, "original_max_position_embeddings",
                           originalMaxPositionEmbeddings)) ||
      failed(checkPositive(emitError, "beta_slow", betaSlow)) ||
      failed(checkPositive(emitError, "mscale", mscale)) ||
      failed(checkNonNegative(emitError, "mscale_all_dim", mscaleAllDim)))
    return failure();
  if (!(betaFast > betaSlow))
    return emitError() << "YaRN 'beta_fast' (" << betaFast
                       << ") must exceed 'beta_slow' (" << betaSlow
                       << "): they bound the interpolated frequency band";
  return success();
}

double YarnAttr::getAttentionScale() const {
  double factor = asDouble(getFactor());
  if (factor <= 1.0)
    return 1.0;
  return 0.1 * asDouble(getMscaleAllDim()) * std::log(factor) + 1.0;
}

//===----------------------------------------------------------------------===//
// RopeAttr
//===----------------------------------------------------------------------===//

LogicalResult RopeAttr::verify(EmitErrorFn emitError, APFloat theta,
                               YarnAttr yarn) {
  return checkPositive(emitError, "theta", asDouble(theta));
}

//===----------------------------------------------------------------------===//
// MLAAttr
//===----------------------------------------------------------------------===//

LogicalResult MLAAttr::verify(EmitErrorFn emitError, int64_t numAttentionHeads,
                              int64_t qLoraRank, int64_t kvLoraRank,
                              int64_t qkNopeHeadDim, int64_t qkRopeHeadDim,
                              int64_t vHeadDim, APFloat softmaxScale,
                              RopeAttr rope) {
  if (failed(
          checkPositive(emitError, "num_attention_heads", numAttentionHeads)) ||
      failed(checkNonNegative(emitError, "q_lora_rank", qLoraRank)) ||
      failed(checkPositive(emitError, "kv_lora_rank", kvLoraRank)) ||
      failed(checkPositive(emitError, "qk_nope_head_dim", qkNopeHeadDim)) ||
      failed(checkPositive(emitError, "qk_rope_head_dim", qkRopeHeadDim)) ||
      failed(checkPositive(emitError, "v_head_dim", vHeadDim)) ||
      failed(checkPositive(emitError, "softmax_scale", asDouble(softmaxScale))))
    return failure();
  if (qkRopeHeadDim % 2 != 0)
    return emitError() << "'qk_rope_head_dim' must be even (RoPE rotates "
                          "pairs of channels), got "
                       << qkRopeHeadDim;
  return success();
}

double MLAAttr::getDefaultSoftmaxScale(int64_t qkHeadDim, YarnAttr yarn) {
  double scale = 1.0 / std::sqrt(static_cast<double>(qkHeadDim));
  if (yarn) {
    double m = yarn.getAttentionScale();
    scale *= m * m;
  }
  return scale;
}

//===----------------------------------------------------------------------===//
// MoEAttr
//===----------------------------------------------------------------------===//

LogicalResult MoEAttr::verify(EmitErrorFn emitError, int64_t nRoutedExperts,
                              int64_t nSharedExperts, int64_t numExpertsPerTok,
                              int64_t moeIntermediateSize, ScoringFunc scoring,
                              TopkMethod topkMethod, int64_t nGroup,
                              int64_t topkGroup, APFloat routedScalingFactor,
                              bool normTopkProb, bool biasBalancing,
                              APFloat biasUpdateRate, APFloat auxLossAlpha) {
  if (failed(checkPositive(emitError, "n_routed_experts", nRoutedExperts)) ||
      failed(checkNonNegative(emitError, "n_shared_experts", nSharedExperts)) ||
      failed(
          checkPositive(emitError, "num_experts_per_tok", numExpertsPerTok)) ||
      failed(checkPositive(emitError, "moe_intermediate_size",
                           moeIntermediateSize)) ||
      failed(checkPositive(emitError, "n_group", nGroup)) ||
      failed(checkPositive(emitError, "topk_group", topkGroup)) ||
      failed(checkPositive(emitError, "routed_scaling_factor",
                           asDouble(routedScalingFactor))) ||
      failed(checkNonNegative(emitError, "bias_update_rate",
                              asDouble(biasUpdateRate))) ||
      failed(checkNonNegative(emitError, "aux_loss_alpha",
                              asDouble(auxLossAlpha))))
    return failure();
  if (numExpertsPerTok > nRoutedExperts)
    return emitError() << "'num_experts_per_tok' (" << numExpertsPerTok
                       << ") exceeds 'n_routed_experts' (" << nRoutedExperts
                       << "); lower num_experts_per_tok";
  if (topkGroup > nGroup)
    return emitError() << "'topk_group' (" << topkGroup
                       << ") exceeds 'n_group' (" << nGroup
                       << "); a token can only use groups that exist: lower "
                          "topk_group";
  // Plain greedy routing ignores the groups.
  if (topkMethod != TopkMethod::greedy) {
    if (nRoutedExperts % nGroup != 0)
      return emitError() << "'n_routed_experts' (" << nRoutedExperts
                         << ") is not divisible by 'n_group' (" << nGroup
                         << "); every expert group must have the same size";
    int64_t reachable = topkGroup * (nRoutedExperts / nGroup);
    if (numExpertsPerTok > reachable)
      return emitError() << "'num_experts_per_tok' (" << numExpertsPerTok
                         << ") exceeds the " << reachable
                         << " experts in the 'topk_group' (" << topkGroup
                         << ") selected groups; raise topk_group";
  }
  if (topkMethod == TopkMethod::noaux_tc && nRoutedExperts / nGroup < 2)
    return emitError() << "'noaux_tc' scores a group by its top-2 experts, "
                          "so every group needs at least 2 experts (have "
                       << nRoutedExperts / nGroup << "); lower n_group";
  if (biasBalancing && topkMethod != TopkMethod::noaux_tc)
    return emitError() << "'bias_balancing' needs 'topk_method = noaux_tc' "
                          "(only that method adds the balancing bias when "
                          "selecting experts); change the method or set "
                          "bias_balancing = false";
  return success();
}

//===----------------------------------------------------------------------===//
// ExpertPlacementAttr
//===----------------------------------------------------------------------===//

LogicalResult ExpertPlacementAttr::verify(EmitErrorFn emitError, int64_t gpus,
                                          int64_t nodes, APFloat imbalance,
                                          ArrayRef<int64_t> phy2log,
                                          ArrayRef<int64_t> logcnt) {
  if (failed(checkPositive(emitError, "gpus", gpus)) ||
      failed(checkPositive(emitError, "nodes", nodes)))
    return failure();
  if (gpus % nodes != 0)
    return emitError() << "'gpus' (" << gpus << ") must divide over 'nodes' ("
                       << nodes << ")";
  int64_t slots = phy2log.size();
  if (slots == 0 || slots % gpus != 0)
    return emitError() << "the " << slots << " slots of 'phy2log' must "
                       << "divide evenly over the " << gpus << " GPUs";
  int64_t experts = logcnt.size();
  SmallVector<int64_t> counted(experts, 0);
  int64_t perGPU = slots / gpus;
  for (int64_t slot = 0; slot < slots; ++slot) {
    int64_t e = phy2log[slot];
    if (e < 0 || e >= experts)
      return emitError() << "slot " << slot << " holds expert " << e
                         << ", outside 0.." << experts - 1;
    ++counted[e];
    for (int64_t other = slot - slot % perGPU; other < slot; ++other)
      if (phy2log[other] == e)
        return emitError() << "GPU " << slot / perGPU
                           << " holds two replicas of expert " << e
                           << " (slots " << other << " and " << slot
                           << "): a second one adds memory and no balance";
  }
  for (int64_t e = 0; e < experts; ++e) {
    if (counted[e] == 0)
      return emitError() << "expert " << e
                         << " has no slot; every expert needs one";
    if (counted[e] != logcnt[e])
      return emitError() << "'logcnt' says expert " << e << " has " << logcnt[e]
                         << " replicas but 'phy2log' holds " << counted[e];
  }
  return checkPositive(emitError, "imbalance", asDouble(imbalance));
}

SmallVector<int64_t> ExpertPlacementAttr::getReplicas(int64_t expert) const {
  SmallVector<int64_t> slots;
  for (auto [slot, e] : llvm::enumerate(getPhy2log()))
    if (e == expert)
      slots.push_back(slot);
  return slots;
}

//===----------------------------------------------------------------------===//
// GPUAttr, LinkAttr
//===----------------------------------------------------------------------===//

/// A hardware figure (TFLOPS, GB, GB/s, microseconds) within bounds no real
/// machine leaves, so costs derived from it (bytes / bandwidth, latency x
/// messages) stay finite.
static LogicalResult checkHardware(EmitErrorFn emitError, StringRef name,
                                   double value, bool zeroAllowed = false) {
  constexpr double kMin = 1e-6, kMax = 1e9;
  if (std::isfinite(value) &&
      ((zeroAllowed && value == 0) || (value >= kMin && value <= kMax)))
    return success();
  return emitError() << "'" << name << "' must be "
                     << (zeroAllowed ? "0 or " : "") << "from " << kMin
                     << " to " << kMax << ", got " << value;
}

LogicalResult GPUAttr::verify(EmitErrorFn emitError, StringRef name,
                              int64_t sms, APFloat bf16Tflops,
                              APFloat fp8Tflops, APFloat hbmGb,
                              APFloat hbmGbps) {
  if (name.empty())
    return emitError() << "the GPU needs a 'name'";
  if (failed(checkPositive(emitError, "sms", sms)) ||
      failed(checkPositive(emitError, "bf16_tflops", asDouble(bf16Tflops))) ||
      failed(checkPositive(emitError, "fp8_tflops", asDouble(fp8Tflops))) ||
      failed(checkPositive(emitError, "hbm_gb", asDouble(hbmGb))) ||
      failed(checkPositive(emitError, "hbm_gbps", asDouble(hbmGbps))) ||
      failed(checkHardware(emitError, "bf16_tflops", asDouble(bf16Tflops))) ||
      failed(checkHardware(emitError, "fp8_tflops", asDouble(fp8Tflops))) ||
      failed(checkHardware(emitError, "hbm_gb", asDouble(hbmGb))) ||
      failed(checkHardware(emitError, "hbm_gbps", asDouble(hbmGbps))))
    return failure();
  return success();
}

LogicalResult LinkAttr::verify(EmitErrorFn emitError, APFloat gbps,
                               APFloat latencyUs) {
  if (failed(checkPositive(emitError, "gbps", asDouble(gbps))) ||
      failed(checkNonNegative(emitError, "latency_us", asDouble(latencyUs))) ||
      failed(checkHardware(emitError, "gbps", asDouble(gbps))) ||
      failed(checkHardware(emitError, "latency_us", asDouble(latencyUs),
                           /*zeroAllowed=*/true)))
    return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// PipelineLayoutAttr
//===----------------------------------------------------------------------===//

FailureOr<PipelineLayoutAttr> PipelineLayoutAttr::parseMegatron(
    MLIRContext *context, StringRef text,
    function_ref<InFlightDiagnostic()> emitError) {
  FailureOr<PipelineStageCounts> counts = parseMegatronLayout(text, emitError);
  if (failed(counts))
    return failure();
  PipelineLayoutAttr layout =
      getChecked(emitError, context, counts->blocks, counts->mtp);
  if (!layout)
    return failure();
  return layout;
}

std::string PipelineLayoutAttr::toMegatron() const {
  return printMegatronLayout(getBlocks(), getMtp());
}

int64_t PipelineLayoutAttr::getFirstBlock(int64_t stage) const {
  int64_t first = 0;
  for (int64_t s = 0; s < stage; ++s)
    first += getBlocks()[s];
  return first;
}

int64_t PipelineLayoutAttr::getFirstMTP(int64_t stage) const {
  int64_t first = 0;
  for (int64_t s = 0; s < stage; ++s)
    first += getMtp()[s];
  return first;
}

LogicalResult
PipelineLayoutAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                           ArrayRef<int64_t> blocks, ArrayRef<int64_t> mtp) {
  if (blocks.empty() || blocks.size() != mtp.size())
    return emitError() << "a layout needs one block count and one MTP count "
                          "per stage, at least one stage";
  bool seenMTP = false;
  for (auto [stage, counts] : llvm::enumerate(llvm::zip(blocks, mtp))) {
    auto [blockCount, mtpCount] = counts;
    if (blockCount < 0 || mtpCount < 0)
      return emitError() << "stage " << stage << " has a negative count";
    if (seenMTP && blockCount > 0)
      return emitError() << "stage " << stage
                         << " holds decoder blocks after an MTP module; the "
                            "MTP modules follow the last block";
    seenMTP |= mtpCount > 0;
  }
  return success();
}

Attribute PipelineLayoutAttr::parse(AsmParser &parser, Type) {
  std::string text;
  SMLoc loc = parser.getCurrentLocation();
  if (parser.parseLess() || parser.parseString(&text) || parser.parseGreater())
    return {};
  FailureOr<PipelineLayoutAttr> layout = parseMegatron(
      parser.getContext(), text, [&] { return parser.emitError(loc); });
  if (failed(layout))
    return {};
  return *layout;
}

void PipelineLayoutAttr::print(AsmPrinter &printer) const {
  printer << "<\"" << toMegatron() << "\">";
}
