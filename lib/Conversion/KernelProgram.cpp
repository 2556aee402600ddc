//===- KernelProgram.cpp - fragments and tensor rows ----------------------===//

#include "dsc/Conversion/KernelProgram.h"
#include "mlir/IR/BuiltinOps.h"

using namespace mlir;
using namespace dsc;

std::string dsc::fragmentSuffix(FragmentKey key) {
  const char *letter = "F";
  switch (key.pass) {
  case PassKind::forward:
    break;
  case PassKind::backward:
    letter = "B";
    break;
  case PassKind::backward_input:
    letter = "I";
    break;
  case PassKind::backward_weight:
    letter = "W";
    break;
  }
  return letter + std::to_string(key.stage);
}

func::FuncOp dsc::lookupFragment(ModuleOp module, RunOp run, FragmentKey key) {
  return module.lookupSymbol<func::FuncOp>(
      (run.getSymName() + "_" + fragmentSuffix(key)).str());
}

std::optional<FragmentKey> dsc::fragmentKeyOf(func::FuncOp func) {
  auto stage = func->getAttrOfType<IntegerAttr>(kStageAttrName);
  auto pass = func->getAttrOfType<PassKindAttr>(kPassAttrName);
  if (!stage || !pass)
    return std::nullopt;
  return FragmentKey{stage.getInt(), pass.getValue()};
}

void TensorRows::setArgument(BlockArgument argument) {
  auto func = dyn_cast<func::FuncOp>(argument.getOwner()->getParentOp());
  IntegerAttr attr = func ? func.getArgAttrOfType<IntegerAttr>(
                                argument.getArgNumber(), kRowsAttrName)
                          : IntegerAttr();
  rows[argument] = attr ? attr.getInt() : tokens;
}

void TensorRows::define(Operation *op) {
  for (Value result : op->getResults())
    rows[result] = rowsOf(op, result);
}

int64_t TensorRows::bytes(Value value, bool floatsAsF32) const {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type)
    return 0;
  int64_t count = 1;
  for (int64_t size : type.getShape())
    count *= ShapedType::isDynamic(size) ? known(value) : size;
  // FP8 codes and scales keep their byte under FP32 storage: they are
  // what an FP8 exchange moves.
  Type element = type.getElementType();
  int64_t bits = element.getIntOrFloatBitWidth();
  if (isa<FloatType>(element) && floatsAsF32 && bits > 8)
    bits = 32;
  return count * std::max<int64_t>(bits / 8, 1);
}

int64_t TensorRows::leading(Value value) const {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || type.getRank() == 0)
    return 1;
  return type.isDynamicDim(0) ? known(value) : type.getDimSize(0);
}

int64_t TensorRows::known(Value value) const {
  auto it = rows.find(value);
  return it == rows.end() ? tokens : it->second;
}

int64_t TensorRows::rowsOf(Operation *op, Value result) const {
  // Each token's k copies after a dispatch; back to tokens at the combine.
  if (auto dispatch = dyn_cast<KDispatchOp>(op))
    if (result == dispatch.getRows()) {
      auto experts = cast<RankedTensorType>(dispatch.getExperts().getType());
      return known(dispatch.getExperts()) * experts.getDimSize(1);
    }
  // An exchange receives at most every member's rows, or those of `like`.
  if (auto exchange = dyn_cast<KAllToAllVOp>(op))
    if (result == exchange.getOutput())
      return exchange.getLike()
                 ? known(exchange.getLike())
                 : exchange.getMembers() * known(exchange.getInput());
  if (auto combine = dyn_cast<KCombineOp>(op))
    return known(combine.getExperts());
  if (auto scatter = dyn_cast<KDispatchGradOp>(op))
    return known(scatter.getExperts());
  if (auto combineGrad = dyn_cast<KCombineGradOp>(op))
    return result == combineGrad.getRowsGrad()
               ? known(combineGrad.getRows())
               : known(combineGrad.getWeights());
  // Otherwise as many rows as the first operand with a dynamic leading
  // dimension (a fill of zeros: a micro-batch's tokens).
  for (Value operand : op->getOperands())
    if (auto type = dyn_cast<RankedTensorType>(operand.getType()))
      if (type.getRank() > 0 && type.isDynamicDim(0))
        return known(operand);
  return tokens;
}

void dsc::sinkToFirstReader(Operation *op) {
  Operation *first = nullptr;
  for (Operation *user : op->getUsers()) {
    Operation *reader = op->getBlock()->findAncestorOpInBlock(*user);
    if (reader && (!first || reader->isBeforeInBlock(first)))
      first = reader;
  }
  if (first && first != op->getNextNode())
    op->moveBefore(first);
}
