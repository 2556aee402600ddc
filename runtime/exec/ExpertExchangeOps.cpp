//===- ExpertExchangeOps.cpp - slot routing, counts, regrouping -----------===//
//
// The compute side of an expert-parallel MoE layer (ExpertExchange.h). Slot
// counts are [members, slots per member] buffers, so the regrouping ops read
// both sizes from them; the member count is the ep group's.
//
//===----------------------------------------------------------------------===//

#include "OpBinding.h"

namespace dsc::exec::detail {
namespace {

using plan::Opcode;

/// Rows (first dimension) and the elements of one row of an operand.
struct RowShape {
  int64_t rows, width;
};

RowShape rowShape(const OpContext &c, const plan::Buffer &b,
                  const std::string &what) {
  if (b.shape.empty() || b.shape[0] < 1)
    c.fail(what + " needs a first dimension of rows");
  return {b.shape[0], plan::numElements(b.shape).value_or(0) / b.shape[0]};
}

/// A [members, slots per member] count buffer.
RowShape countShape(const OpContext &c, size_t input) {
  const plan::Buffer &b = c.in(input);
  if (b.shape.size() != 2)
    c.fail(c.describeIn(input) +
           " must be counts [ep members, slots per member]");
  return {b.shape[0], b.shape[1]};
}

LaunchDesc describeSlotRoute(const OpContext &c) {
  int64_t kk = c.inLastDim(0);
  int64_t tokens = c.inRows(0, kk, "experts: tokens x k");
  const plan::Buffer &table = c.in(1);
  if (table.shape.size() != 2)
    c.fail(c.describeIn(1) + " must be candidates [experts, replicas]");
  int64_t experts = table.shape[0], width = table.shape[1];
  c.expectOutNumel(0, tokens * kk, "slots: tokens x k");
  return SlotRouteLaunch{tokens, kk, experts, width};
}

LaunchDesc describeSlotCounts(const OpContext &c) {
  const plan::Buffer &perSlot = c.out(0);
  if (perSlot.shape.size() != 2)
    c.fail(c.describeOut(0) +
           " must be counts [ep members, slots per member]");
  int64_t members = perSlot.shape[0], slots = perSlot.shape[1];
  c.expectInNumel(0, members * slots + 1, "offsets: one per slot + 1");
  c.expectOutNumel(1, members, "one count per ep member");
  return SlotLaunch{0, 0, members, slots};
}

LaunchDesc describeSlotPermute(const OpContext &c) {
  RowShape rows = rowShape(c, c.in(0), c.describeIn(0));
  RowShape counts = countShape(c, 1);
  c.expectOutNumel(0, rows.rows * rows.width, "as many rows as arrived");
  if (c.op() == Opcode::slot_permute)
    c.expectOutNumel(1, counts.rows * counts.width + 1,
                     "offsets: one per (local slot, source member) + 1");
  return SlotLaunch{rows.rows, rows.width, counts.rows, counts.width};
}

LaunchDesc describeRowIndex(const OpContext &c) {
  RowShape in = rowShape(c, c.in(0), c.describeIn(0));
  RowShape out = rowShape(c, c.out(0), c.describeOut(0));
  if (in.width != out.width)
    c.fail(c.describeIn(0) + " and " + c.describeOut(0) +
           " must have rows of one width");
  if (c.op() == Opcode::scatter_rows) {
    c.expectInNumel(1, in.rows, "one index per row of x");
    return RowIndexLaunch{in.rows, in.width, out.rows};
  }
  c.expectInNumel(1, out.rows, "one index per row of y");
  return RowIndexLaunch{out.rows, out.width, in.rows};
}

} // namespace

LaunchDesc describeExpertExchange(const OpContext &c) {
  switch (c.op()) {
  case Opcode::slot_route:
    return describeSlotRoute(c);
  case Opcode::slot_counts:
    return describeSlotCounts(c);
  case Opcode::slot_permute:
  case Opcode::slot_unpermute:
    return describeSlotPermute(c);
  default:
    return describeRowIndex(c);
  }
}

} // namespace dsc::exec::detail
