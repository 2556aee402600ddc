//===- KernelProgram.h - the attributes of kernel-level programs -*- C++
//-*-===//
//
// What the lowering, the autodiff, the fragment split, memory planning and
// the plan translation agree on about a kernel-level program: the
// discardable attributes that mark each op's pipeline stage and pass, the
// fragments' attributes, and the rows of each tensor for one micro-batch.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_CONVERSION_KERNELPROGRAM_H
#define DSC_CONVERSION_KERNELPROGRAM_H

#include "dsc/IR/DscOps.h"
#include "dsc/Run/ResolvedRun.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"

namespace dsc {

/// The pipeline stage of a kernel op (i64), from the run's layout.
inline constexpr llvm::StringLiteral kStageAttrName("dsc.stage");
/// The pass of a backward op (PassKind: backward_input or backward_weight);
/// forward ops carry none.
inline constexpr llvm::StringLiteral kPassAttrName("dsc.pass");
/// On a fragment's arguments and results: the name of the value that
/// crosses between fragments ("input_ids", "labels" or "v<N>").
inline constexpr llvm::StringLiteral kValueAttrName("dsc.value");
/// On a fragment's arguments: the rows of the value for one micro-batch.
inline constexpr llvm::StringLiteral kRowsAttrName("dsc.rows");
/// On a fragment's arguments and results: the value's byte offset in its
/// stage's activation slot (dsc-plan-memory).
inline constexpr llvm::StringLiteral kSlotOffsetAttrName("dsc.slot_offset");

/// The stage of a kernel op, -1 when it has none (the loss gradient's seed).
inline int64_t stageOf(mlir::Operation *op) {
  auto stage = op->getAttrOfType<mlir::IntegerAttr>(kStageAttrName);
  return stage ? stage.getInt() : -1;
}

/// The pass a kernel op belongs to: forward unless the autodiff tagged it.
inline PassKind passOf(mlir::Operation *op) {
  auto pass = op->getAttrOfType<PassKindAttr>(kPassAttrName);
  return pass ? pass.getValue() : PassKind::forward;
}

/// A fragment: the ops of one stage's pass, as `func.func @<run>_<P><stage>`
/// (P: F, B, I or W), with the values it reads from other fragments as
/// arguments and the values other fragments read as results.
struct FragmentKey {
  int64_t stage = 0;
  PassKind pass = PassKind::forward;
};
/// "F0", "B3", "I1", "W1": a fragment's suffix, and the spelling of
/// `dsc schedule` and of the executor's trace.
std::string fragmentSuffix(FragmentKey key);
/// The fragment func of `run` for `key`, or null.
mlir::func::FuncOp lookupFragment(mlir::ModuleOp module, RunOp run,
                                  FragmentKey key);
/// Moves `op` down to just before the first op of its block that reads
/// one of its results, so that what runs between (ops it does not feed,
/// such as the shared experts) is issued before it and can compute while
/// the communication `op` waits for is in flight.
void sinkToFirstReader(mlir::Operation *op);

/// Whether `func` is a fragment, and which.
std::optional<FragmentKey> fragmentKeyOf(mlir::func::FuncOp func);

/// Whether the run's overlapped pairs (DualPipe's and combined 1F1B's
/// dsc.overlap) run interleaved, chunk by chunk: when the run is
/// expert-parallel, so its fragments communicate inside (the all-to-all).
/// Memory planning then keeps the two fragments' transients apart, and the
/// plan marks the pairs (and gives a one-stage pair's backward its own
/// input buffers).
inline bool interleavesPairs(const ResolvedRun &setup) {
  return setup.ep() > 1;
}

/// Rows of each tensor's dynamic leading dimension for one micro-batch of
/// `tokens` tokens: tokens, except each token's k copies after a dispatch
/// (back to tokens at the combine). Arguments get the rows their
/// `dsc.rows` argument attribute says, else tokens.
class TensorRows {
public:
  explicit TensorRows(int64_t tokens) : tokens(tokens) {}

  void setArgument(mlir::BlockArgument argument);
  void define(mlir::Operation *op);
  /// The leading dimension of `value` (1 for scalars).
  int64_t leading(mlir::Value value) const;
  /// Bytes of `value` for one micro-batch; floats as FP32 when asked.
  int64_t bytes(mlir::Value value, bool floatsAsF32) const;

private:
  int64_t known(mlir::Value value) const;
  int64_t rowsOf(mlir::Operation *op, mlir::Value result) const;

  int64_t tokens;
  llvm::DenseMap<mlir::Value, int64_t> rows;
};

} // namespace dsc

#endif // DSC_CONVERSION_KERNELPROGRAM_H
