//===- DscDialect.h - the dsc dialect ---------------------------*- C++ -*-===//

#ifndef DSC_IR_DSCDIALECT_H
#define DSC_IR_DSCDIALECT_H

#include "mlir/IR/Dialect.h"
#include "mlir/IR/DialectImplementation.h"

#include "dsc/IR/DscDialect.h.inc"

namespace dsc {

/// tensor<?x?xNxT>: dynamic batch and sequence, static positive N,
/// T in {bf16, f16, f32, f8E4M3FN}.
bool isActivationType(mlir::Type type);
/// The static last dimension N of an activation tensor<?x?xNxT>.
int64_t activationWidth(mlir::Value activation);
/// tensor<?x?xi32> or tensor<?x?xi64>.
bool isTokenType(mlir::Type type);
/// tensor<f32>.
bool isScalarF32Type(mlir::Type type);
/// A statically shaped tensor of bf16, f16, f32, f8E4M3FN or f8E5M2.
bool isParameterType(mlir::Type type);

/// Attribute-parameter parsers used by the generated attribute parsers.
mlir::FailureOr<llvm::APFloat> parseF64Parameter(mlir::AsmParser &parser);
mlir::FailureOr<bool> parseBoolParameter(mlir::AsmParser &parser);

} // namespace dsc

#endif // DSC_IR_DSCDIALECT_H
