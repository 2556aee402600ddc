//===- RunFlags.h - the run options of dsc report, schedule, compile -*- C++
//-*-===//
//
// One definition of every option that describes a run (parallelism, batch,
// schedule, recipe, layout), registered in each subcommand that builds one,
// so that `dsc report`, `dsc schedule --model` and `dsc compile` parse the
// same spelling the same way. A command states its own defaults; the run's
// remaining defaults are resolved by dsc::createRun.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_TOOLS_DSC_RUNFLAGS_H
#define DSC_TOOLS_DSC_RUNFLAGS_H

#include "Driver.h"

namespace dsc::driver {

/// Registers the options; call before parsing the command line.
void registerRunFlags();

/// The options' values over `defaults` (what the command starts from):
/// only the options given on the command line override them.
dsc::RunOptions runOptionsFromFlags(dsc::RunOptions defaults);

/// Whether --schedule (or --kind) was given.
bool scheduleFlagGiven();

/// Lays out `run` as --partition says (auto, even or a Megatron layout;
/// default `defaultMode`) with dsc-pipeline-partition.
mlir::LogicalResult partitionRun(mlir::ModuleOp module, dsc::RunOp run,
                                 llvm::StringRef defaultMode);

} // namespace dsc::driver

#endif // DSC_TOOLS_DSC_RUNFLAGS_H
