//===- Driver.cpp - what the dsc subcommands share ------------------------===//

#include "Driver.h"
#include "dsc/IR/DscOps.h"
#include "dsc/Import/ClusterImport.h"
#include "dsc/Import/ImportModel.h"
#include "dsc/Support/OutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;
using namespace mlir;

namespace dsc::driver {
/// Prints diagnostics as `file:line:col: error: message`, and notes.
void printDiagnostic(Diagnostic &diag) {
  Location loc = diag.getLocation();
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    errs() << file.getFilename().getValue() << ":" << file.getLine() << ":"
           << file.getColumn() << ": ";
  else if (auto name = dyn_cast<NameLoc>(loc))
    errs() << name.getName().getValue() << ": ";
  else if (!isa<UnknownLoc>(loc))
    errs() << loc << ": ";
  switch (diag.getSeverity()) {
  case DiagnosticSeverity::Error:
    WithColor(errs(), raw_ostream::RED, true) << "error: ";
    break;
  case DiagnosticSeverity::Warning:
    WithColor(errs(), raw_ostream::MAGENTA, true) << "warning: ";
    break;
  case DiagnosticSeverity::Remark:
    WithColor(errs(), raw_ostream::BLUE, true) << "remark: ";
    break;
  default:
    errs() << "note: ";
  }
  errs() << diag.str() << "\n";
  for (Diagnostic &note : diag.getNotes())
    printDiagnostic(note);
}

/// The single `dsc.model` of a loaded module.
dsc::ModelOp findModel(ModuleOp module, StringRef path) {
  auto models = module.getOps<dsc::ModelOp>();
  if (std::distance(models.begin(), models.end()) == 1)
    return *models.begin();
  WithColor::error() << path << ": expected exactly one 'dsc.model'\n";
  return nullptr;
}

int writeOutput(StringRef path, llvm::function_ref<void(raw_ostream &)> write) {
  Error error = dsc::writeFileAtomically(path, [&](raw_ostream &os) {
    write(os);
    return success();
  });
  if (error) {
    WithColor::error() << toString(std::move(error)) << "\n";
    return 1;
  }
  return 0;
}

ModelOnCluster loadModelOnCluster(MLIRContext &context, StringRef path,
                                  StringRef clusterName) {
  ModelOnCluster loaded;
  OwningOpRef<ModuleOp> module = dsc::loadModel(path, &context);
  if (!module)
    return loaded;
  dsc::ModelOp model = findModel(*module, path);
  if (!model)
    return loaded;
  OpBuilder builder(module->getBody(), module->getBody()->end());
  FailureOr<dsc::ClusterOp> cluster = dsc::importCluster(clusterName, builder);
  if (failed(cluster))
    return loaded;
  loaded.model = model;
  loaded.cluster = *cluster;
  loaded.module = std::move(module);
  return loaded;
}

FailureOr<dsc::RunOp> ModelOnCluster::addRun(const dsc::RunOptions &options,
                                             StringRef command) {
  OpBuilder builder(module->getBody(), module->getBody()->end());
  Location loc =
      NameLoc::get(builder.getStringAttr("dsc " + command.str() + " options"));
  return dsc::createRun(builder, loc, model, cluster, options);
}

} // namespace dsc::driver
