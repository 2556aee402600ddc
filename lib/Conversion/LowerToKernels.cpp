//===- LowerToKernels.cpp - model-level ops to kernel-level ops -----------===//
//
// Walks the model body in order and emits, for each model-level op, the
// kernel ops that compute it (runtime/README.md's table), mapping every
// [batch, seq, width] activation to a [T, width] row tensor. Weights stay
// named parameters; FP8 ones become dsc.k.fp8_linear.
//
//===----------------------------------------------------------------------===//

#include "dsc/Conversion/Passes.h"
#include "dsc/Run/ResolvedRun.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Verifier.h"

namespace dsc {
#define GEN_PASS_DEF_DSCLOWERTOKERNELS
#include "dsc/Conversion/Passes.h.inc"
} // namespace dsc

using namespace mlir;
using namespace dsc;

namespace {
/// Emits one run's forward pass as kernel ops into a function body.
class ForwardLowering {
public:
  ForwardLowering(const ResolvedRun &setup, OpBuilder &builder)
      : run(setup.run), model(setup.model), layout(setup.layout),
        builder(builder), seqLen(run.getSeqLen()),
        // Each micro-batch's losses are weighted 1 / (micro-batches x dp),
        // so the step's gradients, summed over micro-batches and
        // data-parallel replicas, are means over every sequence of the
        // global batch.
        lossShare(1.0 / double(run.getMicroBatches() * setup.dp())) {
    for (ParameterOp parameter : model.getBody().getOps<ParameterOp>())
      parameters[parameter.getSymName()] = parameter;
  }

  /// Lowers the body; `ids` and `labels` are the function's arguments.
  FailureOr<Value> lower(Value ids, Value labels);

private:
  RankedTensorType rowsType(int64_t width, Type element) {
    return RankedTensorType::get({ShapedType::kDynamic, width}, element);
  }
  /// Tags `op` with the stage of the part being lowered.
  template <typename OpTy> OpTy tag(OpTy op) {
    op->setAttr("dsc.stage", builder.getI64IntegerAttr(stage));
    return op;
  }
  Type bf16() { return builder.getBF16Type(); }
  Type f32() { return builder.getF32Type(); }
  FlatSymbolRefAttr symbol(StringRef name) {
    return FlatSymbolRefAttr::get(builder.getContext(), name);
  }
  std::string name(StringRef scope, StringRef suffix) {
    return (scope + "." + suffix).str();
  }
  bool isFP8(StringRef weight) {
    auto it = parameters.find(weight);
    if (it == parameters.end())
      return false;
    auto type = cast<RankedTensorType>(it->second.getType());
    return isa<Float8E4M3FNType>(type.getElementType());
  }

  Value linear(Value x, StringRef weight, int64_t width, Type element);
  Value rmsNorm(Value x, StringRef weight, double eps) {
    auto type = cast<RankedTensorType>(x.getType());
    return tag(KRMSNormOp::create(
                   builder, loc(), type,
                   RankedTensorType::get({ShapedType::kDynamic}, f32()), x,
                   symbol(weight), builder.getF64FloatAttr(eps)))
        .getOutput();
  }
  Value swiglu(Value x, StringRef scope, int64_t width);
  Value split(Value x, int64_t heads, ArrayRef<int64_t> headDims,
              SmallVectorImpl<Value> &parts);

  Value lowerMLA(MLAOp op, Value x);
  Value lowerMoE(MoEOp op, Value x);
  LogicalResult lowerBody(Block &body);
  LogicalResult lowerOp(Operation &op);
  Location loc() { return current ? current->getLoc() : run.getLoc(); }

  RunOp run;
  ModelOp model;
  const StageLayout &layout;
  OpBuilder &builder;
  int64_t seqLen;
  double lossShare;
  int64_t stage = 0;
  Operation *current = nullptr;
  Value ids, labels;
  llvm::StringMap<ParameterOp> parameters;
  /// Model-level activations and their row tensors.
  IRMapping rows;
  /// Per MTP depth, and the main model's: logits for the loss.
  Value mainLogits;
  SmallVector<Value> mtpLogits;
  /// Every router's balance loss, added to the loss after the
  /// cross-entropies.
  SmallVector<Value> balanceLosses;
  Value loss;
};
} // namespace

Value ForwardLowering::linear(Value x, StringRef weight, int64_t width,
                              Type element) {
  RankedTensorType type = rowsType(width, element);
  if (isFP8(weight)) {
    std::optional<FP8RecipeAttr> recipe = model.getFp8();
    int64_t tile =
        recipe ? recipe->getActTileWidth() : FP8RecipeAttr::kDeepSeekV3Tile;
    int64_t block =
        recipe ? recipe->getWeightBlock()[0] : FP8RecipeAttr::kDeepSeekV3Tile;
    return tag(KFP8LinearOp::create(builder, loc(), type, x, weight, tile,
                                    block))
        .getOutput();
  }
  return tag(KLinearOp::create(builder, loc(), type, x, symbol(weight)))
      .getOutput();
}

Value ForwardLowering::swiglu(Value x, StringRef scope, int64_t width) {
  int64_t hidden = cast<RankedTensorType>(x.getType()).getDimSize(1);
  Value gate = linear(x, name(scope, "gate_proj.weight"), width, bf16());
  Value up = linear(x, name(scope, "up_proj.weight"), width, bf16());
  Value act = tag(KSwiGLUOp::create(builder, loc(), gate, up)).getOutput();
  return linear(act, name(scope, "down_proj.weight"), hidden, bf16());
}

Value ForwardLowering::split(Value x, int64_t heads, ArrayRef<int64_t> headDims,
                             SmallVectorImpl<Value> &parts) {
  SmallVector<Type> types;
  for (int64_t dim : headDims)
    types.push_back(rowsType(heads * dim, bf16()));
  auto op = tag(KSplitOp::create(builder, loc(), types, x, heads, headDims));
  parts.assign(op.getOutputs().begin(), op.getOutputs().end());
  return x;
}

Value ForwardLowering::lowerMLA(MLAOp op, Value x) {
  MLAAttr c = op.getConfig();
  StringRef scope = op.getScope();
  int64_t heads = c.getNumAttentionHeads();
  int64_t nope = c.getQkNopeHeadDim(), ropeDim = c.getQkRopeHeadDim(),
          vDim = c.getVHeadDim(), qkDim = nope + ropeDim;
  int64_t hidden = cast<RankedTensorType>(x.getType()).getDimSize(1);
  double eps = model.getRmsNormEps().convertToDouble();

  // Queries: through the low-rank latent when q_lora_rank > 0.
  Value q;
  if (c.getQLoraRank() > 0) {
    Value latent =
        linear(x, name(scope, "q_a_proj.weight"), c.getQLoraRank(), bf16());
    latent = rmsNorm(latent, name(scope, "q_a_layernorm.weight"), eps);
    q = linear(latent, name(scope, "q_b_proj.weight"), heads * qkDim, bf16());
  } else {
    q = linear(x, name(scope, "q_proj.weight"), heads * qkDim, bf16());
  }
  // RoPE on each head's decoupled channels (the last qk_rope_head_dim).
  q = tag(KRopeOp::create(builder, loc(), q.getType(), q, heads, qkDim, ropeDim,
                          seqLen, c.getRope()))
          .getOutput();

  // Keys and values: a compressed latent plus one shared k_pe.
  Value compressed = linear(x, name(scope, "kv_a_proj_with_mqa.weight"),
                            c.getKvLoraRank() + ropeDim, bf16());
  SmallVector<Value> kv;
  split(compressed, 1, {c.getKvLoraRank(), ropeDim}, kv);
  Value latent = rmsNorm(kv[0], name(scope, "kv_a_layernorm.weight"), eps);
  Value kPe = tag(KRopeOp::create(builder, loc(), kv[1].getType(), kv[1], 1,
                                  ropeDim, ropeDim, seqLen, c.getRope()))
                  .getOutput();
  Value expanded = linear(latent, name(scope, "kv_b_proj.weight"),
                          heads * (nope + vDim), bf16());
  SmallVector<Value> kNopeV;
  split(expanded, heads, {nope, vDim}, kNopeV);
  Value k =
      tag(KConcatOp::create(builder, loc(), rowsType(heads * qkDim, bf16()),
                            ValueRange{kNopeV[0], kPe}, heads,
                            ArrayRef<int64_t>{nope, ropeDim}))
          .getOutput();
  auto attention = tag(KAttentionOp::create(
      builder, loc(), rowsType(heads * vDim, bf16()),
      RankedTensorType::get({ShapedType::kDynamic, heads}, f32()), q, k,
      kNopeV[1], heads, seqLen, c.getSoftmaxScale()));
  return linear(attention.getOutput(), name(scope, "o_proj.weight"), hidden,
                bf16());
}

Value ForwardLowering::lowerMoE(MoEOp op, Value x) {
  MoEAttr c = op.getConfig();
  StringRef scope = op.getScope();
  int64_t experts = c.getNRoutedExperts(), chosen = c.getNumExpertsPerTok();
  int64_t hidden = cast<RankedTensorType>(x.getType()).getDimSize(1);
  Value logits = linear(x, name(scope, "gate.weight"), experts, f32());
  FlatSymbolRefAttr bias;
  if (c.getBiasBalancing())
    bias = symbol(name(scope, "gate.e_score_correction_bias"));
  auto route = tag(KRouteOp::create(
      builder, loc(),
      RankedTensorType::get({ShapedType::kDynamic, chosen},
                            builder.getI32Type()),
      RankedTensorType::get({ShapedType::kDynamic, chosen}, f32()),
      RankedTensorType::get({experts}, f32()), logits, bias, c));
  // DeepSeek-V3's complementary sequence-wise balance loss (§2.1.2), on the
  // experts the route chose; none at all when aux_loss_alpha is 0.
  if (double alpha = c.getAuxLossAlpha().convertToDouble(); alpha > 0)
    balanceLosses.push_back(
        tag(KBalanceLossOp::create(
                builder, loc(), RankedTensorType::get({}, f32()), logits,
                route.getExperts(), builder.getI64IntegerAttr(seqLen),
                builder.getF64FloatAttr(alpha * lossShare), c))
            .getLoss());
  auto dispatch = tag(KDispatchOp::create(
      builder, loc(), x.getType(),
      RankedTensorType::get({experts + 1}, builder.getI32Type()), x,
      route.getExperts(), experts));
  std::string prefix = name(scope, "experts.{e}");
  int64_t width = c.getMoeIntermediateSize();
  // The shared experts need no routing: between the dispatch and the routed
  // experts, they compute while an expert-parallel dispatch is in flight
  // (DeepSeek-V3 overlaps them with the all-to-all).
  Value shared;
  if (c.getNSharedExperts() > 0)
    shared =
        swiglu(x, name(scope, "shared_experts"), c.getNSharedExperts() * width);
  auto grouped = [&](Value in, StringRef suffix, int64_t out) {
    std::string weight = name(prefix, suffix);
    return tag(KGroupedLinearOp::create(builder, loc(), rowsType(out, bf16()),
                                        in, dispatch.getOffsets(), weight,
                                        isFP8(weight),
                                        /*quantized_input=*/false))
        .getOutput();
  };
  Value gate = grouped(dispatch.getRows(), "gate_proj.weight", width);
  Value up = grouped(dispatch.getRows(), "up_proj.weight", width);
  Value act = tag(KSwiGLUOp::create(builder, loc(), gate, up)).getOutput();
  Value down = grouped(act, "down_proj.weight", hidden);
  Value routed = tag(KCombineOp::create(builder, loc(), x.getType(), down,
                                        route.getExperts(), route.getWeights()))
                     .getOutput();
  if (!shared)
    return routed;
  return tag(KAddOp::create(builder, loc(), routed, shared)).getOutput();
}

LogicalResult ForwardLowering::lowerBody(Block &body) {
  for (Operation &op : body)
    if (failed(lowerOp(op)))
      return failure();
  return success();
}

LogicalResult ForwardLowering::lowerOp(Operation &op) {
  current = &op;
  auto rowsOf = [&](Value value) { return rows.lookup(value); };
  auto bind = [&](Value modelValue, Value kernelValue) {
    rows.map(modelValue, kernelValue);
    return success();
  };
  auto width = [&](Value modelValue) { return activationWidth(modelValue); };

  if (isa<ParameterOp>(op))
    return success();
  if (auto embedding = dyn_cast<EmbeddingOp>(op))
    return bind(
        embedding.getOutput(),
        tag(KEmbeddingOp::create(
                builder, loc(), rowsType(width(embedding.getOutput()), bf16()),
                ids, symbol(name(embedding.getScope(), "weight"))))
            .getOutput());
  if (auto block = dyn_cast<BlockOp>(op)) {
    Block &body = block.getBody().front();
    rows.map(body.getArgument(0), rowsOf(block.getInput()));
    if (failed(lowerBody(body)))
      return failure();
    current = &op;
    auto yield = cast<YieldOp>(body.getTerminator());
    return bind(block.getOutput(), rowsOf(yield.getOperand(0)));
  }
  if (auto norm = dyn_cast<RMSNormOp>(op))
    return bind(norm.getOutput(), rmsNorm(rowsOf(norm.getInput()),
                                          name(norm.getScope(), "weight"),
                                          norm.getEffectiveEps()));
  if (auto mla = dyn_cast<MLAOp>(op))
    return bind(mla.getOutput(), lowerMLA(mla, rowsOf(mla.getInput())));
  if (auto mlp = dyn_cast<MLPOp>(op))
    return bind(mlp.getOutput(), swiglu(rowsOf(mlp.getInput()), mlp.getScope(),
                                        mlp.getIntermediateSize()));
  if (auto moe = dyn_cast<MoEOp>(op))
    return bind(moe.getOutput(), lowerMoE(moe, rowsOf(moe.getInput())));
  if (auto add = dyn_cast<AddOp>(op))
    return bind(add.getOutput(),
                tag(KAddOp::create(builder, loc(), rowsOf(add.getLhs()),
                                   rowsOf(add.getRhs())))
                    .getOutput());
  if (auto mtp = dyn_cast<MTPOp>(op)) {
    // Depth k reads the embeddings of the ids k positions ahead.
    int64_t depth = mtp.getDepth();
    double eps = model.getRmsNormEps().convertToDouble();
    int64_t hidden = width(mtp.getHidden());
    Value shifted = tag(KShiftOp::create(builder, loc(), ids, depth, seqLen,
                                         /*fill=*/0))
                        .getOutput();
    auto embedding = *model.getBody().getOps<EmbeddingOp>().begin();
    Value embedded = tag(KEmbeddingOp::create(
                             builder, loc(), rowsType(hidden, bf16()), shifted,
                             symbol(name(embedding.getScope(), "weight"))))
                         .getOutput();
    Value e = rmsNorm(embedded, name(mtp.getScope(), "enorm.weight"), eps);
    Value h = rmsNorm(rowsOf(mtp.getHidden()),
                      name(mtp.getScope(), "hnorm.weight"), eps);
    Value joined =
        tag(KConcatOp::create(builder, loc(), rowsType(2 * hidden, bf16()),
                              ValueRange{e, h}, 1,
                              ArrayRef<int64_t>{hidden, hidden}))
            .getOutput();
    Value projected =
        linear(joined, name(mtp.getScope(), "eh_proj.weight"), hidden, bf16());
    BlockOp block = mtp.getBlock();
    rows.map(block.getInput(), projected);
    if (failed(lowerOp(*block)))
      return failure();
    current = &op;
    return bind(mtp.getOutput(), rowsOf(block.getOutput()));
  }
  if (auto head = dyn_cast<LMHeadOp>(op)) {
    Value logits =
        linear(rowsOf(head.getInput()), name(head.getScope(), "weight"),
               width(head.getLogits()), f32());
    return bind(head.getLogits(), logits);
  }
  if (auto ce = dyn_cast<CrossEntropyOp>(op)) {
    auto scalar = RankedTensorType::get({}, f32());
    auto crossEntropy = [&](Value logits, Value targets, double weight) {
      return tag(KCrossEntropyOp::create(builder, loc(), scalar, logits,
                                         targets,
                                         builder.getF64FloatAttr(weight)))
          .getLoss();
    };
    loss = crossEntropy(rowsOf(ce.getLogits()), labels, lossShare);
    int64_t depths = ce.getMtpLogits().size();
    double lambda =
        ce.getMtpWeight() ? ce.getMtpWeight()->convertToDouble() : 0;
    for (auto [k, logits] : llvm::enumerate(ce.getMtpLogits())) {
      Value targets = tag(KShiftOp::create(builder, loc(), labels, k + 1,
                                           seqLen, /*fill=*/-100))
                          .getOutput();
      Value mtpLoss =
          crossEntropy(rowsOf(logits), targets, lossShare * lambda / depths);
      loss = tag(KAddOp::create(builder, loc(), loss, mtpLoss)).getOutput();
    }
    for (Value balance : balanceLosses)
      loss = tag(KAddOp::create(builder, loc(), loss, balance)).getOutput();
    return success();
  }
  if (isa<YieldOp>(op))
    return success();
  return op.emitOpError("has no kernel-level lowering");
}

FailureOr<Value> ForwardLowering::lower(Value idsArg, Value labelsArg) {
  ids = idsArg;
  labels = labelsArg;
  for (Operation &op : model.getBody().front()) {
    std::optional<ModelPart> part = modelPartOf(&op);
    if (!part)
      continue;
    for (auto [s, candidate] : llvm::enumerate(layout.stages))
      if (candidate.holds(*part))
        stage = s;
    if (failed(lowerOp(op)))
      return failure();
  }
  if (!loss)
    return model.emitOpError("has no dsc.cross_entropy to lower");
  return loss;
}

namespace {
struct LowerToKernelsPass
    : public dsc::impl::DscLowerToKernelsBase<LowerToKernelsPass> {
  using DscLowerToKernelsBase::DscLowerToKernelsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<SmallVector<RunOp>> runs =
        selectRuns(module, runName, "dsc-lower-to-kernels");
    if (failed(runs))
      return signalPassFailure();
    if (runs->size() != 1) {
      module.emitError("dsc-lower-to-kernels: several dsc.run ops; name one "
                       "with run=NAME");
      return signalPassFailure();
    }
    RunOp run = runs->front();
    SymbolTableCollection symbols;
    if (failed(mlir::verify(run)) || failed(run.verifySymbolUses(symbols)))
      return signalPassFailure();
    FailureOr<ResolvedRun> resolved = resolveRun(run);
    if (failed(resolved))
      return signalPassFailure();
    const ResolvedRun &setup = *resolved;

    OpBuilder builder(run->getContext());
    builder.setInsertionPointAfter(run);
    auto tokens =
        RankedTensorType::get({ShapedType::kDynamic}, builder.getI32Type());
    auto scalar = RankedTensorType::get({}, builder.getF32Type());
    auto func = func::FuncOp::create(
        builder, run.getLoc(), (run.getSymName() + "_forward").str(),
        builder.getFunctionType({tokens, tokens}, {scalar}));
    Block *entry = func.addEntryBlock();
    builder.setInsertionPointToStart(entry);
    ForwardLowering lowering(setup, builder);
    FailureOr<Value> loss =
        lowering.lower(entry->getArgument(0), entry->getArgument(1));
    if (failed(loss))
      return signalPassFailure();
    func::ReturnOp::create(builder, run.getLoc(), *loss);
    if (failed(mlir::verify(func)))
      return signalPassFailure();
  }
};
} // namespace
