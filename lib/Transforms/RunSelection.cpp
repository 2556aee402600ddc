//===- RunSelection.cpp - the dsc.run ops a pass works on -----------------===//

#include "RunSelection.h"

using namespace mlir;

FailureOr<SmallVector<dsc::RunOp>>
dsc::selectRuns(ModuleOp module, StringRef name, StringRef pass) {
  SmallVector<RunOp> runs;
  for (RunOp run : module.getOps<RunOp>())
    if (name.empty() || run.getSymName() == name)
      runs.push_back(run);
  if (runs.empty())
    return module.emitError(pass)
           << ": no dsc.run" << (name.empty() ? "" : " named @" + name.str());
  return runs;
}
