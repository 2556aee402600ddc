//===- RunFlags.h - the options that describe a run ------------*- C++ -*-===//
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
#include "dsc/Run/ResolvedRun.h"

namespace dsc::driver {

/// Registers the options; call before parsing the command line.
void registerRunFlags();

/// The options' values over `defaults` (what the command starts from):
/// only the options given on the command line override them.
dsc::RunOptions runOptionsFromFlags(dsc::RunOptions defaults);

/// Adds the run the options describe over `defaults` to `loaded`'s module,
/// lays it out as --partition says (auto by default, else even or a
/// Megatron layout) with dsc-pipeline-partition and resolves it; failure
/// after the diagnostics (located at "dsc <command> options").
mlir::FailureOr<dsc::ResolvedRun> addRunFromFlags(ModelOnCluster &loaded,
                                                  dsc::RunOptions defaults,
                                                  llvm::StringRef command);

} // namespace dsc::driver

#endif // DSC_TOOLS_DSC_RUNFLAGS_H
