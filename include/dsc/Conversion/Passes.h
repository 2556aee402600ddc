//===- Passes.h - dsc lowering passes ---------------------------*- C++ -*-===//

#ifndef DSC_CONVERSION_PASSES_H
#define DSC_CONVERSION_PASSES_H

#include "dsc/IR/DscOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace dsc {

#define GEN_PASS_DECL
#include "dsc/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dsc/Conversion/Passes.h.inc"

} // namespace dsc

#endif // DSC_CONVERSION_PASSES_H
