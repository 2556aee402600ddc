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
/// What the weight-gradient ops write: the gradients of the parameters
/// they name.
struct ParameterGradientResource
    : public mlir::SideEffects::Resource::Base<ParameterGradientResource> {
  llvm::StringRef getName() override { return "ParameterGradients"; }
};

class BlockOp;
class MeshOp;
class ModelOp;
class MTPOp;
} // namespace dsc

#define GET_OP_CLASSES
#include "dsc/IR/DscOps.h.inc"

namespace dsc {
/// Checks `owner`'s `linears` region: its arguments are the inputs of the
/// owner's linear layers, and it holds their FP8 quantizations and GEMMs
/// (see Dsc_LinearOwnerOp in DscOps.td).
mlir::LogicalResult verifyLinears(ParameterOwnerOpInterface owner);

/// The MTP module whose output `op` post-processes outside the module (its
/// `shared_head.norm` and the shared head applied to it), or null.
MTPOp getPostProcessedMTP(mlir::Operation *op);
} // namespace dsc

#endif // DSC_IR_DSCOPS_H
