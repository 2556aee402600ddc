//===- ExpertPlacement.cpp - the dsc-expert-placement pass ----------------===//
//
// Reads the loads (one layer per dsc.moe, in walk order: the main model, then
// the MTP modules), places every layer with the placement library and
// attaches the result to the op.
//
//===----------------------------------------------------------------------===//

#include "dsc/Placement/ExpertLoads.h"
#include "dsc/Placement/PlacementReport.h"
#include "dsc/Transforms/Passes.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

namespace dsc {
#define GEN_PASS_DEF_DSCEXPERTPLACEMENT
#include "dsc/Transforms/Passes.h.inc"
} // namespace dsc

using namespace mlir;
using namespace dsc;

namespace {
struct ExpertPlacementPass
    : public dsc::impl::DscExpertPlacementBase<ExpertPlacementPass> {
  using DscExpertPlacementBase::DscExpertPlacementBase;

  void runOnOperation() override;

private:
  /// The loads of every MoE layer: from the file, or uniform.
  FailureOr<std::vector<std::vector<double>>> readLoads(ArrayRef<MoEOp> moes);
};
} // namespace

FailureOr<std::vector<std::vector<double>>>
ExpertPlacementPass::readLoads(ArrayRef<MoEOp> moes) {
  ModelOp model = getOperation();
  MoEOp first = moes.front();
  int64_t experts = first.getConfig().getNRoutedExperts();
  if (loads.empty())
    return std::vector<std::vector<double>>(moes.size(),
                                            std::vector<double>(experts, 1.0));
  llvm::Expected<ExpertLoads> read = readExpertLoads(loads);
  if (!read)
    return model.emitError(llvm::toString(read.takeError()));
  if (read->layers.size() != moes.size())
    return model.emitError()
           << loads << ": " << read->layers.size()
           << " layers of loads but the model has " << moes.size()
           << " MoE layers (main model, then MTP modules); give one per "
              "dsc.moe";
  if (static_cast<int64_t>(read->layers.front().size()) != experts)
    return model.emitError() << loads << ": " << read->layers.front().size()
                             << " loads per layer but the MoE has " << experts
                             << " routed experts";
  return std::move(read->layers);
}

void ExpertPlacementPass::runOnOperation() {
  ModelOp model = getOperation();
  SmallVector<MoEOp> moes;
  model.walk([&](MoEOp moe) { moes.push_back(moe); });
  if (moes.empty())
    return;
  if (ep <= 0) {
    model.emitError("dsc-expert-placement needs 'ep', the number of GPUs of "
                    "the expert-parallel group");
    return signalPassFailure();
  }
  std::optional<PlacementPolicy> parsedPolicy =
      llvm::StringSwitch<std::optional<PlacementPolicy>>(policy)
          .Case("hierarchical", PlacementPolicy::Hierarchical)
          .Case("global", PlacementPolicy::Global)
          .Case("auto", PlacementPolicy::Auto)
          .Default(std::nullopt);
  if (!parsedPolicy) {
    model.emitError() << "unknown placement policy '" << policy
                      << "'; use hierarchical, global or auto";
    return signalPassFailure();
  }
  FailureOr<std::vector<std::vector<double>>> layerLoads = readLoads(moes);
  if (failed(layerLoads))
    return signalPassFailure();
  std::optional<std::vector<std::vector<int64_t>>> previousPlacement;
  if (!previous.empty()) {
    auto read = readPhysicalToLogical(previous);
    if (!read) {
      model.emitError(llvm::toString(read.takeError()));
      return signalPassFailure();
    }
    previousPlacement = std::move(*read);
  }

  MoEAttr config = moes.front().getConfig();
  PlacementProblem shape;
  shape.numSlots = config.getNRoutedExperts() + redundant;
  shape.numGroups = config.getNGroup();
  shape.numNodes = nodes;
  shape.numGPUs = ep;
  shape.policy = *parsedPolicy;
  shape.migrationTolerance = tolerance;
  llvm::Expected<LayeredPlacement> placement = placeLayers(
      *layerLoads, shape, previousPlacement ? &*previousPlacement : nullptr);
  if (!placement) {
    model.emitError() << "cannot place the experts: "
                      << llvm::toString(placement.takeError());
    return signalPassFailure();
  }
  if (previousPlacement) {
    // Re-placement in serving must not reshuffle everything: say what moves.
    int64_t hidden = activationWidth(moes.front().getInput());
    double bytesPerExpert = 3.0 * config.getMoeIntermediateSize() * hidden *
                            2; // BF16 gate, up and down projections
    model.emitRemark() << "dsc-expert-placement moves "
                       << placement->movedExperts() << " expert replicas ("
                       << llvm::formatv(
                              "{0}",
                              llvm::format("%.3g", placement->movedExperts() *
                                                       bytesPerExpert / 1e9))
                       << " GB in BF16)";
  }
  for (auto [moe, layer] : llvm::zip(moes, placement->layers))
    moe.setPlacementAttr(ExpertPlacementAttr::get(
        &getContext(), ep, nodes, llvm::APFloat(layer.imbalance),
        layer.physicalToLogical, layer.replicaCounts));
}
