//===- dsc-opt.cpp - parse, verify, transform and print dsc IR ------------===//
//
// mlir-opt for the dsc dialect, except that the output file is replaced
// only when the whole run succeeded (dsc/Support/OutputFile.h): a failing
// pass or a full disk leaves the previous output as it was.
//
//===----------------------------------------------------------------------===//

#include "dsc/Conversion/Passes.h"
#include "dsc/IR/DscDialect.h"
#include "dsc/Pipelines/Pipelines.h"
#include "dsc/Support/Nesting.h"
#include "dsc/Support/OutputFile.h"
#include "dsc/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  mlir::registerTransformsPasses();
  dsc::registerDscPasses();
  dsc::registerDscConversionPasses();
  dsc::registerDscPipelines();

  mlir::DialectRegistry registry;
  // Kernel-level programs are func.func bodies.
  registry.insert<dsc::DscDialect, mlir::func::FuncDialect>();
  auto [inputFile, outputFile] = mlir::registerAndParseCLIOptions(
      argc, argv, "dsc optimizer driver\n", registry);
  mlir::MlirOptMainConfig config =
      mlir::MlirOptMainConfig::createFromCLOptions();
  if (config.shouldShowDialects()) {
    outs() << "Available Dialects: ";
    interleave(registry.getDialectNames(), outs(), ",");
    outs() << "\n";
    return 0;
  }
  if (config.shouldListPasses()) {
    mlir::printRegisteredPasses();
    return 0;
  }

  std::string message;
  std::unique_ptr<MemoryBuffer> input =
      mlir::openInputFile(inputFile, &message);
  if (!input) {
    WithColor::error() << message << "\n";
    return 1;
  }
  // MLIR's parser would overflow the stack on it.
  if (std::optional<dsc::MLIRNestingExcess> excess =
          dsc::findMLIRNestingExcess(input->getBuffer())) {
    errs() << input->getBufferIdentifier() << ":" << excess->line << ":"
           << excess->column << ": error: " << excess->message << "\n";
    return 1;
  }
  Error error = dsc::writeFileAtomically(outputFile, [&](raw_ostream &os) {
    return mlir::MlirOptMain(os, std::move(input), registry, config);
  });
  if (!error)
    return 0;
  // The pipeline's own diagnostics already said why.
  handleAllErrors(
      std::move(error), [](const dsc::WriterFailed &) {},
      [](const ErrorInfoBase &info) {
        WithColor::error() << info.message() << "\n";
      });
  return 1;
}
