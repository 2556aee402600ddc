//===- KernelAutodiff.cpp - the backward of kernel-level programs ---------===//
//
// Reverse-mode differentiation over the kernel-level ops: walk the forward
// ops backwards, emit each one's gradient ops from the gradients of its
// results, and sum the gradients of values with several uses.
//
//===----------------------------------------------------------------------===//

#include "dsc/Conversion/KernelProgram.h"
#include "dsc/Conversion/Passes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Verifier.h"

namespace dsc {
#define GEN_PASS_DEF_DSCKERNELAUTODIFF
#include "dsc/Conversion/Passes.h.inc"
} // namespace dsc

using namespace mlir;
using namespace dsc;

namespace {
class Differentiator {
public:
  explicit Differentiator(OpBuilder &builder) : builder(builder) {}

  /// Emits the backward of every op before `end`, seeded at `loss`.
  LogicalResult run(Block &body, Operation *end, Value loss);

private:
  /// Adds `gradient` to `value`'s.
  void accumulate(Value value, Value gradient) {
    if (!gradient)
      return;
    auto [it, inserted] = gradients.try_emplace(value, gradient);
    if (inserted)
      return;
    // The sum belongs to the earlier of the two contributions' stages: the
    // backward reaches it last, when both have arrived (the MTP module and
    // the output head may sit on stages in either order).
    Attribute current = stage;
    for (Value part : {it->second, gradient})
      if (Operation *def = part.getDefiningOp())
        if (auto partStage = def->getAttrOfType<IntegerAttr>("dsc.stage"))
          if (!stage || partStage.getInt() < cast<IntegerAttr>(stage).getInt())
            stage = partStage;
    it->second =
        tag(KAddOp::create(builder, loc, it->second, gradient)).getOutput();
    stage = current;
  }
  /// `value`'s gradient, or zeros when none reached it.
  Value gradientOrZeros(Value value) {
    if (Value gradient = gradients.lookup(value))
      return gradient;
    return tag(KFillOp::create(builder, loc, value.getType(),
                               builder.getF64FloatAttr(0.0)))
        .getOutput();
  }
  /// Tags a backward op with its forward op's stage and with the part of
  /// the backward it belongs to: the weight gradients (which zero-bubble
  /// schedules defer) or the rest.
  template <typename OpTy> OpTy tag(OpTy op) {
    if (stage)
      op->setAttr("dsc.stage", stage);
    bool weight =
        isa<KLinearGradWeightOp, KGroupedLinearGradWeightOp, KEmbeddingGradOp>(
            op.getOperation());
    op->setAttr(
        kPassAttrName,
        PassKindAttr::get(op->getContext(), weight ? PassKind::backward_weight
                                                   : PassKind::backward_input));
    return op;
  }
  LogicalResult differentiate(Operation *op);

  OpBuilder &builder;
  Location loc = builder.getUnknownLoc();
  Attribute stage;
  DenseMap<Value, Value> gradients;
};
} // namespace

LogicalResult Differentiator::differentiate(Operation *op) {
  bool reached = llvm::any_of(op->getResults(), [&](Value result) {
    return gradients.count(result) != 0;
  });
  if (!reached)
    return success();
  loc = op->getLoc();
  stage = op->getAttr("dsc.stage");
  auto grad = [&](Value result) { return gradients.lookup(result); };

  if (auto embedding = dyn_cast<KEmbeddingOp>(op)) {
    tag(KEmbeddingGradOp::create(builder, loc, embedding.getIds(),
                                 grad(embedding.getOutput()),
                                 embedding.getWeightAttr()));
  } else if (auto norm = dyn_cast<KRMSNormOp>(op)) {
    Value dy = grad(norm.getOutput());
    if (!dy)
      return success();
    accumulate(norm.getInput(),
               tag(KRMSNormGradOp::create(builder, loc, dy, norm.getInput(),
                                          norm.getRstd(), norm.getWeightAttr()))
                   .getInputGrad());
  } else if (isa<KLinearOp, KFP8LinearOp>(op)) {
    Value x = op->getOperand(0), dy = grad(op->getResult(0));
    auto weight = op->getAttrOfType<FlatSymbolRefAttr>("weight");
    UnitAttr fp8 = isa<KFP8LinearOp>(op) ? builder.getUnitAttr() : UnitAttr();
    accumulate(x, tag(KLinearGradInputOp::create(builder, loc, x.getType(), dy,
                                                 weight, fp8))
                      .getInputGrad());
    tag(KLinearGradWeightOp::create(builder, loc, dy, x, weight, fp8));
  } else if (auto rope = dyn_cast<KRopeOp>(op)) {
    accumulate(
        rope.getInput(),
        tag(KRopeGradOp::create(builder, loc, grad(rope.getOutput()),
                                rope.getHeadsAttr(), rope.getHeadDimAttr(),
                                rope.getRopeDimAttr(), rope.getSeqLenAttr(),
                                rope.getRope()))
            .getInputGrad());
  } else if (auto attention = dyn_cast<KAttentionOp>(op)) {
    auto backward = tag(KAttentionGradOp::create(
        builder, loc, grad(attention.getOutput()), attention.getQ(),
        attention.getK(), attention.getV(), attention.getOutput(),
        attention.getLse(), attention.getHeadsAttr(), attention.getSeqLenAttr(),
        attention.getScaleAttr()));
    accumulate(attention.getQ(), backward.getQGrad());
    accumulate(attention.getK(), backward.getKGrad());
    accumulate(attention.getV(), backward.getVGrad());
  } else if (auto swiglu = dyn_cast<KSwiGLUOp>(op)) {
    auto backward =
        tag(KSwiGLUGradOp::create(builder, loc, grad(swiglu.getOutput()),
                                  swiglu.getGate(), swiglu.getUp()));
    accumulate(swiglu.getGate(), backward.getGateGrad());
    accumulate(swiglu.getUp(), backward.getUpGrad());
  } else if (auto add = dyn_cast<KAddOp>(op)) {
    accumulate(add.getLhs(), grad(add.getOutput()));
    accumulate(add.getRhs(), grad(add.getOutput()));
  } else if (auto concat = dyn_cast<KConcatOp>(op)) {
    auto backward = tag(KConcatGradOp::create(
        builder, loc, concat.getInputs().getTypes(), grad(concat.getOutput()),
        concat.getHeadsAttr(), concat.getHeadDimsAttr()));
    for (auto [input, inputGrad] :
         llvm::zip(concat.getInputs(), backward.getInputGrads()))
      accumulate(input, inputGrad);
  } else if (auto split = dyn_cast<KSplitOp>(op)) {
    SmallVector<Value> parts;
    for (Value output : split.getOutputs())
      parts.push_back(gradientOrZeros(output));
    accumulate(
        split.getInput(),
        tag(KConcatOp::create(builder, loc, split.getInput().getType(), parts,
                              split.getHeadsAttr(), split.getHeadDimsAttr()))
            .getOutput());
  } else if (auto route = dyn_cast<KRouteOp>(op)) {
    // Only the weights carry a gradient; the choice of experts does not.
    if (Value dw = grad(route.getWeights()))
      accumulate(
          route.getLogits(),
          tag(KRouteGradOp::create(builder, loc, dw, route.getLogits(),
                                   route.getExperts(), route.getConfig()))
              .getLogitsGrad());
  } else if (auto balance = dyn_cast<KBalanceLossOp>(op)) {
    // Through the scores only: the expert counts f are constants.
    accumulate(
        balance.getLogits(),
        tag(KBalanceLossGradOp::create(
                builder, loc, grad(balance.getLoss()), balance.getLogits(),
                balance.getExperts(), balance.getSeqLenAttr(),
                balance.getWeightAttr(), balance.getConfig()))
            .getLogitsGrad());
  } else if (auto dispatch = dyn_cast<KDispatchOp>(op)) {
    if (Value drows = grad(dispatch.getRows()))
      accumulate(dispatch.getInput(),
                 tag(KDispatchGradOp::create(builder, loc,
                                             dispatch.getInput().getType(),
                                             drows, dispatch.getExperts()))
                     .getInputGrad());
  } else if (auto grouped = dyn_cast<KGroupedLinearOp>(op)) {
    Value dy = grad(grouped.getOutput());
    accumulate(grouped.getRows(),
               tag(KGroupedLinearGradInputOp::create(
                       builder, loc, grouped.getRows().getType(), dy,
                       grouped.getOffsets(), grouped.getWeightAttr(),
                       grouped.getFp8Attr()))
                   .getInputGrad());
    tag(KGroupedLinearGradWeightOp::create(
        builder, loc, dy, grouped.getRows(), grouped.getOffsets(),
        grouped.getWeightAttr(), grouped.getFp8Attr()));
  } else if (auto combine = dyn_cast<KCombineOp>(op)) {
    auto backward = tag(KCombineGradOp::create(
        builder, loc, grad(combine.getOutput()), combine.getRows(),
        combine.getExperts(), combine.getWeights()));
    accumulate(combine.getRows(), backward.getRowsGrad());
    accumulate(combine.getWeights(), backward.getWeightsGrad());
  } else if (auto ce = dyn_cast<KCrossEntropyOp>(op)) {
    accumulate(ce.getLogits(),
               tag(KCrossEntropyGradOp::create(builder, loc, grad(ce.getLoss()),
                                               ce.getLogits(), ce.getLabels(),
                                               ce.getWeightAttr()))
                   .getLogitsGrad());
  } else if (auto exchange = dyn_cast<KAllToAllVOp>(op)) {
    // The rows go back where they came from: each member's received count
    // is what it sends now, and the input's rows are the capacity.
    if (Value dy = grad(exchange.getOutput()))
      accumulate(exchange.getInput(),
                 tag(KAllToAllVOp::create(
                         builder, loc, exchange.getInput().getType(),
                         exchange.getCounts().getType(), dy,
                         exchange.getReceivedCounts(), exchange.getInput(),
                         exchange.getMembers(), /*fp8_tile=*/nullptr,
                         /*fp8_scale=*/nullptr))
                     .getOutput());
  } else if (auto permute = dyn_cast<KSlotPermuteOp>(op)) {
    if (Value dy = grad(permute.getOutput()))
      accumulate(permute.getRows(),
                 tag(KSlotUnpermuteOp::create(builder, loc, dy,
                                              permute.getCounts()))
                     .getOutput());
  } else if (auto unpermute = dyn_cast<KSlotUnpermuteOp>(op)) {
    if (Value dy = grad(unpermute.getOutput()))
      accumulate(unpermute.getRows(),
                 tag(KSlotPermuteOp::create(
                         builder, loc, dy.getType(),
                         RankedTensorType::get(
                             {cast<RankedTensorType>(
                                  unpermute.getCounts().getType())
                                      .getNumElements() +
                              1},
                             builder.getI32Type()),
                         dy, unpermute.getCounts()))
                     .getOutput());
  } else if (!isa<KShiftOp, KFillOp, KSlotRouteOp, KSlotCountsOp, KAllToAllOp>(
                 op)) {
    return op->emitOpError("has no gradient rule");
  }
  return success();
}

LogicalResult Differentiator::run(Block &body, Operation *end, Value loss) {
  builder.setInsertionPoint(end);
  loc = loss.getLoc();
  gradients[loss] = KFillOp::create(builder, loc, loss.getType(),
                                    builder.getF64FloatAttr(1.0))
                        .getOutput();
  SmallVector<Operation *> forward;
  for (Operation &op : body)
    if (&op != end)
      forward.push_back(&op);
  for (Operation *op : llvm::reverse(forward))
    if (failed(differentiate(op)))
      return failure();
  return success();
}

namespace {
struct KernelAutodiffPass
    : public dsc::impl::DscKernelAutodiffBase<KernelAutodiffPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> forwards;
    for (func::FuncOp func : module.getOps<func::FuncOp>())
      if (func.getSymName().ends_with("_forward"))
        forwards.push_back(func);
    if (forwards.empty()) {
      module.emitError("dsc-kernel-autodiff: no func.func @<run>_forward; "
                       "run dsc-lower-to-kernels first");
      return signalPassFailure();
    }
    for (func::FuncOp forward : forwards) {
      std::string name =
          (forward.getSymName().drop_back(strlen("_forward")) + "_train").str();
      if (auto old = module.lookupSymbol<func::FuncOp>(name))
        old.erase();
      OpBuilder builder(forward);
      builder.setInsertionPointAfter(forward);
      auto train = cast<func::FuncOp>(builder.clone(*forward));
      train.setSymName(name);
      Block &body = train.getBody().front();
      auto ret = cast<func::ReturnOp>(body.getTerminator());
      Differentiator differentiator(builder);
      if (failed(differentiator.run(body, ret, ret.getOperand(0))) ||
          failed(mlir::verify(train)))
        return signalPassFailure();
    }
  }
};
} // namespace
