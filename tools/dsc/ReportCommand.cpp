//===- ReportCommand.cpp - dsc report -------------------------------------===//

#include "Driver.h"
#include "RunFlags.h"
#include "dsc/IR/DscOps.h"
#include "dsc/Import/ClusterImport.h"
#include "dsc/Import/ImportModel.h"
#include "dsc/Report/Report.h"
#include "dsc/Run/ResolvedRun.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;
using namespace mlir;

namespace dsc::driver {
cl::SubCommand reportCommand(
    "report", "Report parameters, FLOPs, memory, KV cache, communication and "
              "step time of a model on a cluster");
static cl::opt<std::string> reportInput(cl::Positional, cl::Required,
                                        cl::desc("<model.mlir|config.json>"),
                                        cl::sub(reportCommand));
static cl::opt<std::string> clusterName(
    "cluster", cl::init("h800x2048"),
    cl::desc("Built-in cluster (h800x2048, h100x8, h200x8) or a cluster JSON "
             "file (default: h800x2048)"),
    cl::value_desc("name|file"), cl::sub(reportCommand));
static cl::opt<double>
    tokenBudget("tokens", cl::init(14.8e12),
                cl::desc("Tokens to price in GPU-hours (default 14.8e12)"),
                cl::sub(reportCommand));
enum class ReportFormat { text, json };
static cl::opt<ReportFormat> reportFormat(
    "format", cl::init(ReportFormat::text), cl::desc("Output format"),
    cl::values(clEnumValN(ReportFormat::text, "text", "a readable table"),
               clEnumValN(ReportFormat::json, "json", "JSON for tools")),
    cl::sub(reportCommand));

int runReport(MLIRContext &context) {
  if (!(tokenBudget >= 0)) {
    WithColor::error() << "--tokens must not be negative, got " << tokenBudget
                       << "\n";
    return 1;
  }
  ModelOnCluster loaded = loadModelOnCluster(context, reportInput, clusterName);
  if (!loaded.module)
    return 1;
  FailureOr<dsc::ResolvedRun> resolved =
      addRunFromFlags(loaded, dsc::RunOptions(), "report");
  if (failed(resolved))
    return 1;

  dsc::RunReport report(*resolved, tokenBudget);
  if (reportFormat == ReportFormat::json)
    outs() << formatv("{0:2}", report.toJSON()) << "\n";
  else
    report.printText(outs());
  return 0;
}
} // namespace dsc::driver
