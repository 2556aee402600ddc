//===- FragmentMemory.h - arenas of a run's fragments and slots -*- C++ -*-===//

#ifndef DSC_LIB_CONVERSION_FRAGMENTMEMORY_H
#define DSC_LIB_CONVERSION_FRAGMENTMEMORY_H

#include "dsc/Run/ResolvedRun.h"
#include "mlir/IR/BuiltinOps.h"

namespace dsc {

/// Plans the transient arena of every fragment of `setup.run`, the slot of
/// every stage, and each rank's slot counts and arena (`dsc.slots`,
/// `dsc.arena_bytes` on its `dsc.rank`), with a remark per rank comparing
/// its arena to the memory analysis.
mlir::LogicalResult planFragmentMemory(mlir::ModuleOp module,
                                       const ResolvedRun &setup,
                                       PipelineOp pipeline, bool floatsAsF32);

/// Whether dsc-fragment has tied `pipeline` to fragments.
bool callsFragments(PipelineOp pipeline);

} // namespace dsc

#endif // DSC_LIB_CONVERSION_FRAGMENTMEMORY_H
