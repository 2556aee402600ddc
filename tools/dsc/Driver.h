//===- Driver.h - the dsc subcommands -------------------------*- C++ -*-===//
//
// Each subcommand lives in its own file with its options; main dispatches on
// the subcommand given.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_TOOLS_DSC_DRIVER_H
#define DSC_TOOLS_DSC_DRIVER_H

#include "dsc/IR/DscOps.h"
#include "dsc/Run/RunOptions.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

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

/// A model loaded from `path` (IR or config.json) with `cluster` (a preset
/// or a JSON file) added to its module; null module after an error.
struct ModelOnCluster {
  mlir::OwningOpRef<mlir::ModuleOp> module;
  dsc::ModelOp model;
  dsc::ClusterOp cluster;

  /// Adds `dsc.run @run` of the model on the cluster at the module's end,
  /// its diagnostics located at "dsc <command> options".
  mlir::FailureOr<dsc::RunOp> addRun(const dsc::RunOptions &options,
                                     llvm::StringRef command);
};
ModelOnCluster loadModelOnCluster(mlir::MLIRContext &context,
                                  llvm::StringRef path,
                                  llvm::StringRef cluster);

/// Writes through `write` to `path` ("-": standard output) atomically
/// (dsc/Support/OutputFile.h): on failure the previous file stays. Returns
/// the exit code.
int writeOutput(llvm::StringRef path,
                llvm::function_ref<void(llvm::raw_ostream &)> write);

} // namespace dsc::driver

#endif // DSC_TOOLS_DSC_DRIVER_H
