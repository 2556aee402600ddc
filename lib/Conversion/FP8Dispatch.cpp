//===- FP8Dispatch.cpp - the dsc-fp8-dispatch pass ------------------------===//
//
// DeepSeek-V3 sends the MoE dispatch's tokens in FP8 (§3.3.4: quantized
// before the all-to-all, the experts' up-projections read them as they
// arrive) and the combine in BF16. dsc-expert-parallel marks the dispatch
// exchange with the tile and scale rounding; this pass, running after the
// backward is derived (whose exchanges carry plain gradients), spells the
// marked exchange out as the ops a rank runs.
//
//===----------------------------------------------------------------------===//

#include "dsc/Conversion/KernelProgram.h"
#include "dsc/Conversion/Passes.h"
#include "dsc/Run/ResolvedRun.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Verifier.h"

namespace dsc {
#define GEN_PASS_DEF_DSCFP8DISPATCH
#include "dsc/Conversion/Passes.h.inc"
} // namespace dsc

using namespace mlir;
using namespace dsc;

namespace {

/// Marks the FP8 grouped linears that read `rows` through a slot_permute:
/// their GEMM takes the dispatched values without quantizing them again.
void markQuantizedInputs(Value rows) {
  for (Operation *user : rows.getUsers())
    if (auto permute = dyn_cast<KSlotPermuteOp>(user))
      for (Operation *reader : permute.getOutput().getUsers())
        if (auto grouped = dyn_cast<KGroupedLinearOp>(reader))
          if (grouped.getFp8() && grouped.getRows() == permute.getOutput())
            grouped.setQuantizedInput(true);
}

/// quantize_rows -> all_to_all_v (codes), all_to_all_v (scales) ->
/// dequantize_rows in place of `exchange`; returns the dequantized rows.
Value expand(KAllToAllVOp exchange) {
  OpBuilder builder(exchange);
  Location loc = exchange.getLoc();
  Attribute stage = exchange->getAttr(kStageAttrName);
  auto tag = [&](auto op) {
    if (stage)
      op->setAttr(kStageAttrName, stage);
    return op;
  };
  int64_t tile = *exchange.getFp8Tile();
  ScaleFormat scale = *exchange.getFp8Scale();
  auto rowsType = cast<RankedTensorType>(exchange.getInput().getType());
  int64_t width = rowsType.getDimSize(1);
  Type scaleElement = scale == ScaleFormat::ue8m0
                          ? Type(builder.getType<Float8E8M0FNUType>())
                          : Type(builder.getF32Type());
  auto codesType = RankedTensorType::get({ShapedType::kDynamic, width},
                                         builder.getType<Float8E4M3FNType>());
  auto scalesType = RankedTensorType::get(
      {ShapedType::kDynamic,
       ShapedType::isDynamic(width) ? width : (width + tile - 1) / tile},
      scaleElement);
  // Quantized as soon as the rows exist, so the compute before the
  // exchanges stays one chunk (the overlap cuts at communication).
  builder.setInsertionPointAfterValue(exchange.getInput());
  auto quantized = tag(KQuantizeRowsOp::create(
      builder, loc, codesType, scalesType, exchange.getInput(), tile, scale));
  builder.setInsertionPoint(exchange);
  Type countsType = exchange.getReceivedCounts().getType();
  auto send = [&](Value rows) {
    return tag(KAllToAllVOp::create(builder, loc, rows.getType(), countsType,
                                    rows, exchange.getCounts(),
                                    exchange.getLike(), exchange.getMembers(),
                                    /*fp8_tile=*/nullptr,
                                    /*fp8_scale=*/nullptr));
  };
  KAllToAllVOp codes = send(quantized.getQuantized());
  KAllToAllVOp scales = send(quantized.getScales());
  Value rows =
      tag(KDequantizeRowsOp::create(builder, loc, rowsType, codes.getOutput(),
                                    scales.getOutput(), tile))
          .getOutput();
  exchange.getOutput().replaceAllUsesWith(rows);
  exchange.getReceivedCounts().replaceAllUsesWith(codes.getReceivedCounts());
  exchange.erase();
  sinkToFirstReader(rows.getDefiningOp());
  return rows;
}

struct FP8DispatchPass : public dsc::impl::DscFP8DispatchBase<FP8DispatchPass> {
  using DscFP8DispatchBase::DscFP8DispatchBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<SmallVector<RunOp>> runs =
        selectRuns(module, runName, "dsc-fp8-dispatch");
    if (failed(runs))
      return signalPassFailure();
    for (RunOp run : *runs) {
      std::optional<FP8RecipeAttr> recipe;
      if (ModelOp model = run.getModelOp())
        recipe = model.getFp8();
      // The training program, and the forward it was derived from.
      for (StringRef suffix : {"_train", "_forward"}) {
        auto program = module.lookupSymbol<func::FuncOp>(
            (run.getSymName() + suffix).str());
        if (!program)
          continue;
        SmallVector<KAllToAllVOp> marked;
        program.walk([&](KAllToAllVOp exchange) {
          if (exchange.getFp8Tile())
            marked.push_back(exchange);
        });
        for (KAllToAllVOp exchange : marked) {
          int64_t tile = *exchange.getFp8Tile();
          Value rows = expand(exchange);
          if (recipe && recipe->getActTileWidth() == tile)
            markQuantizedInputs(rows);
        }
        if (failed(mlir::verify(program)))
          return signalPassFailure();
      }
    }
  }
};

} // namespace
