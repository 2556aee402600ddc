//===- ModelCommands.cpp - dsc import, dsc describe -----------------------===//

#include "Driver.h"
#include "dsc/IR/DscOps.h"
#include "dsc/Import/ImportModel.h"
#include "dsc/Report/ModelSummary.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;
using namespace mlir;

namespace dsc::driver {
cl::SubCommand
    importCommand("import",
                  "Import a HuggingFace config.json of a DeepSeek-V2/V3-family "
                  "model (model_type deepseek_v2 or deepseek_v3) as dsc IR");
static cl::opt<std::string> importInput(cl::Positional, cl::Required,
                                        cl::desc("<config.json>"),
                                        cl::sub(importCommand));
static cl::opt<std::string> importOutput("o", cl::init("-"),
                                         cl::desc("Output file (default: "
                                                  "standard output)"),
                                         cl::value_desc("file"),
                                         cl::sub(importCommand));
static cl::opt<std::string>
    modelName("name", cl::desc("Symbol of the model (default: model_type)"),
              cl::sub(importCommand));
static cl::opt<double> mtpLossWeight(
    "mtp-loss-weight", cl::init(0.3),
    cl::desc("Lambda, the weight of the MTP losses (default 0.3)"),
    cl::sub(importCommand));
static cl::opt<double> biasUpdateRate(
    "bias-update-rate", cl::init(0.001),
    cl::desc("Gamma, the per-step expert bias update of auxiliary-loss-free "
             "balancing (noaux_tc; default 0.001)"),
    cl::sub(importCommand));

cl::SubCommand describeCommand(
    "describe", "Describe a model: layers, attention, experts, MTP, weights");
static cl::opt<std::string> describeInput(cl::Positional, cl::Required,
                                          cl::desc("<model.mlir|config.json>"),
                                          cl::sub(describeCommand));
static cl::opt<bool> listWeights(
    "weights",
    cl::desc("List every checkpoint tensor with its shape and parameter"),
    cl::sub(describeCommand));

int runImport(MLIRContext &context) {
  dsc::ImportOptions options;
  options.modelName = modelName;
  options.mtpLossWeight = mtpLossWeight;
  options.biasUpdateRate = biasUpdateRate;
  Expected<dsc::ModelConfig> config = dsc::readModelConfig(importInput);
  if (!config) {
    WithColor::error() << toString(config.takeError()) << "\n";
    return 1;
  }
  OwningOpRef<ModuleOp> module = dsc::importModel(*config, &context, options);
  if (!module) {
    WithColor::error() << importInput
                       << ": the configuration is inconsistent (see above); "
                          "nothing written\n";
    return 1;
  }
  return writeOutput(importOutput, [&](raw_ostream &os) {
    module->print(os);
    os << "\n";
  });
}

int runDescribe(MLIRContext &context) {
  OwningOpRef<ModuleOp> module = dsc::loadModel(describeInput, &context);
  if (!module)
    return 1;
  dsc::ModelOp model = findModel(*module, describeInput);
  if (!model)
    return 1;
  if (listWeights)
    dsc::printCheckpointTensors(model, outs());
  else
    dsc::printModelSummary(model, outs());
  return 0;
}

} // namespace dsc::driver
