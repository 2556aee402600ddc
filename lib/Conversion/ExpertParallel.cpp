//===- ExpertParallel.cpp - the dsc-expert-parallel pass ------------------===//
//
// Rewrites each MoE layer of a run's forward into its expert-parallel form
// over the mesh's ep group (DeepSeek-V3 §3.2's dispatch and combine): the
// chosen logical experts become physical slots of the layer's placement,
// the copies travel to the members holding them and come back for the
// combine. The backward follows from dsc-kernel-autodiff's rules (each
// exchange's adjoint is the exchange the other way).
//
//===----------------------------------------------------------------------===//

#include "dsc/Conversion/KernelProgram.h"
#include "dsc/Conversion/Passes.h"
#include "dsc/Run/ResolvedRun.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Verifier.h"

namespace dsc {
#define GEN_PASS_DEF_DSCEXPERTPARALLEL
#include "dsc/Conversion/Passes.h.inc"
} // namespace dsc

using namespace mlir;
using namespace dsc;

namespace {

/// The parts of one MoE layer as dsc-lower-to-kernels emits it.
struct MoELayer {
  KRouteOp route;
  KDispatchOp dispatch;
  KCombineOp combine;
  MoEOp moe;
};

FailureOr<MoELayer> layerOf(KDispatchOp dispatch, ModelOp model) {
  MoELayer layer;
  layer.dispatch = dispatch;
  layer.route = dispatch.getExperts().getDefiningOp<KRouteOp>();
  if (!layer.route)
    return dispatch.emitOpError(
        "dsc-expert-parallel: the expert ids come from no dsc.k.route");
  for (Operation *user : layer.route.getExperts().getUsers())
    if (auto combine = dyn_cast<KCombineOp>(user))
      layer.combine = combine;
  if (!layer.combine)
    return dispatch.emitOpError(
        "dsc-expert-parallel: the routed experts reach no dsc.k.combine");
  for (Operation *user : dispatch.getOffsets().getUsers())
    if (auto grouped = dyn_cast<KGroupedLinearOp>(user))
      layer.moe = moeOfExperts(model, grouped.getWeight());
  if (!layer.moe)
    return dispatch.emitOpError("dsc-expert-parallel: no dsc.moe of the "
                                "model holds the experts of this dispatch");
  return layer;
}

/// Rewrites one layer; every new op takes the dispatch's stage.
void distribute(MoELayer layer, const ResolvedRun &setup) {
  KDispatchOp dispatch = layer.dispatch;
  OpBuilder builder(dispatch);
  Location loc = dispatch.getLoc();
  Attribute stage = dispatch->getAttr(kStageAttrName);
  auto tag = [&](auto op) {
    if (stage)
      op->setAttr(kStageAttrName, stage);
    return op;
  };
  ExpertPlacementAttr placement = setup.expertPlacement(layer.moe);
  int64_t members = placement.getGpus();
  int64_t perMember = placement.getSlotsPerGPU();
  Type i32 = builder.getI32Type();
  auto countsType = RankedTensorType::get({members, perMember}, i32);
  auto memberCountsType = RankedTensorType::get({members}, i32);
  auto offsetsType = RankedTensorType::get({perMember * members + 1}, i32);
  Value experts = layer.route.getExperts();
  Value slots = tag(KSlotRouteOp::create(builder, loc, experts.getType(),
                                         experts, placement))
                    .getSlots();
  auto bySlot = tag(KDispatchOp::create(
      builder, loc, dispatch.getRows().getType(),
      RankedTensorType::get({members * perMember + 1}, i32),
      dispatch.getInput(), slots, members * perMember));
  auto counts =
      tag(KSlotCountsOp::create(builder, loc, countsType, memberCountsType,
                                bySlot.getOffsets()));
  Value arrivedCounts = tag(KAllToAllOp::create(builder, loc, countsType,
                                                counts.getSlotCounts()))
                            .getOutput();
  Type rowsType = dispatch.getRows().getType();
  auto arrived = tag(KAllToAllVOp::create(
      builder, loc, rowsType, memberCountsType, bySlot.getRows(),
      counts.getMemberCounts(), Value(), members, /*fp8_tile=*/nullptr,
      /*fp8_scale=*/nullptr));
  // DeepSeek-V3 dispatches FP8 (dsc-fp8-dispatch spells it out once the
  // backward, which sends plain gradients back, is derived).
  if (std::optional<FP8Dispatch> fp8 = setup.fp8Dispatch(layer.moe)) {
    arrived.setFp8TileAttr(builder.getI64IntegerAttr(fp8->tile));
    arrived.setFp8ScaleAttr(
        ScaleFormatAttr::get(builder.getContext(), fp8->scale));
  }
  auto local = tag(KSlotPermuteOp::create(builder, loc, rowsType, offsetsType,
                                          arrived.getOutput(), arrivedCounts));
  dispatch.getRows().replaceAllUsesWith(local.getOutput());
  dispatch.getOffsets().replaceAllUsesWith(local.getOffsets());
  // Waiting for the rows starts only where the experts need them: the
  // shared experts before compute under the dispatch.
  sinkToFirstReader(local);

  KCombineOp combine = layer.combine;
  builder.setInsertionPoint(combine);
  Value outputs = tag(KSlotUnpermuteOp::create(builder, loc, combine.getRows(),
                                               arrivedCounts))
                      .getOutput();
  Value back = tag(KAllToAllVOp::create(builder, loc, rowsType,
                                        memberCountsType, outputs,
                                        arrived.getReceivedCounts(),
                                        bySlot.getRows(), members,
                                        /*fp8_tile=*/nullptr,
                                        /*fp8_scale=*/nullptr))
                   .getOutput();
  combine.getRowsMutable().assign(back);
  combine.getExpertsMutable().assign(slots);
  dispatch.erase();
}

struct ExpertParallelPass
    : public dsc::impl::DscExpertParallelBase<ExpertParallelPass> {
  using DscExpertParallelBase::DscExpertParallelBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<SmallVector<RunOp>> runs =
        selectRuns(module, runName, "dsc-expert-parallel");
    if (failed(runs))
      return signalPassFailure();
    for (RunOp run : *runs) {
      auto forward = module.lookupSymbol<func::FuncOp>(
          (run.getSymName() + "_forward").str());
      if (!forward) {
        run.emitError("dsc-expert-parallel: no func.func @")
            << run.getSymName() << "_forward; run dsc-lower-to-kernels first";
        return signalPassFailure();
      }
      FailureOr<ResolvedRun> setup = resolveRun(run);
      if (failed(setup))
        return signalPassFailure();
      if (setup->ep() == 1)
        continue;
      SmallVector<KDispatchOp> dispatches(forward.getOps<KDispatchOp>());
      for (KDispatchOp dispatch : dispatches) {
        FailureOr<MoELayer> layer = layerOf(dispatch, setup->model);
        if (failed(layer))
          return signalPassFailure();
        distribute(*layer, *setup);
      }
      if (failed(mlir::verify(forward)))
        return signalPassFailure();
    }
  }
};

} // namespace
