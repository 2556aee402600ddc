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

SmallVector<dsc::LinearInput>
dsc::getLinearInputs(ArrayRef<ParameterSpec> specs) {
  SmallVector<LinearInput> inputs;
  for (const ParameterSpec &spec : specs) {
    if (!spec.isLinear() || llvm::any_of(inputs, [&](const LinearInput &input) {
          return input.name == spec.linearInput;
        }))
      continue;
    inputs.push_back({spec.linearInput, spec.shape.back()});
  }
  return inputs;
}

#include "dsc/IR/DscInterfaces.cpp.inc"
