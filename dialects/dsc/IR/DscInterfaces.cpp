//===- DscInterfaces.cpp - dsc op interfaces ------------------------------===//

#include "dsc/IR/DscInterfaces.h"
#include "dsc/IR/DscOps.h"

using namespace mlir;

LogicalResult dsc::detail::verifyParameterOwner(Operation *op) {
  if (op->getParentOfType<ModelOp>())
    return success();
  return op->emitOpError("must be inside a 'dsc.model', which declares the "
                         "parameters it reads");
}

#include "dsc/IR/DscInterfaces.cpp.inc"
