//===- RunOptions.cpp - a dsc.run from command-line options ---------------===//

#include "dsc/Import/RunOptions.h"
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
  auto run = RunOp::create(builder, loc, "run", model.getSymName(),
                           cluster.getSymName(), options.mode, options.seqLen,
                           options.microBatch, microBatches, pp, ep, dp,
                           options.zero, options.recipe, options.moments,
                           options.recompute, options.schedule,
                           /*layout=*/nullptr);
  SymbolTableCollection symbols;
  if (failed(verify(run)) || failed(run.verifySymbolUses(symbols))) {
    run->erase();
    return failure();
  }
  return run;
}
