//===- ParameterCount.cpp - parameters of a dsc.model ---------------------===//
//
// Counts come from the ops' parameter specs (ParameterOwnerOpInterface), the
// same definition the verifier checks the declarations against.
//
//===----------------------------------------------------------------------===//

#include "dsc/Analysis/ParameterCount.h"
#include "dsc/Analysis/WeightStorage.h"
#include "dsc/IR/DscOps.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace dsc;

int64_t ComponentParams::total() const {
  return embedding + attention + norms + denseMLP + router + sharedExperts +
         routedExperts + head + mtpProjection;
}

ComponentParams &ComponentParams::operator+=(const ComponentParams &other) {
  embedding += other.embedding;
  attention += other.attention;
  norms += other.norms;
  denseMLP += other.denseMLP;
  router += other.router;
  sharedExperts += other.sharedExperts;
  routedExperts += other.routedExperts;
  head += other.head;
  mtpProjection += other.mtpProjection;
  return *this;
}

static int64_t elementCount(const ParameterSpec &spec) {
  int64_t count = spec.numExperts ? spec.numExperts : 1;
  for (int64_t dim : spec.shape)
    count *= dim;
  return count;
}

/// The component a spec of `owner` belongs to.
static int64_t &componentOf(ComponentParams &params, Operation *owner,
                            const ParameterSpec &spec) {
  if (isa<EmbeddingOp>(owner))
    return params.embedding;
  if (isa<LMHeadOp>(owner))
    return params.head;
  if (isa<RMSNormOp>(owner))
    return params.norms;
  if (isa<MLAOp>(owner))
    return params.attention;
  if (isa<MLPOp>(owner))
    return params.denseMLP;
  if (isa<MTPOp>(owner))
    return params.mtpProjection;
  // dsc.moe: router, shared experts or routed experts.
  if (spec.numExperts)
    return params.routedExperts;
  if (StringRef(spec.name).contains(".shared_experts."))
    return params.sharedExperts;
  return params.router;
}

/// Adds the parameters `owner` reads to `params` (each name once; values,
/// or with `storage` bytes) and returns how many of the routed-expert ones
/// a token leaves unused.
static int64_t countOwner(Operation *owner, ComponentParams &params,
                          llvm::StringSet<> &counted,
                          const WeightStorage *storage) {
  SmallVector<ParameterSpec> specs;
  cast<ParameterOwnerOpInterface>(owner).getParameterSpecs(specs);
  int64_t inactive = 0;
  for (const ParameterSpec &spec : specs) {
    if (!counted.insert(spec.name).second)
      continue; // shared (the output head of the MTP modules)
    int64_t count = storage ? storage->bytes(spec) : elementCount(spec);
    componentOf(params, owner, spec) += count;
    if (spec.numExperts) {
      MoEAttr moe = cast<MoEOp>(owner).getConfig();
      inactive += count / moe.getNRoutedExperts() *
                  (moe.getNRoutedExperts() - moe.getNumExpertsPerTok());
    }
  }
  return inactive;
}

ParameterCountAnalysis::ParameterCountAnalysis(Operation *op,
                                               const WeightStorage *storage) {
  auto model = cast<ModelOp>(op);
  llvm::StringSet<> counted;
  auto moduleParams = [&](MTPOp module) -> ComponentParams & {
    size_t index = module.getDepth() - 1;
    if (perMTP.size() <= index)
      perMTP.resize(index + 1);
    return perMTP[index];
  };
  auto countBlock = [&](BlockOp block, bool isMTP, ComponentParams &params) {
    ComponentParams layer;
    int64_t inactive = 0;
    block.walk([&](ParameterOwnerOpInterface owner) {
      inactive += countOwner(owner, layer, counted, storage);
    });
    params += layer;
    perLayer.push_back({block.getIndex(), block.isMoE(), isMTP, layer.total(),
                        layer.total() - inactive, layer});
    return inactive;
  };

  for (Operation &child : model.getBody().front()) {
    if (auto block = dyn_cast<BlockOp>(child)) {
      inactiveRouted += countBlock(block, /*isMTP=*/false, main);
    } else if (auto module = dyn_cast<MTPOp>(child)) {
      ComponentParams &own = moduleParams(module);
      countOwner(module, own, counted, storage);
      countBlock(module.getBlock(), /*isMTP=*/true, own);
    } else if (isa<ParameterOwnerOpInterface>(child)) {
      // The norm (and shared head) applied to an MTP module's output are the
      // module's; the head is counted once, with the main model.
      if (MTPOp module = getPostProcessedMTP(&child))
        countOwner(&child, moduleParams(module), counted, storage);
      else
        countOwner(&child, main, counted, storage);
    }
  }
  for (const ComponentParams &module : perMTP)
    mtp += module;
}

int64_t ParameterCountAnalysis::activatedPerToken(bool withEmbedding) const {
  int64_t activated = main.total() - inactiveRouted;
  return withEmbedding ? activated : activated - main.embedding;
}
