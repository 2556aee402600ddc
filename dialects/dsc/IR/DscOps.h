//===- DscOps.h - dsc model-level ops ---------------------------*- C++ -*-===//

#ifndef DSC_IR_DSCOPS_H
#define DSC_IR_DSCOPS_H

#include "dsc/IR/DscAttrs.h"
#include "dsc/IR/DscDialect.h"
#include "dsc/IR/DscInterfaces.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace dsc {
class BlockOp;
class MTPOp;
} // namespace dsc

#define GET_OP_CLASSES
#include "dsc/IR/DscOps.h.inc"

#endif // DSC_IR_DSCOPS_H
