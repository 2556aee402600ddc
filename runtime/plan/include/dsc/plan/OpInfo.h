//===- OpInfo.h - Operands and attributes of every opcode -------*- C++ -*-===//
//
// The instruction-level contract of runtime/README.md's kernel table, as
// data: each opcode's operands (inputs first, then outputs, in order, with
// the element types they accept) and attributes (integer or float, required
// or optional with a default, range). The validator checks plans against it,
// the dump names operands from it and the executor reads defaults from it,
// so the contract is written down once.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_PLAN_OPINFO_H
#define DSC_PLAN_OPINFO_H

#include "dsc/plan/Plan.h"

#include <optional>
#include <vector>

namespace dsc::plan {

/// Element types an operand accepts.
enum class OperandType {
  Any,       // any dtype (byte-level moves: send/recv, fill)
  Floating,  // f32, bf16, f16 (converted to FP32 at the kernel boundary)
  F32,       // f32 only (logits, losses, rstd, lse)
  I32,       // i32 only (token ids, labels, expert ids)
  Integer,   // i32 or i64 (counts)
  F32OrBF16, // AdamW moments
  Reducible, // what collectives can sum: f32, bf16, i32, i64
  FP8,       // fp8_e4m3 codes
  Scale,     // FP8 scales: f32, or ue8m0 (powers of two, one byte)
};

bool operandTypeAccepts(OperandType type, DType dtype);
const char *operandTypeName(OperandType type);

/// How a kernel uses an output buffer.
enum class Access {
  Write,      // overwritten
  Accumulate, // += : gradients of parameters sum over a step's
              // micro-batches; a `fill` zeroes them first
  InPlace,    // read and updated (optimizer steps)
};

struct OperandSpec {
  const char *name;
  OperandType type;
  Access access = Access::Write; // outputs only
};

struct AttrSpec {
  AttrKey key;
  bool isFloat;
  bool required;
  /// The value when absent; nullopt for required attributes and for those
  /// whose default comes from elsewhere (adamw's weight_decay: the plan's).
  std::optional<double> defaultValue;
  /// Inclusive range. Float attributes must also be finite.
  double min;
  double max;
};

enum class CommKind { None, PointToPoint, Collective };

struct OpInfo {
  Opcode op;
  /// Operand specs in order (names as in runtime/README.md's table).
  std::vector<OperandSpec> inputs;
  std::vector<OperandSpec> outputs;
  /// Allowed operand counts. Operand i >= specs.size() takes the last spec
  /// (variadic ops: concat's parts). maxInputs/maxOutputs -1: unbounded.
  int minInputs, maxInputs;
  int minOutputs, maxOutputs;
  std::vector<AttrSpec> attrs;
  CommKind comm;

  /// The spec of operand i (the last spec repeats for variadic operands).
  const OperandSpec &inputSpec(size_t i) const;
  const OperandSpec &outputSpec(size_t i) const;
  /// The spec of `key` on this opcode, or null when it does not take it.
  const AttrSpec *findAttr(AttrKey key) const;
};

/// How an instruction of `info` applies its output `i` to `buffer`: the
/// opcode's own access, except that a written value output of a compute op
/// bound to a step-long buffer (`loss`, `persistent`) accumulates (+=). That
/// is how a step's micro-batches sum their losses and expert loads in one
/// buffer until the optimizer program's `fill` zeroes it; `fill` (typed Any)
/// overwrites, and so does communication: an all_reduce of the step's
/// expert loads replaces them with their sum over the group. The validator
/// requires accumulated outputs to be floating.
Access outputAccess(const OpInfo &info, size_t i, const Buffer &buffer);

/// The info of `op`, or null for `invalid` and values outside the enum.
const OpInfo *findOpInfo(Opcode op);

/// An attribute's value with the opcode's default applied; nullopt when
/// absent without a default. Assumes a validated instruction.
std::optional<double> attrValue(const Instruction &inst, AttrKey key);

} // namespace dsc::plan

#endif // DSC_PLAN_OPINFO_H
