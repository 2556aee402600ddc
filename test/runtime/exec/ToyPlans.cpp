//===- ToyPlans.cpp - one small model laid out over one or two ranks ------===//

#include "ToyPlans.h"
#include "TestPlan.h"

namespace dsc::exec::test {
namespace {

constexpr int64_t H = 8;

struct Trainable {
  uint32_t p, g, m, v;
};

Trainable trainable(PlanBuilder &b, int32_t param) {
  return {
      b.bound(param, BufferRole::parameter),
      b.bound(param, BufferRole::gradient),
      b.bound(param, BufferRole::optimizer_state, OptimizerState::exp_avg),
      b.bound(param, BufferRole::optimizer_state, OptimizerState::exp_avg_sq)};
}

struct Params {
  int32_t embed, linear, head;
};

/// The current rank's buffers and programs: the first stage (embedding and
/// linear), the last (head and loss) or both. `dpGroup` (>= 0) all-reduces
/// the gradients before AdamW; between stages, the linear's output h goes
/// forward (tag 0) and its gradient dh back (tag 1).
void buildRank(PlanBuilder &b, const Params &params, bool first, bool last,
               int32_t dpGroup) {
  int64_t T = b.tokens(), V = b.plan().model.vocabSize;
  int32_t self = b.rank().rank;
  std::vector<Trainable> trained;
  Trainable embed{}, linear{}, head{};
  uint32_t ids = 0, labels = 0, loss = 0, x = 0, dx = 0, logits = 0,
           dlogits = 0;
  if (first) {
    embed = trainable(b, params.embed);
    linear = trainable(b, params.linear);
    trained = {embed, linear};
    ids = b.data("input_ids", BufferRole::input_ids, DType::i32, {T});
    x = b.act("x", {T, H});
    dx = b.act("dx", {T, H});
  }
  uint32_t h = b.act("h", {T, H}), dh = b.act("dh", {T, H});
  if (last) {
    head = trainable(b, params.head);
    trained.push_back(head);
    labels = b.data("labels", BufferRole::labels, DType::i32, {T});
    loss = b.data("loss", BufferRole::loss, DType::f32, {});
    logits = b.act("logits", {T, V});
    dlogits = b.act("dlogits", {T, V});
  }

  uint32_t fwd = b.program("fwd", ProgramKind::forward);
  uint32_t bwd = b.program("bwd", ProgramKind::backward);
  uint32_t opt = b.program("opt", ProgramKind::optimizer);
  // Events order the comm stream against compute: a pipeline stage's e0 is
  // the forward's h (sent, or received), e1 the backward's dh; `computed`
  // ends the backward, which a receive waits for before it overwrites what
  // the last backward read, and a gradient sum before it reads; then, with
  // data parallelism, one per trainable's sum.
  bool pipeline = !(first && last), communicates = pipeline || dpGroup >= 0;
  uint32_t computed = pipeline ? 2 : 0;
  uint32_t sums = computed + (communicates ? 1 : 0);
  b.rank().numEvents = sums + (dpGroup >= 0 ? uint32_t(trained.size()) : 0);
  if (first) {
    b.emit(fwd, Opcode::embedding_fwd, {ids, embed.p}, {x});
    Instruction &project = b.emit(fwd, Opcode::linear_fwd, {x, linear.p}, {h});
    if (!last) {
      // The comm stream waits for the compute stream's h.
      project.recordEvents = {0};
      b.emitComm(fwd, Opcode::send, {h}, {}, -1, self + 1, 0).waitEvents = {0};
    }
  }
  if (last) {
    if (!first) {
      Instruction &receive =
          b.emitComm(fwd, Opcode::recv, {}, {h}, -1, self - 1, 0);
      receive.waitEvents = {computed};
      receive.recordEvents = {0};
    }
    Instruction &project =
        b.emit(fwd, Opcode::linear_fwd, {h, head.p}, {logits});
    if (!first)
      project.waitEvents = {0};
    b.emit(fwd, Opcode::cross_entropy_fwd, {logits, labels}, {loss});
    b.emit(bwd, Opcode::cross_entropy_bwd, {logits, labels}, {dlogits});
    Instruction &input =
        b.emit(bwd, Opcode::linear_bwd_input, {dlogits, head.p}, {dh});
    if (!first) {
      input.recordEvents = {1};
      b.emitComm(bwd, Opcode::send, {dh}, {}, -1, self - 1, 1).waitEvents = {1};
    }
    b.emit(bwd, Opcode::linear_bwd_weight, {dlogits, h}, {head.g});
  }
  if (first) {
    if (!last) {
      Instruction &receive =
          b.emitComm(bwd, Opcode::recv, {}, {dh}, -1, self + 1, 1);
      receive.waitEvents = {computed};
      receive.recordEvents = {1};
    }
    Instruction &input =
        b.emit(bwd, Opcode::linear_bwd_input, {dh, linear.p}, {dx});
    if (!last)
      input.waitEvents = {1};
    b.emit(bwd, Opcode::linear_bwd_weight, {dh, x}, {linear.g});
    b.emit(bwd, Opcode::embedding_bwd, {ids, dx}, {embed.g});
  }

  if (communicates)
    b.rank().programs[bwd].instructions.back().recordEvents.push_back(computed);
  std::vector<uint32_t> zeroed;
  for (size_t index = 0; index < trained.size(); ++index) {
    const Trainable &t = trained[index];
    uint32_t summed = sums + uint32_t(index);
    if (dpGroup >= 0) {
      Instruction &sum =
          b.emitComm(opt, Opcode::all_reduce, {t.g}, {t.g}, dpGroup);
      sum.waitEvents = {computed};
      sum.recordEvents = {summed};
    }
    Instruction &step = b.emit(opt, Opcode::adamw, {t.g}, {t.p, t.m, t.v});
    if (dpGroup >= 0)
      step.waitEvents = {summed};
    zeroed.push_back(t.g);
  }
  if (last)
    zeroed.push_back(loss);
  b.emit(opt, Opcode::fill, {}, zeroed)
      .floatAttrs.push_back({AttrKey::value, 0});
  for (int32_t m = 0; m < int32_t(b.plan().model.microBatches); ++m) {
    b.rank().schedule.push_back({fwd, m});
    b.rank().schedule.push_back({bwd, m});
  }
  b.rank().schedule.push_back({opt, -1});
}

} // namespace

Plan toyPlan(Layout layout, int64_t vocab) {
  bool dp = layout == Layout::DataParallel, pp = layout == Layout::Pipeline;
  PlanBuilder b(vocab, H, /*seqLen=*/4, /*microBatchSize=*/2,
                /*microBatches=*/dp ? 1 : 2);
  b.plan().model.dataShards = dp ? 2 : 1;
  if (layout != Layout::OneRank)
    b.setWorld(2);
  int32_t dpGroup = -1;
  if (layout == Layout::OneRank)
    dpGroup = b.group("dp", GroupKind::dp, {0});
  else if (dp)
    dpGroup = b.group("dp", GroupKind::dp, {0, 1});
  else
    b.group("pp", GroupKind::pp, {0, 1});

  std::vector<int32_t> replicas =
      dp ? std::vector<int32_t>{0, 1} : std::vector<int32_t>{0};
  Params params;
  params.embed = b.param("model.embed_tokens.weight", {vocab, H}, DType::f32,
                         true, replicas);
  params.linear = b.param("model.layers.0.mlp.down_proj.weight", {H, H},
                          DType::f32, true, replicas);
  params.head = b.param("lm_head.weight", {vocab, H}, DType::f32, true,
                        pp ? std::vector<int32_t>{1} : replicas);
  for (int32_t r = 0; r < b.plan().worldSize; ++r) {
    b.onRank(r);
    Rank &rank = b.rank();
    rank.ppStage = pp ? r : 0;
    rank.dpRank = dp ? r : 0;
    rank.dataShard = dp ? r : 0;
    buildRank(b, params, !pp || r == 0, !pp || r == 1, dpGroup);
  }
  return b.plan();
}

bool parseLayout(const std::string &name, Layout &layout) {
  if (name == "one-rank")
    layout = Layout::OneRank;
  else if (name == "data-parallel")
    layout = Layout::DataParallel;
  else if (name == "pipeline")
    layout = Layout::Pipeline;
  else
    return false;
  return true;
}

} // namespace dsc::exec::test
