//===- Driver.h - the dsc subcommands -------------------------*- C++ -*-===//
//
// Each subcommand lives in its own file with its options; main dispatches on
// the subcommand given.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_TOOLS_DSC_DRIVER_H
#define DSC_TOOLS_DSC_DRIVER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

namespace dsc {
class ModelOp;
} // namespace dsc

namespace dsc::driver {

extern llvm::cl::SubCommand importCommand, describeCommand, reportCommand,
    placeCommand, loadsCommand, scheduleCommand, compileCommand;

int runImport(mlir::MLIRContext &context);
int runDescribe(mlir::MLIRContext &context);
int runReport(mlir::MLIRContext &context);
int runPlace();
int runLoads();
int runSchedule(mlir::MLIRContext &context);
int runCompile(mlir::MLIRContext &context);

/// Prints diagnostics as `file:line:col: error: message`, and notes.
void printDiagnostic(mlir::Diagnostic &diag);

/// The single `dsc.model` of a loaded module, or null after an error.
dsc::ModelOp findModel(mlir::ModuleOp module, llvm::StringRef path);

/// Writes through `write` to `path` ("-": standard output), leaving no file
/// behind on failure. Returns the exit code.
int writeOutput(llvm::StringRef path,
                llvm::function_ref<void(llvm::raw_ostream &)> write);

} // namespace dsc::driver

#endif // DSC_TOOLS_DSC_DRIVER_H
