//===- ModelSummary.h - what a model is, for people -------------*- C++ -*-===//

#ifndef DSC_ANALYSIS_MODELSUMMARY_H
#define DSC_ANALYSIS_MODELSUMMARY_H

#include "llvm/Support/raw_ostream.h"

namespace dsc {
class ModelOp;

/// Prints the model's structure: layers, attention, experts, MTP, weights.
void printModelSummary(ModelOp model, llvm::raw_ostream &os);

/// Prints one line per checkpoint tensor: name, shape, element type and the
/// parameter that binds it.
void printCheckpointTensors(ModelOp model, llvm::raw_ostream &os);

} // namespace dsc

#endif // DSC_ANALYSIS_MODELSUMMARY_H
