//===- RunOptions.cpp - a dsc.mesh and dsc.run from options ---------------===//

#include "dsc/Run/RunOptions.h"
#include "dsc/Run/ResolvedRun.h"
#include "mlir/IR/Verifier.h"
#include <numeric>

using namespace mlir;
using namespace dsc;

FailureOr<RunOp> dsc::createRun(OpBuilder &builder, Location loc, ModelOp model,
                                ClusterOp cluster, const RunOptions &options) {
  int64_t gpus = cluster.getNumGPUs();
  int64_t pp = options.pp.value_or(1);
  int64_t dp =
      options.dp.value_or(pp > 0 ? std::max<int64_t>(gpus / pp, 1) : 1);
  int64_t experts = 0;
  model.walk([&](MoEOp moe) { experts = moe.getConfig().getNRoutedExperts(); });
  int64_t ep = options.ep.value_or(experts ? std::gcd(dp, experts) : 1);
  int64_t microBatches = options.microBatches.value_or(2 * pp);
  if (options.globalBatch) {
    if (*options.globalBatch <= 0)
      return emitError(loc) << "the global batch must be positive, got "
                            << *options.globalBatch;
    int64_t perStep = options.microBatch * dp;
    if (perStep <= 0 || *options.globalBatch % perStep != 0)
      return emitError(loc) << "the global batch (" << *options.globalBatch
                            << " sequences) must be a multiple of "
                               "micro_batch * dp = "
                            << perStep;
    microBatches = *options.globalBatch / perStep;
  }
  // A model that went through dsc-fp8-quantize trains as its weights and
  // recipe say unless the options say otherwise (the run then rejects it).
  Precision recipe = options.recipe.value_or(
      model.hasFP8Weights() || model.getFp8() ? Precision::fp8
                                              : Precision::bf16);
  MomentType moments = MomentType::bf16;
  if (std::optional<FP8RecipeAttr> fp8 = model.getFp8())
    moments = fp8->getMoments().isF32() ? MomentType::fp32 : MomentType::bf16;
  moments = options.moments.value_or(moments);

  auto mesh =
      MeshOp::create(builder, loc, "mesh", cluster.getSymName(), pp, dp, ep);
  IntegerAttr virtualStages;
  if (options.virtualStages)
    virtualStages = builder.getI64IntegerAttr(*options.virtualStages);
  auto run = RunOp::create(
      builder, loc, "run", model.getSymName(), mesh.getSymName(), options.mode,
      options.seqLen, options.microBatch, microBatches, options.zero, recipe,
      moments, options.recompute, options.schedule, virtualStages,
      /*layout=*/nullptr,
      options.dispatch
          ? PrecisionAttr::get(builder.getContext(), *options.dispatch)
          : PrecisionAttr(),
      options.combined);
  SymbolTableCollection symbols;
  if (failed(verify(mesh)) || failed(mesh.verifySymbolUses(symbols)) ||
      failed(verify(run)) || failed(run.verifySymbolUses(symbols)) ||
      failed(resolveRun(run))) {
    run->erase();
    mesh->erase();
    return failure();
  }
  return run;
}
