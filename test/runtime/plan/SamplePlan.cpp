//===- SamplePlan.cpp - A small valid plan for the plan tests -------------===//

#include "SamplePlan.h"

namespace dsc::plan::test {
namespace {

constexpr int64_t V = 16, H = 8, T = 8; // vocab, hidden, tokens per micro-batch

/// Builds one rank's buffers, placing activations one after another in the
/// arena at 64-byte alignment as a memory planner without reuse would.
struct RankBuilder {
  Rank r;

  uint32_t add(Buffer b) {
    r.buffers.push_back(std::move(b));
    return static_cast<uint32_t>(r.buffers.size() - 1);
  }

  uint32_t act(const std::string &name, std::vector<int64_t> shape,
               DType dtype = DType::f32) {
    Buffer b;
    b.name = name;
    b.dtype = dtype;
    b.shape = std::move(shape);
    b.offset = r.arenaSize;
    b.size = (*tensorBytes(dtype, b.shape) + 63) / 64 * 64;
    r.arenaSize += b.size;
    return add(b);
  }

  uint32_t bound(const Plan &plan, int32_t param, BufferRole role,
                 OptimizerState state = OptimizerState::none,
                 DType dtype = DType::f32) {
    const Parameter &p = plan.parameters[param];
    Buffer b;
    b.name = p.name + (role == BufferRole::gradient             ? ".grad"
                       : state == OptimizerState::exp_avg       ? ".m"
                       : state == OptimizerState::exp_avg_sq    ? ".v"
                       : state == OptimizerState::master_weight ? ".master"
                                                                : "");
    b.role = role;
    b.state = state;
    b.parameter = param;
    b.dtype = role == BufferRole::parameter ? p.dtype : dtype;
    b.shape = p.shape;
    return add(b);
  }

  struct Trainable {
    uint32_t param, grad, m, v;
  };
  Trainable trainable(const Plan &plan, int32_t param) {
    return {bound(plan, param, BufferRole::parameter),
            bound(plan, param, BufferRole::gradient),
            bound(plan, param, BufferRole::optimizer_state,
                  OptimizerState::exp_avg),
            bound(plan, param, BufferRole::optimizer_state,
                  OptimizerState::exp_avg_sq)};
  }

  uint32_t data(const std::string &name, BufferRole role,
                DType dtype = DType::i32, std::vector<int64_t> shape = {T}) {
    Buffer b;
    b.name = name;
    b.role = role;
    b.dtype = dtype;
    b.shape = std::move(shape);
    return add(b);
  }
};

Instruction op(Opcode code, std::vector<uint32_t> in,
               std::vector<uint32_t> out) {
  Instruction i;
  i.op = code;
  i.inputs = std::move(in);
  i.outputs = std::move(out);
  return i;
}

Instruction withFloat(Instruction i, AttrKey key, double value) {
  i.floatAttrs.push_back({key, value});
  return i;
}

Instruction p2p(Opcode code, std::vector<uint32_t> in,
                std::vector<uint32_t> out, int32_t peer, int32_t tag) {
  Instruction i = op(code, std::move(in), std::move(out));
  i.comm = CommSpec{-1, peer, tag};
  i.stream = Stream::comm;
  return i;
}

Instruction waits(Instruction i, uint32_t e) {
  i.waitEvents.push_back(e);
  return i;
}

Instruction records(Instruction i, uint32_t e) {
  i.recordEvents.push_back(e);
  return i;
}

Parameter param(const std::string &name, DType dtype,
                std::vector<int64_t> shape, int32_t rank) {
  Parameter p;
  p.name = name;
  p.dtype = dtype;
  p.shape = std::move(shape);
  p.ranks = {rank};
  return p;
}

/// zero grads, (fwd, bwd) per micro-batch, then the optimizer.
std::vector<ScheduleEntry> sequentialSchedule() {
  return {{0, -1}, {1, 0}, {2, 0}, {1, 1}, {2, 1}, {3, -1}};
}

} // namespace

Plan makeTwoRankPlan() {
  Plan plan;
  plan.producer = "dsc plan tests";
  plan.worldSize = 2;
  plan.placement = {{0, 0}, {0, 1}};
  plan.model = {"toy",
                V,
                H,
                /*seqLen=*/4,
                /*microBatchSize=*/2,
                /*microBatches=*/2,
                /*dataShards=*/1};
  plan.optimizer.lr = 3e-4;
  plan.optimizer.minLr = 3e-5;
  plan.optimizer.schedule = LrSchedule::cosine;
  plan.optimizer.warmupSteps = 10;
  plan.optimizer.decaySteps = 1000;
  plan.groups = {{"world", GroupKind::world, {0, 1}},
                 {"pp", GroupKind::pp, {0, 1}},
                 {"dp0", GroupKind::dp, {0}},
                 {"dp1", GroupKind::dp, {1}}};
  plan.parameters = {
      param("model.embed_tokens.weight", DType::bf16, {V, H}, 0),
      param("model.layers.0.input_layernorm.weight", DType::f32, {H}, 0),
      param("model.layers.0.mlp.down_proj.weight", DType::bf16, {H, H}, 0),
      param("model.norm.weight", DType::f32, {H}, 1),
      param("lm_head.weight", DType::bf16, {V, H}, 1),
      param("model.layers.1.mlp.experts.{e}.up_proj.weight", DType::bf16,
            {2, 4, H}, 1),
      param("model.layers.1.mlp.gate.e_score_correction_bias", DType::f32, {4},
            1)};
  plan.parameters[5].experts = ExpertSlice{0, 2, 4};
  plan.parameters[6].trainable = false;

  // Rank 0: embedding, norm, projection; sends h, receives dh.
  {
    RankBuilder b;
    b.r.rank = 0;
    b.r.ppStage = 0;
    b.r.dpRank = 0;
    b.r.dataShard = 0;
    auto embed = b.trainable(plan, 0);
    auto norm = b.trainable(plan, 1);
    auto w0 = b.trainable(plan, 2);
    uint32_t ids = b.data("ids", BufferRole::input_ids);
    uint32_t x = b.act("x", {T, H}), xn = b.act("xn", {T, H}),
             rstd = b.act("rstd", {T}), h = b.act("h", {T, H}),
             dh = b.act("dh", {T, H}), dxn = b.act("dxn", {T, H}),
             dx = b.act("dx", {T, H});
    b.r.numEvents = 2;
    b.r.programs = {
        {"zero",
         ProgramKind::other,
         -1,
         {withFloat(op(Opcode::fill, {}, {embed.grad, norm.grad, w0.grad}),
                    AttrKey::value, 0)}},
        {"fwd",
         ProgramKind::forward,
         -1,
         {op(Opcode::embedding_fwd, {ids, embed.param}, {x}),
          withFloat(op(Opcode::rms_norm_fwd, {x, norm.param}, {xn, rstd}),
                    AttrKey::eps, 1e-6),
          records(op(Opcode::linear_fwd, {xn, w0.param}, {h}), 0),
          waits(p2p(Opcode::send, {h}, {}, 1, 0), 0)}},
        {"bwd",
         ProgramKind::backward,
         -1,
         {records(p2p(Opcode::recv, {}, {dh}, 1, 1), 1),
          waits(op(Opcode::linear_bwd_input, {dh, w0.param}, {dxn}), 1),
          op(Opcode::linear_bwd_weight, {dh, xn}, {w0.grad}),
          op(Opcode::rms_norm_bwd, {dxn, x, norm.param, rstd}, {dx, norm.grad}),
          op(Opcode::embedding_bwd, {ids, dx}, {embed.grad})}},
        {"opt",
         ProgramKind::optimizer,
         -1,
         {op(Opcode::adamw, {embed.grad}, {embed.param, embed.m, embed.v}),
          withFloat(
              op(Opcode::adamw, {norm.grad}, {norm.param, norm.m, norm.v}),
              AttrKey::weight_decay, 0),
          op(Opcode::adamw, {w0.grad}, {w0.param, w0.m, w0.v})}}};
    b.r.schedule = sequentialSchedule();
    plan.ranks.push_back(b.r);
  }

  // Rank 1: receives h, norm, head, loss; sends dh back.
  {
    RankBuilder b;
    b.r.rank = 1;
    b.r.ppStage = 1;
    b.r.dpRank = 0;
    b.r.dataShard = 0;
    auto norm = b.trainable(plan, 3);
    auto head = b.trainable(plan, 4);
    uint32_t master = b.bound(plan, 4, BufferRole::optimizer_state,
                              OptimizerState::master_weight);
    b.bound(plan, 5, BufferRole::parameter);
    uint32_t bias = b.bound(plan, 6, BufferRole::parameter);
    uint32_t loads =
        b.data("expert_loads", BufferRole::persistent, DType::f32, {4});
    uint32_t labels = b.data("labels", BufferRole::labels);
    uint32_t loss = b.data("loss", BufferRole::loss, DType::f32, {});
    uint32_t h = b.act("h", {T, H}), hn = b.act("hn", {T, H}),
             rstd = b.act("rstd", {T}), logits = b.act("logits", {T, V}),
             dlogits = b.act("dlogits", {T, V}), dhn = b.act("dhn", {T, H}),
             dh = b.act("dh", {T, H});
    b.r.numEvents = 3;
    Instruction allReduce = op(Opcode::all_reduce, {head.grad}, {head.grad});
    allReduce.comm = CommSpec{3, -1, 0};
    allReduce.stream = Stream::comm;
    b.r.programs = {
        {"zero",
         ProgramKind::other,
         -1,
         {withFloat(op(Opcode::fill, {}, {norm.grad, head.grad}),
                    AttrKey::value, 0)}},
        {"fwd",
         ProgramKind::forward,
         -1,
         {records(p2p(Opcode::recv, {}, {h}, 0, 0), 0),
          waits(withFloat(op(Opcode::rms_norm_fwd, {h, norm.param}, {hn, rstd}),
                          AttrKey::eps, 1e-6),
                0),
          op(Opcode::linear_fwd, {hn, head.param}, {logits}),
          withFloat(op(Opcode::cross_entropy_fwd, {logits, labels}, {loss}),
                    AttrKey::weight, 0.5)}},
        {"bwd",
         ProgramKind::backward,
         -1,
         {withFloat(op(Opcode::cross_entropy_bwd, {logits, labels}, {dlogits}),
                    AttrKey::weight, 0.5),
          op(Opcode::linear_bwd_input, {dlogits, head.param}, {dhn}),
          op(Opcode::linear_bwd_weight, {dlogits, hn}, {head.grad}),
          records(op(Opcode::rms_norm_bwd, {dhn, h, norm.param, rstd},
                     {dh, norm.grad}),
                  1),
          waits(p2p(Opcode::send, {dh}, {}, 0, 1), 1)}},
        {"opt",
         ProgramKind::optimizer,
         -1,
         {records(allReduce, 2),
          withFloat(
              op(Opcode::adamw, {norm.grad}, {norm.param, norm.m, norm.v}),
              AttrKey::weight_decay, 0),
          waits(op(Opcode::adamw, {head.grad},
                   {head.param, head.m, head.v, master}),
                2),
          withFloat(op(Opcode::expert_bias_update, {loads}, {bias}),
                    AttrKey::gamma, 0.001)}}};
    b.r.schedule = sequentialSchedule();
    plan.ranks.push_back(b.r);
  }
  return plan;
}

} // namespace dsc::plan::test
