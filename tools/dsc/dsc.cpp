//===- dsc.cpp - the dsc driver -------------------------------------------===//
//
// dsc import CONFIG.json [-o model.mlir]   HuggingFace config -> dsc IR
// dsc describe MODEL [--weights]          what a model is
// dsc report MODEL [--cluster C] [...]    parameters, FLOPs, memory, comm,
//                                         step time on a cluster
// dsc place --loads F --replicas R ...    expert placement from loads
// dsc loads --layers L --experts E ...    synthetic expert loads
// dsc schedule --schedule K --pp P ...    pipeline schedule and simulation
// dsc compile MODEL [run options] -o PLAN a plan for dsc-run
//
//===----------------------------------------------------------------------===//

#include "Driver.h"
#include "RunFlags.h"
#include "dsc/IR/DscDialect.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;
using namespace mlir;
using namespace dsc::driver;

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  registerRunFlags();
  cl::ParseCommandLineOptions(
      argc, argv,
      "dsc: a compiler toolchain for DeepSeek-style models\n\n"
      "  dsc import CONFIG.json [-o model.mlir]\n"
      "  dsc describe MODEL [--weights]\n"
      "  dsc report MODEL [--cluster NAME|FILE] [run options] "
      "[--format text|json]\n"
      "  dsc place --loads FILE --replicas R --groups G --nodes N --gpus P "
      "[--policy ...] [--format text|json|svg]\n"
      "  dsc loads --layers L --experts E [--distribution zipf --s S]\n"
      "  dsc compile MODEL [--cluster C] [run options] [--lr LR] -o PLAN\n"
      "  dsc schedule [run options] [--costs F=1,B=2,W=1,FB=2.5,comm=0 | "
      "--model MODEL [--cluster C]] [--format text|json|trace|svg]\n\n"
      "run options: --pp P --dp D --ep E --zero 0|1 --schedule K "
      "--micro-batches M [--virtual-stages V] [--partition auto|even|LAYOUT] "
      "--seq-len N --micro-batch B --recipe bf16|fp8 ...\n");

  MLIRContext context;
  context.getOrLoadDialect<dsc::DscDialect>();
  // Diagnostics name the op and the key; a dump of the whole model is noise.
  context.printOpOnDiagnostic(false);
  ScopedDiagnosticHandler handler(&context, [](Diagnostic &diag) {
    printDiagnostic(diag);
    return success();
  });

  if (importCommand)
    return runImport(context);
  if (describeCommand)
    return runDescribe(context);
  if (reportCommand)
    return runReport(context);
  if (placeCommand)
    return runPlace();
  if (loadsCommand)
    return runLoads();
  if (scheduleCommand)
    return runSchedule(context);
  if (compileCommand)
    return runCompile(context);
  WithColor::error() << "no command given; see 'dsc --help'\n";
  return 1;
}
