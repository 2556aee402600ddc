//===- PlanEmitter.cpp - a memory-planned training program as a plan ------===//
//
// One rank's programs (replicated over data-parallel ranks by
// DataParallel.cpp): parameters, their gradients and AdamW states (and FP32
// master weights where parameters are stored in BF16), the
// inputs, persistent accumulators (losses, expert loads) and every other
// tensor at its dsc-plan-memory offset; the forward program (up to the loss
// gradient's seed), the backward program and the optimizer program, which
// also zeroes the accumulators for the next step. Tensors a kernel needs
// per head ([T, heads, d]) get that shape; others are [rows, width].
//
//===----------------------------------------------------------------------===//

#include "dsc/Target/PlanEmitter.h"
#include "dsc/Run/ResolvedRun.h"
#include "dsc/Target/DataParallel.h"

using namespace mlir;
using namespace dsc;
namespace pl = dsc::plan;

namespace {
class PlanEmitter {
public:
  PlanEmitter(const ResolvedRun &setup, func::FuncOp train,
              const PlanOptions &options)
      : run(setup.run), train(train), options(options), setup(setup),
        model(setup.model) {}

  FailureOr<pl::Plan> emit();

private:
  using Ids = std::vector<uint32_t>;

  LogicalResult addParameters();
  uint32_t buffer(pl::Buffer buffer) {
    rank.buffers.push_back(std::move(buffer));
    return rank.buffers.size() - 1;
  }
  /// The plan dtype of a tensor's elements: FP32 for every float with
  /// `f32` storage, else the IR's BF16 / F16 / F32. FP8 weights are kept in
  /// BF16: the CPU's FP8 linears quantize them on the fly.
  pl::DType dtypeOf(Type element) const {
    if (element.isInteger(32))
      return pl::DType::i32;
    if (element.isInteger(64))
      return pl::DType::i64;
    if (f32Storage || element.isF32())
      return pl::DType::f32;
    return element.isF16() ? pl::DType::f16 : pl::DType::bf16;
  }
  /// Gives `value` a per-head view [rows, heads, width / heads] when a
  /// kernel needs one; the first view asked for wins.
  void view(Value value, int64_t heads) { headViews.try_emplace(value, heads); }
  void collectViews(Operation *op);
  uint32_t parameterBuffer(FlatSymbolRefAttr weight) {
    return parameterBuffers.lookup(weight.getValue());
  }
  uint32_t gradientBuffer(FlatSymbolRefAttr weight) {
    return gradientBuffers.lookup(weight.getValue());
  }
  LogicalResult emitOp(Operation *op, pl::Program &program);

  RunOp run;
  func::FuncOp train;
  const PlanOptions &options;
  const ResolvedRun &setup;
  ModelOp model;
  /// dsc-plan-memory sized floating tensors as FP32 (`dsc.storage`): then
  /// every floating buffer is FP32, the AdamW moments included.
  bool f32Storage = true;
  pl::Plan plan;
  pl::Rank rank;
  llvm::StringMap<uint32_t> parameterBuffers, gradientBuffers;
  llvm::StringMap<std::pair<uint32_t, uint32_t>> moments;
  /// FP32 master copies of the parameters stored in BF16 / F16.
  llvm::StringMap<uint32_t> masters;
  DenseMap<Value, int64_t> headViews;
  DenseMap<Value, uint32_t> valueBuffers;
  /// Accumulators the optimizer program zeroes after the step.
  Ids accumulators;
  /// (loads buffer, bias parameter) of every biased router.
  std::vector<std::pair<uint32_t, std::string>> biasUpdates;
};
} // namespace

LogicalResult PlanEmitter::addParameters() {
  for (ParameterOp parameter : model.getBody().getOps<ParameterOp>()) {
    auto type = cast<RankedTensorType>(parameter.getType());
    pl::Parameter entry;
    entry.name = parameter.getSymName().str();
    // Checkpoints in other dtypes convert when they are loaded. FP8 block
    // scales are only read by GPU kernels, which are not planned yet.
    bool scales = StringRef(entry.name).ends_with("_scale_inv");
    entry.dtype = scales ? pl::DType::f32 : dtypeOf(type.getElementType());
    entry.shape.assign(type.getShape().begin(), type.getShape().end());
    entry.ranks = {0};
    // Stacked routed experts stand for one checkpoint tensor per expert
    // (HuggingFace's names); one rank holds them all.
    if (parameter.isStackedExperts()) {
      auto experts = static_cast<int32_t>(type.getDimSize(0));
      entry.experts = pl::ExpertSlice{0, experts, experts};
    }
    // The routing bias moves by DeepSeek-V3's balancing rule, not AdamW;
    // FP8 block scales are not learned (the CPU's FP8 linears quantize the
    // FP32 weights on the fly and never read them).
    entry.trainable =
        !StringRef(entry.name).ends_with("e_score_correction_bias") && !scales;
    int32_t index = plan.parameters.size();
    plan.parameters.push_back(entry);

    pl::Buffer weights;
    weights.name = entry.name;
    weights.role = pl::BufferRole::parameter;
    weights.dtype = entry.dtype;
    weights.shape = entry.shape;
    weights.parameter = index;
    parameterBuffers[entry.name] = buffer(weights);
    if (!entry.trainable)
      continue;
    // DeepSeek-V3's recipe: FP32 gradients and master weights beside
    // lower-precision parameters; BF16 or FP32 moments as the run says,
    // except that FP32 storage keeps every floating buffer in FP32.
    pl::Buffer gradient = weights;
    gradient.name = entry.name + ".grad";
    gradient.role = pl::BufferRole::gradient;
    gradient.dtype = pl::DType::f32;
    uint32_t gradientId = buffer(gradient);
    gradientBuffers[entry.name] = gradientId;
    accumulators.push_back(gradientId);
    pl::Buffer state = weights;
    state.role = pl::BufferRole::optimizer_state;
    state.dtype = !f32Storage && run.getMoments() == MomentType::bf16
                      ? pl::DType::bf16
                      : pl::DType::f32;
    state.name = entry.name + ".exp_avg";
    state.state = pl::OptimizerState::exp_avg;
    uint32_t m = buffer(state);
    state.name = entry.name + ".exp_avg_sq";
    state.state = pl::OptimizerState::exp_avg_sq;
    moments[entry.name] = {m, buffer(state)};
    if (entry.dtype == pl::DType::f32)
      continue;
    state.name = entry.name + ".master_weight";
    state.state = pl::OptimizerState::master_weight;
    state.dtype = pl::DType::f32;
    masters[entry.name] = buffer(state);
  }
  return success();
}

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
  } else if (auto op2 = dyn_cast<KCombineOp>(op)) {
    inst.op = pl::Opcode::combine_fwd;
    inst.inputs = ids({op2.getRows(), op2.getWeights(), op2.getExperts()});
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

FailureOr<pl::Plan> PlanEmitter::emit() {
  // Data parallelism replicates the one-rank plan; pipeline stages, expert
  // shards and ZeRO's optimizer shards need per-rank programs not written
  // yet.
  if (setup.pp() != 1 || setup.ep() != 1 ||
      (setup.dp() > 1 && run.getZero() != 0))
    return run.emitError("dsc compile: this version writes data-parallel "
                         "plans (pp 1, ep 1, zero 0), got pp ")
           << setup.pp() << ", ep " << setup.ep() << " and zero "
           << run.getZero()
           << "; pipeline, expert and ZeRO sharding come with the "
              "multi-rank executor";
  auto arenas = train->getAttrOfType<DenseI64ArrayAttr>("dsc.arena_bytes");
  auto storage = train->getAttrOfType<StringAttr>("dsc.storage");
  if (!arenas || arenas.size() != 1 || !storage)
    return train.emitError("dsc compile: run dsc-plan-memory first");
  f32Storage = storage.getValue() == "f32";

  plan.producer = "dsc compile";
  plan.worldSize = 1;
  plan.placement = {{0, 0}};
  plan.model.name = model.getSymName().str();
  plan.model.vocabSize = model.getVocabSize();
  plan.model.hiddenSize = model.getHiddenSize();
  plan.model.seqLen = run.getSeqLen();
  plan.model.microBatchSize = run.getMicroBatch();
  plan.model.microBatches = run.getMicroBatches();
  plan.optimizer.lr = options.learningRate;
  plan.optimizer.minLr = options.learningRate;
  plan.optimizer.warmupSteps = options.warmupSteps;
  plan.groups.push_back({"world", pl::GroupKind::world, {0}});
  rank.rank = 0;
  rank.ppStage = 0;
  rank.dpRank = 0;
  rank.epRank = 0;
  rank.dataShard = 0;
  rank.arenaSize = arenas[0];
  if (failed(addParameters()))
    return failure();

  Block &body = train.getBody().front();
  int64_t tokens = run.getMicroBatch() * run.getSeqLen();
  pl::Buffer ids{
      "input_ids", pl::BufferRole::input_ids, pl::DType::i32, {tokens}};
  pl::Buffer labels{"labels", pl::BufferRole::labels, pl::DType::i32, {tokens}};
  valueBuffers[body.getArgument(0)] = buffer(ids);
  valueBuffers[body.getArgument(1)] = buffer(labels);

  for (Operation &op : body)
    collectViews(&op);
  // Every result: at its offset in the arena, or persistent when it
  // accumulates over the micro-batches of a step (losses, expert loads).
  for (Operation &op : body) {
    auto offsets = op.getAttrOfType<DenseI64ArrayAttr>("dsc.offsets");
    auto rows = op.getAttrOfType<DenseI64ArrayAttr>("dsc.rows");
    for (auto [index, result] : llvm::enumerate(op.getResults())) {
      auto type = cast<RankedTensorType>(result.getType());
      pl::Buffer buf;
      buf.name = "v" + std::to_string(valueBuffers.size());
      buf.dtype = dtypeOf(type.getElementType());
      if (type.getRank() > 0) {
        buf.shape.push_back(rows ? rows[index] : tokens);
        if (type.getRank() == 2) {
          int64_t width = type.getDimSize(1);
          int64_t heads = headViews.lookup(result);
          if (heads > 0 && width % heads == 0) {
            buf.shape.push_back(heads);
            buf.shape.push_back(width / heads);
          } else {
            buf.shape.push_back(width);
          }
        }
      }
      bool isLoss = isa<KCrossEntropyOp, KBalanceLossOp>(op);
      bool accumulates = isLoss || (isa<KRouteOp>(op) &&
                                    result == cast<KRouteOp>(op).getLoads());
      if (accumulates) {
        buf.role = isLoss ? pl::BufferRole::loss : pl::BufferRole::persistent;
        uint32_t id = buffer(buf);
        valueBuffers[result] = id;
        accumulators.push_back(id);
        continue;
      }
      buf.role = pl::BufferRole::activation;
      buf.offset = offsets ? offsets[index] : 0;
      buf.size = pl::dtypeBytes(buf.dtype);
      for (int64_t dim : buf.shape)
        buf.size *= dim;
      valueBuffers[result] = buffer(buf);
    }
  }

  // Forward up to the seed of the loss gradient, then the backward.
  pl::Program forward{"fwd", pl::ProgramKind::forward, -1, {}};
  pl::Program backward{"bwd", pl::ProgramKind::backward, -1, {}};
  pl::Program *current = &forward;
  for (Operation &op : body) {
    if (isa<func::ReturnOp>(op))
      continue;
    if (auto fill = dyn_cast<KFillOp>(op))
      if (fill.getValue().convertToDouble() == 1.0 && !op.hasAttr("dsc.stage"))
        current = &backward;
    if (failed(emitOp(&op, *current)))
      return failure();
  }

  // The optimizer step, then zeroed accumulators for the next step.
  pl::Program optimizer{"opt", pl::ProgramKind::optimizer, -1, {}};
  for (const pl::Parameter &parameter : plan.parameters) {
    if (!parameter.trainable)
      continue;
    auto [m, v] = moments.lookup(parameter.name);
    pl::Instruction adamw;
    adamw.op = pl::Opcode::adamw;
    adamw.inputs = {gradientBuffers.lookup(parameter.name)};
    adamw.outputs = {parameterBuffers.lookup(parameter.name), m, v};
    if (auto master = masters.find(parameter.name); master != masters.end())
      adamw.outputs.push_back(master->second);
    optimizer.instructions.push_back(adamw);
  }
  // One #moe configures every MoE layer of a model.
  double gamma = 0;
  model.walk([&](MoEOp moe) {
    gamma = moe.getConfig().getBiasUpdateRate().convertToDouble();
  });
  for (auto &[loads, bias] : biasUpdates) {
    pl::Instruction update;
    update.op = pl::Opcode::expert_bias_update;
    update.inputs = {loads};
    update.outputs = {parameterBuffers.lookup(bias)};
    update.floatAttrs.push_back({pl::AttrKey::gamma, gamma});
    optimizer.instructions.push_back(update);
  }
  pl::Instruction zero;
  zero.op = pl::Opcode::fill;
  zero.outputs = accumulators;
  zero.floatAttrs.push_back({pl::AttrKey::value, 0.0});
  optimizer.instructions.push_back(zero);

  rank.programs = {std::move(forward), std::move(backward),
                   std::move(optimizer)};
  for (int32_t mb = 0; mb < run.getMicroBatches(); ++mb) {
    rank.schedule.push_back({0, mb});
    rank.schedule.push_back({1, mb});
  }
  rank.schedule.push_back({2, -1});
  plan.ranks.push_back(std::move(rank));
  replicateDataParallel(
      plan, static_cast<int32_t>(setup.dp()),
      static_cast<int32_t>(ClusterOp(setup.cluster).getGpusPerNode()));
  return std::move(plan);
}

FailureOr<pl::Plan> dsc::emitPlan(RunOp run, func::FuncOp train,
                                  const PlanOptions &options) {
  FailureOr<ResolvedRun> setup = resolveRun(run);
  if (failed(setup))
    return failure();
  return PlanEmitter(*setup, train, options).emit();
}
