//===- ElementwiseOps.cpp - swiglu, add, concat / split, fill, shift ------===//

#include "OpBinding.h"
#include "dsc/numerics/HalfFloat.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace dsc::exec::detail {
namespace {

using plan::AttrKey;
using plan::DType;
using plan::Opcode;

/// Every operand of the instruction holds `n` elements.
int64_t sameNumel(const OpContext &c) {
  int64_t n = c.numInputs() ? c.inNumel(0) : c.outNumel(0);
  for (size_t i = 0; i < c.numInputs(); ++i)
    c.expectInNumel(i, n, "all operands have one size");
  for (size_t i = 0; i < c.numOutputs(); ++i)
    c.expectOutNumel(i, n, "all operands have one size");
  return n;
}

/// The kernels' rule for the parts of a whole along the last dimension
/// (ConcatSplit.cpp): same rank, every other dimension equal or 1
/// (broadcast), last dimensions adding up.
void checkParts(const OpContext &c, const std::vector<int64_t> &whole,
                const std::vector<std::vector<int64_t>> &parts,
                const std::string &wholeName) {
  if (whole.empty())
    c.fail(wholeName + " must have rank >= 1");
  int64_t channels = 0;
  for (size_t p = 0; p < parts.size(); ++p) {
    const std::vector<int64_t> &part = parts[p];
    if (part.size() != whole.size())
      c.fail("part " + std::to_string(p) + " " + shapeText(part) +
             " has another rank than " + wholeName + " " + shapeText(whole));
    for (size_t i = 0; i + 1 < whole.size(); ++i)
      if (part[i] != whole[i] && part[i] != 1)
        c.fail("part " + std::to_string(p) + " " + shapeText(part) +
               " dimension " + std::to_string(i) + " neither matches " +
               wholeName + " " + shapeText(whole) + " nor is 1");
    channels += part.back();
  }
  if (channels != whole.back())
    c.fail("the parts' last dimensions add up to " + std::to_string(channels) +
           ", " + wholeName + " " + shapeText(whole) + " has " +
           std::to_string(whole.back()));
}

LaunchDesc describeConcatSplit(const OpContext &c) {
  // concat and split_bwd join parts into a whole; concat_bwd and split
  // take a whole apart.
  bool join = c.op() == Opcode::concat || c.op() == Opcode::split_bwd;
  PartsLaunch d;
  if (join)
    for (size_t i = 0; i < c.numInputs(); ++i)
      d.parts.push_back(c.in(i).shape);
  else
    for (size_t i = 0; i < c.numOutputs(); ++i)
      d.parts.push_back(c.out(i).shape);
  d.whole = join ? c.out(0).shape : c.in(0).shape;
  checkParts(c, d.whole, d.parts, join ? c.describeOut(0) : c.describeIn(0));
  return d;
}

/// One element of `dtype` holding `value`, as bytes; fails where the dtype
/// cannot hold it exactly enough to mean it (integers: whole numbers in
/// range; FP8 and UE8M0 scales: only zero, which E4M3/E5M2 encode as 0x00).
std::vector<uint8_t> fillPattern(const OpContext &c, DType dtype,
                                 double value) {
  auto bytesOf = [](const auto &v) {
    std::vector<uint8_t> bytes(sizeof(v));
    std::memcpy(bytes.data(), &v, sizeof(v));
    return bytes;
  };
  auto integral = [&](double lo, double hi) {
    if (value != std::floor(value) || value < lo || value > hi)
      c.fail("fill value " + std::to_string(value) + " does not fit " +
             plan::dtypeName(dtype));
  };
  switch (dtype) {
  case DType::f32:
    return bytesOf(static_cast<float>(value));
  case DType::bf16:
    return bytesOf(numerics::floatToBF16(static_cast<float>(value)));
  case DType::f16:
    return bytesOf(numerics::floatToF16(static_cast<float>(value)));
  case DType::i32:
    integral(std::numeric_limits<int32_t>::min(),
             std::numeric_limits<int32_t>::max());
    return bytesOf(static_cast<int32_t>(value));
  case DType::i64:
    integral(-9.0e18, 9.0e18);
    return bytesOf(static_cast<int64_t>(value));
  case DType::u8:
    integral(0, 255);
    return bytesOf(static_cast<uint8_t>(value));
  case DType::fp8_e4m3:
  case DType::fp8_e5m2:
    if (value == 0)
      return {0};
    break;
  default:
    break;
  }
  c.fail("fill of " + plan::dtypeName(dtype) + " with " +
         std::to_string(value) + " is not supported");
}

LaunchDesc describeFill(const OpContext &c) {
  double value = c.floatAttr(AttrKey::value);
  FillLaunch d;
  for (size_t i = 0; i < c.numOutputs(); ++i)
    d.targets.push_back({fillPattern(c, c.out(i).dtype, value), c.outNumel(i)});
  return d;
}

LaunchDesc describeShift(const OpContext &c) {
  int64_t tokens = sameNumel(c);
  int64_t seq = c.intAttr(AttrKey::seq);
  int64_t offset = c.intAttr(AttrKey::offset);
  int64_t fill = c.intAttr(AttrKey::fill_id);
  if (tokens % seq != 0)
    c.fail("seq=" + std::to_string(seq) + " must divide the " +
           std::to_string(tokens) + " tokens");
  if (offset >= seq)
    c.fail("offset=" + std::to_string(offset) +
           " must be below seq=" + std::to_string(seq));
  if (fill < std::numeric_limits<int32_t>::min() ||
      fill > std::numeric_limits<int32_t>::max())
    c.fail("fill_id=" + std::to_string(fill) + " does not fit i32");
  return ShiftLaunch{tokens, seq, offset, static_cast<int32_t>(fill)};
}

/// copy moves raw bytes, so input and output agree in dtype and size.
LaunchDesc describeCopy(const OpContext &c) {
  if (c.in(0).dtype != c.out(0).dtype)
    c.fail(c.describeIn(0) + " and " + c.describeOut(0) +
           " differ in dtype; copy moves bytes of one dtype");
  int64_t n = sameNumel(c);
  return ElementsLaunch{n * int64_t(plan::dtypeBytes(c.in(0).dtype))};
}

} // namespace

LaunchDesc describeElementwise(const OpContext &c) {
  switch (c.op()) {
  case Opcode::swiglu_fwd:
  case Opcode::swiglu_bwd:
  case Opcode::add:
  case Opcode::add_bwd:
    return ElementsLaunch{sameNumel(c)};
  case Opcode::fill:
    return describeFill(c);
  case Opcode::shift:
    return describeShift(c);
  case Opcode::copy:
    return describeCopy(c);
  default:
    return describeConcatSplit(c);
  }
}

} // namespace dsc::exec::detail
