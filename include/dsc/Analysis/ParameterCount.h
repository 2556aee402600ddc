//===- ParameterCount.h - parameters of a dsc.model -------------*- C++ -*-===//
//
// Counts a model's parameters by component, by layer and for the MTP modules,
// and the parameters a token activates. An MLIR analysis: construct it from a
// `dsc.model` op, or get it from a pass's AnalysisManager.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_ANALYSIS_PARAMETERCOUNT_H
#define DSC_ANALYSIS_PARAMETERCOUNT_H

#include "mlir/IR/Operation.h"
#include "llvm/ADT/SmallVector.h"
#include <cstdint>

namespace dsc {
class WeightStorage;

/// Parameter counts of one part of a model, by component.
struct ComponentParams {
  int64_t embedding = 0;
  int64_t attention = 0; // MLA projections and their internal norms
  int64_t norms = 0;     // block, final and MTP head norms
  int64_t denseMLP = 0;
  int64_t router = 0; // gate weights and balancing bias
  int64_t sharedExperts = 0;
  int64_t routedExperts = 0;
  int64_t head = 0;
  int64_t mtpProjection = 0; // enorm, hnorm, eh_proj

  int64_t total() const;
  ComponentParams &operator+=(const ComponentParams &other);
};

/// One decoder block (main model or MTP module).
struct LayerParams {
  int64_t index = 0;
  bool isMoE = false;
  bool isMTP = false;
  int64_t total = 0;
  /// Parameters one token uses: routed experts count num_experts_per_tok of
  /// n_routed_experts.
  int64_t activated = 0;
  /// The block's parameters by component.
  ComponentParams components;
};

class ParameterCountAnalysis {
public:
  /// `model` must be a verified `dsc.model`. With `storage`, every count
  /// is the bytes the parameters are stored in instead (FP8 weights with
  /// their block scales).
  explicit ParameterCountAnalysis(mlir::Operation *model,
                                  const WeightStorage *storage = nullptr);

  /// The main model, shared embedding and head included once.
  const ComponentParams &mainModel() const { return main; }
  /// What the MTP modules add (their embedding and head are shared).
  const ComponentParams &mtpModules() const { return mtp; }
  /// Each MTP module's share of mtpModules(), by depth - 1.
  llvm::ArrayRef<ComponentParams> mtpModuleParams() const { return perMTP; }
  llvm::ArrayRef<LayerParams> layers() const { return perLayer; }

  /// Parameters of the main model a token activates, with or without the
  /// input embedding (the output head is always counted).
  int64_t activatedPerToken(bool withEmbedding) const;

private:
  ComponentParams main, mtp;
  /// Routed-expert parameters not used by a token, in the main model.
  int64_t inactiveRouted = 0;
  llvm::SmallVector<LayerParams> perLayer;
  llvm::SmallVector<ComponentParams> perMTP;
};

} // namespace dsc

#endif // DSC_ANALYSIS_PARAMETERCOUNT_H
