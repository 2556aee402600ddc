//===- KernelInstructions.cpp - kernel ops as plan instructions -----------===//
//
// One `dsc.k.*` op of a fragment as one plan instruction: its opcode, its
// buffers and its attributes (RoPE and YaRN, routing, FP8 tiles and scale
// formats); and the per-head views [rows, heads, d] the kernels need.
//
//===----------------------------------------------------------------------===//

#include "PlanEmitterImpl.h"

using namespace dsc;
using namespace dsc::target;

void PlanEmitter::collectViews(Operation *op) {
  if (auto rope = dyn_cast<KRopeOp>(op)) {
    view(rope.getInput(), rope.getHeads());
    view(rope.getOutput(), rope.getHeads());
  } else if (auto grad = dyn_cast<KRopeGradOp>(op)) {
    view(grad.getGrad(), grad.getHeads());
    view(grad.getInputGrad(), grad.getHeads());
  } else if (auto attention = dyn_cast<KAttentionOp>(op)) {
    for (Value value : {attention.getQ(), attention.getK(), attention.getV(),
                        attention.getOutput()})
      view(value, attention.getHeads());
  } else if (auto grad = dyn_cast<KAttentionGradOp>(op)) {
    for (Value value : op->getOperands())
      view(value, grad.getHeads());
    for (Value value : op->getResults())
      view(value, grad.getHeads());
  } else if (isa<KConcatOp, KSplitOp, KConcatGradOp>(op)) {
    int64_t heads = op->getAttrOfType<IntegerAttr>("heads").getInt();
    ArrayRef<int64_t> dims =
        op->getAttrOfType<DenseI64ArrayAttr>("head_dims").asArrayRef();
    // The whole value has `heads` heads; a part has one head of d_i when
    // it is broadcast (its width is d_i).
    Value whole = isa<KConcatOp>(op) ? op->getResult(0) : op->getOperand(0);
    view(whole, heads);
    ValueRange parts = isa<KConcatOp>(op) ? ValueRange(op->getOperands())
                                          : ValueRange(op->getResults());
    for (auto [part, dim] : llvm::zip(parts, dims)) {
      int64_t width = cast<RankedTensorType>(part.getType()).getDimSize(1);
      view(part, width == dim ? 1 : heads);
    }
  }
}

LogicalResult PlanEmitter::emitOp(Operation *op, pl::Program &program) {
  pl::Instruction inst;
  auto ids = [&](ValueRange values) -> Ids {
    Ids out;
    for (Value value : values)
      out.push_back(valueBuffers.lookup(value));
    return out;
  };
  auto intAttr = [&](pl::AttrKey key, int64_t value) {
    inst.intAttrs.push_back({key, value});
  };
  auto floatAttr = [&](pl::AttrKey key, double value) {
    inst.floatAttrs.push_back({key, value});
  };
  auto ropeAttrs = [&](int64_t seq, int64_t ropeDim, RopeAttr rope) {
    intAttr(pl::AttrKey::seq, seq);
    intAttr(pl::AttrKey::rope_dim, ropeDim);
    floatAttr(pl::AttrKey::theta, rope.getTheta().convertToDouble());
    if (YarnAttr yarn = rope.getYarn()) {
      floatAttr(pl::AttrKey::yarn_factor, yarn.getFactor().convertToDouble());
      intAttr(pl::AttrKey::original_max_position_embeddings,
              yarn.getOriginalMaxPositionEmbeddings());
      floatAttr(pl::AttrKey::beta_fast, yarn.getBetaFast().convertToDouble());
      floatAttr(pl::AttrKey::beta_slow, yarn.getBetaSlow().convertToDouble());
      floatAttr(pl::AttrKey::mscale, yarn.getMscale().convertToDouble());
      floatAttr(pl::AttrKey::mscale_all_dim,
                yarn.getMscaleAllDim().convertToDouble());
    }
  };
  auto scoring = [&](MoEAttr moe) {
    intAttr(pl::AttrKey::scoring,
            moe.getScoringFunc() == ScoringFunc::sigmoid ? 1 : 0);
  };
  auto balanceAttrs = [&](int64_t seq, APFloat weight, MoEAttr moe) {
    intAttr(pl::AttrKey::seq, seq);
    scoring(moe);
    floatAttr(pl::AttrKey::weight, weight.convertToDouble());
  };
  auto routeAttrs = [&](MoEAttr moe, bool selection) {
    intAttr(pl::AttrKey::k, moe.getNumExpertsPerTok());
    scoring(moe);
    intAttr(pl::AttrKey::norm_topk_prob, moe.getNormTopkProb());
    floatAttr(pl::AttrKey::routed_scaling_factor,
              moe.getRoutedScalingFactor().convertToDouble());
    if (!selection)
      return;
    intAttr(pl::AttrKey::topk_method,
            static_cast<int64_t>(moe.getTopkMethod()));
    intAttr(pl::AttrKey::n_group, moe.getNGroup());
    intAttr(pl::AttrKey::topk_group, moe.getTopkGroup());
  };
  std::optional<FP8RecipeAttr> recipe = model.getFp8();
  auto fp8Attrs = [&](int64_t tile, int64_t block, bool wgrad = false) {
    // The weight-gradient GEMM has the recipe's own tiles (tile x 1 along
    // the tokens) and scale rounding; scale_format defaults to FP32.
    std::optional<ScaleFormat> scale;
    if (recipe && wgrad) {
      tile = recipe->getWgradTile()[0];
      scale = recipe->getWgradScale();
    } else if (recipe) {
      scale = recipe->getScale();
    }
    intAttr(pl::AttrKey::tile, tile);
    intAttr(pl::AttrKey::block, block);
    if (scale == ScaleFormat::ue8m0)
      intAttr(pl::AttrKey::scale_format, 1);
  };
  int64_t tile =
      recipe ? recipe->getActTileWidth() : FP8RecipeAttr::kDeepSeekV3Tile;
  int64_t block =
      recipe ? recipe->getWeightBlock()[0] : FP8RecipeAttr::kDeepSeekV3Tile;

  if (auto op2 = dyn_cast<KEmbeddingOp>(op)) {
    inst.op = pl::Opcode::embedding_fwd;
    inst.inputs = {valueBuffers.lookup(op2.getIds()),
                   parameterBuffer(op2.getWeightAttr())};
  } else if (auto op2 = dyn_cast<KShiftOp>(op)) {
    inst.op = pl::Opcode::shift;
    inst.inputs = ids(op2.getInput());
    intAttr(pl::AttrKey::seq, op2.getSeqLen());
    intAttr(pl::AttrKey::offset, op2.getOffset());
    intAttr(pl::AttrKey::fill_id, op2.getFill());
  } else if (auto op2 = dyn_cast<KRMSNormOp>(op)) {
    inst.op = pl::Opcode::rms_norm_fwd;
    inst.inputs = {valueBuffers.lookup(op2.getInput()),
                   parameterBuffer(op2.getWeightAttr())};
    floatAttr(pl::AttrKey::eps, op2.getEps().convertToDouble());
  } else if (auto op2 = dyn_cast<KLinearOp>(op)) {
    inst.op = pl::Opcode::linear_fwd;
    inst.inputs = {valueBuffers.lookup(op2.getInput()),
                   parameterBuffer(op2.getWeightAttr())};
  } else if (auto op2 = dyn_cast<KFP8LinearOp>(op)) {
    inst.op = pl::Opcode::fp8_linear_fwd;
    inst.inputs = {valueBuffers.lookup(op2.getInput()),
                   parameterBuffer(op2.getWeightAttr())};
    fp8Attrs(op2.getActTile(), op2.getWeightBlock());
  } else if (auto op2 = dyn_cast<KRopeOp>(op)) {
    inst.op = pl::Opcode::rope_fwd;
    inst.inputs = ids(op2.getInput());
    ropeAttrs(op2.getSeqLen(), op2.getRopeDim(), op2.getRope());
  } else if (auto op2 = dyn_cast<KAttentionOp>(op)) {
    inst.op = pl::Opcode::attention_fwd;
    inst.inputs = ids({op2.getQ(), op2.getK(), op2.getV()});
    intAttr(pl::AttrKey::seq, op2.getSeqLen());
    floatAttr(pl::AttrKey::scale, op2.getScale().convertToDouble());
  } else if (auto op2 = dyn_cast<KSwiGLUOp>(op)) {
    inst.op = pl::Opcode::swiglu_fwd;
    inst.inputs = ids({op2.getGate(), op2.getUp()});
  } else if (auto op2 = dyn_cast<KAddOp>(op)) {
    inst.op = pl::Opcode::add;
    inst.inputs = ids({op2.getLhs(), op2.getRhs()});
  } else if (auto op2 = dyn_cast<KConcatOp>(op)) {
    inst.op = pl::Opcode::concat;
    inst.inputs = ids(op2.getInputs());
  } else if (auto op2 = dyn_cast<KSplitOp>(op)) {
    inst.op = pl::Opcode::split;
    inst.inputs = ids(op2.getInput());
  } else if (auto op2 = dyn_cast<KRouteOp>(op)) {
    inst.op = pl::Opcode::route_fwd;
    inst.inputs = ids(op2.getLogits());
    if (std::optional<StringRef> bias = op2.getBias()) {
      inst.inputs.push_back(parameterBuffers.lookup(*bias));
      biasUpdates.push_back({valueBuffers.lookup(op2.getLoads()), bias->str()});
    }
    routeAttrs(op2.getConfig(), /*selection=*/true);
  } else if (auto op2 = dyn_cast<KBalanceLossOp>(op)) {
    inst.op = pl::Opcode::balance_loss_fwd;
    inst.inputs = ids({op2.getLogits(), op2.getExperts()});
    balanceAttrs(op2.getSeqLen(), op2.getWeight(), op2.getConfig());
  } else if (auto op2 = dyn_cast<KDispatchOp>(op)) {
    inst.op = pl::Opcode::dispatch_fwd;
    inst.inputs = ids({op2.getInput(), op2.getExperts()});
  } else if (auto op2 = dyn_cast<KGroupedLinearOp>(op)) {
    inst.op = op2.getFp8() ? pl::Opcode::fp8_grouped_linear_fwd
                           : pl::Opcode::grouped_linear_fwd;
    inst.inputs = {valueBuffers.lookup(op2.getRows()),
                   valueBuffers.lookup(op2.getOffsets()),
                   parameterBuffer(op2.getWeightAttr())};
    if (op2.getFp8())
      fp8Attrs(tile, block);
    if (op2.getQuantizedInput())
      intAttr(pl::AttrKey::quantized_input, 1);
  } else if (auto op2 = dyn_cast<KQuantizeRowsOp>(op)) {
    // The scales' dtype (f32 or ue8m0) says how they are rounded.
    inst.op = pl::Opcode::quantize_fp8;
    inst.inputs = ids(op2.getInput());
    intAttr(pl::AttrKey::tile, op2.getTile());
  } else if (auto op2 = dyn_cast<KDequantizeRowsOp>(op)) {
    inst.op = pl::Opcode::dequantize_fp8;
    inst.inputs = ids({op2.getQuantized(), op2.getScales()});
    intAttr(pl::AttrKey::tile, op2.getTile());
  } else if (auto op2 = dyn_cast<KCombineOp>(op)) {
    inst.op = pl::Opcode::combine_fwd;
    inst.inputs = ids({op2.getRows(), op2.getWeights(), op2.getExperts()});
  } else if (auto op2 = dyn_cast<KSlotRouteOp>(op)) {
    inst.op = pl::Opcode::slot_route;
    inst.inputs = {valueBuffers.lookup(op2.getExperts()),
                   slotCandidates(op2.getPlacement())};
  } else if (isa<KSlotCountsOp>(op)) {
    inst.op = pl::Opcode::slot_counts;
    inst.inputs = ids(op->getOperands());
  } else if (isa<KAllToAllOp, KAllToAllVOp>(op)) {
    // Over the rank's ep group, on the comm stream; all_to_all_v's `like`
    // only sized its result.
    bool counted = isa<KAllToAllVOp>(op);
    if (counted && cast<KAllToAllVOp>(op).getFp8Tile())
      return op->emitOpError("dsc compile: an FP8 exchange must be spelled "
                             "out first; run dsc-fp8-dispatch");
    inst.op = counted ? pl::Opcode::all_to_all_v : pl::Opcode::all_to_all;
    inst.inputs = ids(op->getOperands().take_front(counted ? 2 : 1));
    inst.comm = pl::CommSpec{expertGroup(), -1, 0};
    inst.stream = pl::Stream::comm;
  } else if (isa<KSlotPermuteOp, KSlotUnpermuteOp>(op)) {
    inst.op = isa<KSlotPermuteOp>(op) ? pl::Opcode::slot_permute
                                      : pl::Opcode::slot_unpermute;
    inst.inputs = ids(op->getOperands());
  } else if (auto op2 = dyn_cast<KCrossEntropyOp>(op)) {
    inst.op = pl::Opcode::cross_entropy_fwd;
    inst.inputs = ids({op2.getLogits(), op2.getLabels()});
    floatAttr(pl::AttrKey::weight, op2.getWeight().convertToDouble());
  } else if (auto op2 = dyn_cast<KFillOp>(op)) {
    // The loss gradient's seed is implicit in the losses' backwards.
    if (llvm::all_of(op->getUsers(), [](Operation *user) {
          return isa<KCrossEntropyGradOp, KBalanceLossGradOp>(user);
        }))
      return success();
    inst.op = pl::Opcode::fill;
    floatAttr(pl::AttrKey::value, op2.getValue().convertToDouble());
  } else if (auto op2 = dyn_cast<KEmbeddingGradOp>(op)) {
    inst.op = pl::Opcode::embedding_bwd;
    inst.inputs = ids({op2.getIds(), op2.getGrad()});
    inst.outputs = {gradientBuffer(op2.getWeightAttr())};
  } else if (auto op2 = dyn_cast<KRMSNormGradOp>(op)) {
    inst.op = pl::Opcode::rms_norm_bwd;
    inst.inputs = {valueBuffers.lookup(op2.getGrad()),
                   valueBuffers.lookup(op2.getInput()),
                   parameterBuffer(op2.getWeightAttr()),
                   valueBuffers.lookup(op2.getRstd())};
    inst.outputs = {valueBuffers.lookup(op2.getInputGrad()),
                    gradientBuffer(op2.getWeightAttr())};
  } else if (auto op2 = dyn_cast<KLinearGradInputOp>(op)) {
    inst.op = op2.getFp8() ? pl::Opcode::fp8_linear_bwd_input
                           : pl::Opcode::linear_bwd_input;
    inst.inputs = {valueBuffers.lookup(op2.getGrad()),
                   parameterBuffer(op2.getWeightAttr())};
    if (op2.getFp8())
      fp8Attrs(tile, block);
  } else if (auto op2 = dyn_cast<KLinearGradWeightOp>(op)) {
    inst.op = op2.getFp8() ? pl::Opcode::fp8_linear_bwd_weight
                           : pl::Opcode::linear_bwd_weight;
    inst.inputs = ids({op2.getGrad(), op2.getInput()});
    inst.outputs = {gradientBuffer(op2.getWeightAttr())};
    if (op2.getFp8())
      fp8Attrs(tile, block, /*wgrad=*/true);
  } else if (auto op2 = dyn_cast<KRopeGradOp>(op)) {
    inst.op = pl::Opcode::rope_bwd;
    inst.inputs = ids(op2.getGrad());
    ropeAttrs(op2.getSeqLen(), op2.getRopeDim(), op2.getRope());
  } else if (auto op2 = dyn_cast<KAttentionGradOp>(op)) {
    inst.op = pl::Opcode::attention_bwd;
    inst.inputs = ids(op->getOperands());
    intAttr(pl::AttrKey::seq, op2.getSeqLen());
    floatAttr(pl::AttrKey::scale, op2.getScale().convertToDouble());
  } else if (auto op2 = dyn_cast<KSwiGLUGradOp>(op)) {
    inst.op = pl::Opcode::swiglu_bwd;
    inst.inputs = ids(op->getOperands());
  } else if (auto op2 = dyn_cast<KConcatGradOp>(op)) {
    inst.op = pl::Opcode::concat_bwd;
    inst.inputs = ids(op2.getGrad());
  } else if (auto op2 = dyn_cast<KRouteGradOp>(op)) {
    inst.op = pl::Opcode::route_bwd;
    inst.inputs = ids({op2.getGrad(), op2.getLogits(), op2.getExperts()});
    routeAttrs(op2.getConfig(), /*selection=*/false);
  } else if (auto op2 = dyn_cast<KBalanceLossGradOp>(op)) {
    inst.op = pl::Opcode::balance_loss_bwd;
    inst.inputs = ids({op2.getLogits(), op2.getExperts()});
    balanceAttrs(op2.getSeqLen(), op2.getWeight(), op2.getConfig());
  } else if (auto op2 = dyn_cast<KDispatchGradOp>(op)) {
    inst.op = pl::Opcode::dispatch_bwd;
    inst.inputs = ids({op2.getGrad(), op2.getExperts()});
  } else if (auto op2 = dyn_cast<KGroupedLinearGradInputOp>(op)) {
    inst.op = op2.getFp8() ? pl::Opcode::fp8_grouped_linear_bwd_input
                           : pl::Opcode::grouped_linear_bwd_input;
    inst.inputs = {valueBuffers.lookup(op2.getGrad()),
                   valueBuffers.lookup(op2.getOffsets()),
                   parameterBuffer(op2.getWeightAttr())};
    if (op2.getFp8())
      fp8Attrs(tile, block);
  } else if (auto op2 = dyn_cast<KGroupedLinearGradWeightOp>(op)) {
    inst.op = op2.getFp8() ? pl::Opcode::fp8_grouped_linear_bwd_weight
                           : pl::Opcode::grouped_linear_bwd_weight;
    inst.inputs = ids({op2.getGrad(), op2.getRows(), op2.getOffsets()});
    inst.outputs = {gradientBuffer(op2.getWeightAttr())};
    if (op2.getFp8())
      fp8Attrs(tile, block, /*wgrad=*/true);
  } else if (auto op2 = dyn_cast<KCombineGradOp>(op)) {
    inst.op = pl::Opcode::combine_bwd;
    inst.inputs =
        ids({op2.getGrad(), op2.getRows(), op2.getWeights(), op2.getExperts()});
  } else if (auto op2 = dyn_cast<KCrossEntropyGradOp>(op)) {
    inst.op = pl::Opcode::cross_entropy_bwd;
    inst.inputs = ids({op2.getLogits(), op2.getLabels()});
    floatAttr(pl::AttrKey::weight, op2.getWeight().convertToDouble());
  } else {
    return op->emitOpError("dsc compile: no plan opcode for this op");
  }
  if (inst.outputs.empty())
    inst.outputs = ids(op->getResults());
  program.instructions.push_back(std::move(inst));
  return success();
}
