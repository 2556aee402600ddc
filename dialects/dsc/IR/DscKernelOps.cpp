//===- DscKernelOps.cpp - kernel-level ops --------------------------------===//

#include "dsc/IR/DscOps.h"

#include <cmath>

using namespace mlir;
using namespace dsc;

/// The static width of a [T, width] tensor, or nullopt when dynamic.
static std::optional<int64_t> widthOf(Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.isDynamicDim(1))
    return std::nullopt;
  return type.getDimSize(1);
}

LogicalResult KShiftOp::verify() {
  if (getOffset() < 0 || getSeqLen() <= 0 || getOffset() >= getSeqLen())
    return emitOpError("needs 0 <= offset < seq_len, got offset ")
           << getOffset() << " and seq_len " << getSeqLen();
  return success();
}

LogicalResult KRopeOp::verify() {
  if (getHeads() <= 0 || getRopeDim() <= 0 || getRopeDim() % 2 != 0 ||
      getRopeDim() > getHeadDim() || getSeqLen() <= 0)
    return emitOpError("rotates an even number of channels, at most the ")
           << "head dimension, of a positive number of heads; got heads "
           << getHeads() << ", head_dim " << getHeadDim() << ", rope_dim "
           << getRopeDim() << ", seq_len " << getSeqLen();
  std::optional<int64_t> width = widthOf(getInput());
  if (width && *width != getHeads() * getHeadDim())
    return emitOpError("input width ")
           << *width
           << " is not heads x head_dim = " << getHeads() * getHeadDim();
  return success();
}

LogicalResult KAttentionOp::verify() {
  int64_t heads = getHeads();
  if (heads <= 0 || getSeqLen() <= 0)
    return emitOpError("needs positive heads and seq_len");
  std::optional<int64_t> qk = widthOf(getQ()), v = widthOf(getV()),
                         out = widthOf(getOutput());
  if ((qk && *qk % heads != 0) || (v && *v % heads != 0))
    return emitOpError("q/k and v widths must be multiples of the ")
           << heads << " heads";
  if (v && out && *v != *out)
    return emitOpError("output width ") << *out << " differs from v's " << *v;
  auto lse = cast<RankedTensorType>(getLse().getType());
  if (!lse.isDynamicDim(1) && lse.getDimSize(1) != heads)
    return emitOpError("lse needs one value per head, got width ")
           << lse.getDimSize(1);
  return success();
}

/// Per-head widths against operand widths: each operand i is `heads` or one
/// head of headDims[i] channels; `allowBroadcast` admits the one-head form.
static LogicalResult checkHeadWidths(Operation *op, ValueRange values,
                                     int64_t heads, ArrayRef<int64_t> headDims,
                                     bool allowBroadcast) {
  if (heads <= 0 || headDims.size() != values.size())
    return op->emitOpError("needs positive heads and one head dimension per ")
           << (allowBroadcast ? "operand" : "result");
  for (auto [index, value] : llvm::enumerate(values)) {
    std::optional<int64_t> width = widthOf(value);
    int64_t perHead = headDims[index];
    if (perHead <= 0)
      return op->emitOpError("head dimension ") << index << " is not positive";
    if (width && *width != heads * perHead &&
        !(allowBroadcast && *width == perHead))
      return op->emitOpError("width ")
             << *width << " of #" << index << " is neither " << heads
             << " heads of " << perHead
             << (allowBroadcast ? " nor one (broadcast) head" : "");
  }
  return success();
}

static int64_t sum(ArrayRef<int64_t> values) {
  int64_t total = 0;
  for (int64_t value : values)
    total += value;
  return total;
}

LogicalResult KConcatOp::verify() {
  if (failed(checkHeadWidths(*this, getInputs(), getHeads(), getHeadDims(),
                             /*allowBroadcast=*/true)))
    return failure();
  std::optional<int64_t> width = widthOf(getOutput());
  if (width && *width != getHeads() * sum(getHeadDims()))
    return emitOpError("result width ")
           << *width << " is not heads x the head dimensions' sum = "
           << getHeads() * sum(getHeadDims());
  return success();
}

LogicalResult KSplitOp::verify() {
  if (failed(checkHeadWidths(*this, getOutputs(), getHeads(), getHeadDims(),
                             /*allowBroadcast=*/false)))
    return failure();
  std::optional<int64_t> width = widthOf(getInput());
  if (width && *width != getHeads() * sum(getHeadDims()))
    return emitOpError("input width ")
           << *width << " is not heads x the head dimensions' sum = "
           << getHeads() * sum(getHeadDims());
  return success();
}

/// A balance loss (or its gradient) against its router: logits [T, E],
/// experts [T, k] as `#moe` says, whole sequences, a positive weight (with
/// aux_loss_alpha 0 the lowering emits no balance loss at all).
static LogicalResult verifyBalanceLoss(Operation *op, Value logits,
                                       Value experts, int64_t seqLen,
                                       double weight, MoEAttr config) {
  if (seqLen <= 0)
    return op->emitOpError("needs a positive seq_len, got ") << seqLen;
  if (!(weight > 0) || !std::isfinite(weight))
    return op->emitOpError("needs a positive finite weight, got ") << weight;
  std::optional<int64_t> width = widthOf(logits);
  if (width && *width != config.getNRoutedExperts())
    return op->emitOpError("logits width ")
           << *width << " is not the " << config.getNRoutedExperts()
           << " routed experts";
  std::optional<int64_t> chosen = widthOf(experts);
  if (chosen && *chosen != config.getNumExpertsPerTok())
    return op->emitOpError("experts width ")
           << *chosen
           << " is not num_experts_per_tok = " << config.getNumExpertsPerTok();
  return success();
}

LogicalResult KBalanceLossOp::verify() {
  return verifyBalanceLoss(*this, getLogits(), getExperts(), getSeqLen(),
                           getWeight().convertToDouble(), getConfig());
}

LogicalResult KBalanceLossGradOp::verify() {
  return verifyBalanceLoss(*this, getLogits(), getExperts(), getSeqLen(),
                           getWeight().convertToDouble(), getConfig());
}

LogicalResult KSlotCountsOp::verify() {
  auto counts = cast<RankedTensorType>(getSlotCounts().getType());
  auto offsets = cast<RankedTensorType>(getOffsets().getType());
  auto members = cast<RankedTensorType>(getMemberCounts().getType());
  if (!counts.hasStaticShape() || !offsets.hasStaticShape() ||
      !members.hasStaticShape())
    return emitOpError("needs static counts and offsets");
  if (offsets.getDimSize(0) != counts.getNumElements() + 1)
    return emitOpError("offsets of ")
           << offsets.getDimSize(0) << " slots + 1 do not match counts of "
           << counts.getNumElements() << " slots";
  if (members.getDimSize(0) != counts.getDimSize(0))
    return emitOpError("member counts must have one per row of the slot "
                       "counts (")
           << counts.getDimSize(0) << ")";
  return success();
}

LogicalResult KAllToAllVOp::verify() {
  auto counts = cast<RankedTensorType>(getCounts().getType());
  auto received = cast<RankedTensorType>(getReceivedCounts().getType());
  if (getMembers() < 1)
    return emitOpError("needs at least one member");
  for (RankedTensorType type : {counts, received})
    if (type.isDynamicDim(0) || type.getDimSize(0) != getMembers())
      return emitOpError("counts must hold one per member (")
             << getMembers() << ")";
  if (getInput().getType() != getOutput().getType())
    return emitOpError("moves rows of one type");
  if (getFp8Tile().has_value() != getFp8Scale().has_value())
    return emitOpError("an FP8 exchange needs both its tile and its scale");
  if (std::optional<int64_t> tile = getFp8Tile()) {
    if (*tile <= 0)
      return emitOpError("needs a positive FP8 tile, got ") << *tile;
    if (getInput().getType().getElementType().getIntOrFloatBitWidth() <= 8)
      return emitOpError("quantizes wider floats to FP8 for the exchange; "
                         "its rows already have 8 bits");
  }
  return success();
}

/// Checks the FP8 form of [T, width] rows: `quantized` E4M3 rows of the
/// same shape, `scales` [T, ceil(width / tile)] as `scale` stores them.
static LogicalResult verifyQuantizedRows(Operation *op, Value rows,
                                         Value quantized, Value scales,
                                         int64_t tile,
                                         std::optional<ScaleFormat> scale) {
  if (tile <= 0)
    return op->emitOpError("needs a positive tile, got ") << tile;
  auto rowsType = cast<RankedTensorType>(rows.getType());
  auto codesType = cast<RankedTensorType>(quantized.getType());
  auto scalesType = cast<RankedTensorType>(scales.getType());
  if (rowsType.getElementType().getIntOrFloatBitWidth() <= 8)
    return op->emitOpError("the rows must be wider than 8 bits, got ")
           << rowsType;
  if (!isa<Float8E4M3FNType>(codesType.getElementType()) ||
      codesType.getShape() != rowsType.getShape())
    return op->emitOpError("the quantized rows must be ")
           << "f8E4M3FN of the rows' shape, got " << codesType;
  Type scaleType = scalesType.getElementType();
  bool powerOfTwo = isa<Float8E8M0FNUType>(scaleType);
  if (!powerOfTwo && !scaleType.isF32())
    return op->emitOpError("scales are f32 or f8E8M0FNU, got ") << scaleType;
  if (scale && powerOfTwo != (*scale == ScaleFormat::ue8m0))
    return op->emitOpError("scale ")
           << stringifyScaleFormat(*scale) << " stores its scales as "
           << (*scale == ScaleFormat::ue8m0 ? "f8E8M0FNU" : "f32") << ", got "
           << scaleType;
  std::optional<int64_t> width = widthOf(rows);
  if (width && !scalesType.isDynamicDim(1) &&
      scalesType.getDimSize(1) != (*width + tile - 1) / tile)
    return op->emitOpError("needs one scale per tile of ")
           << tile << ": " << (*width + tile - 1) / tile << " per row, got "
           << scalesType.getDimSize(1);
  return success();
}

LogicalResult KQuantizeRowsOp::verify() {
  return verifyQuantizedRows(*this, getInput(), getQuantized(), getScales(),
                             getTile(), getScale());
}

LogicalResult KDequantizeRowsOp::verify() {
  return verifyQuantizedRows(*this, getOutput(), getQuantized(), getScales(),
                             getTile(), std::nullopt);
}
