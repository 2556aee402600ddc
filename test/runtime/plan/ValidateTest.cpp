//===- ValidateTest.cpp - Every semantic check of the validator -----------===//
//
// Each case breaks the valid sample plan in one way, encodes it to file
// bytes and loads it, and expects the error (with its location) that the
// runtime would print. Going through the bytes checks that the fields the
// validator looks at survive encoding.
//
//===----------------------------------------------------------------------===//

#include "SamplePlan.h"

#include "dsc/plan/OpInfo.h"
#include "dsc/plan/PlanFile.h"
#include "dsc/plan/Validate.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <gtest/gtest.h>

using namespace dsc::plan;

namespace {

std::string loadError(const Plan &plan) {
  std::vector<uint8_t> bytes = encodePlan(plan);
  Plan out;
  std::string error;
  if (loadPlan(bytes.data(), bytes.size(), out, error))
    return "";
  return error;
}

// Rank 1's programs: #0 zero, #1 fwd (recv, rms_norm_fwd, linear_fwd,
// cross_entropy_fwd), #2 bwd, #3 opt (all_reduce, adamw x2,
// expert_bias_update).
Instruction &fwd1(Plan &p, size_t i) {
  return p.ranks[1].programs[1].instructions[i];
}
const char *kNorm1 = "rank 1, program 'fwd' (#1), instruction 1 (rms_norm_fwd)";

/// Makes `rank` a replica of rank `source`, with nothing of its own.
void asReplica(Rank &rank, int32_t source) {
  Rank replica;
  replica.rank = rank.rank;
  replica.replicaOf = source;
  rank = replica;
}

struct Case {
  const char *name;
  std::function<void(Plan &)> mutate;
  std::string expected;
};

std::string str(const char *a, const std::string &b) { return a + b; }

const std::vector<Case> &cases() {
  static const std::vector<Case> all = {
      // Plan-level facts.
      {"WorldSizeZero", [](Plan &p) { p.worldSize = 0; },
       "world_size 0 must be at least 1"},
      {"PlacementSize", [](Plan &p) { p.placement.pop_back(); },
       "placement lists 1 ranks, world_size is 2"},
      {"PlacementDuplicateGpu", [](Plan &p) { p.placement[1].localGpu = 0; },
       "placement of rank 1: node 0 GPU 0 is already another rank's"},
      {"PlacementNegative", [](Plan &p) { p.placement[0].node = -1; },
       "placement of rank 0: node -1, local GPU 0 must not be negative"},
      {"MicroBatchesZero", [](Plan &p) { p.model.microBatches = 0; },
       "model: micro_batches 0 must be at least 1"},
      {"VocabZero", [](Plan &p) { p.model.vocabSize = 0; },
       "model: vocab_size 0 must be at least 1"},
      {"Beta1One", [](Plan &p) { p.optimizer.beta1 = 1.0; },
       "optimizer: beta1 1 must be in [0, 1)"},
      {"EpsZero", [](Plan &p) { p.optimizer.eps = 0; },
       "optimizer: eps 0 must be positive"},
      {"LrNaN", [](Plan &p) { p.optimizer.lr = std::nan(""); },
       "optimizer: lr nan must be in [0, inf)"},
      {"MinLrAboveLr", [](Plan &p) { p.optimizer.minLr = 1; },
       "optimizer: min_lr 1 must be in [0, 0.0003]"},
      {"UnknownSchedule",
       [](Plan &p) { p.optimizer.schedule = static_cast<LrSchedule>(9); },
       "optimizer: unknown lr schedule ?9"},

      // Parameters.
      {"ParameterEmptyName", [](Plan &p) { p.parameters[1].name.clear(); },
       "parameter p1: empty checkpoint name"},
      {"ParameterNegativeDim", [](Plan &p) { p.parameters[1].shape = {-8}; },
       "parameter p1 'model.layers.0.input_layernorm.weight': dimension 0 of "
       "shape [-8] is negative"},
      {"ParameterShapeOverflow",
       [](Plan &p) {
         p.parameters[1].shape = {1LL << 40, 1LL << 40};
       },
       "shape [1099511627776, 1099511627776] of f32 overflows a 64-bit byte "
       "count"},
      {"ParameterUnknownDType",
       [](Plan &p) { p.parameters[1].dtype = static_cast<DType>(77); },
       "parameter p1 'model.layers.0.input_layernorm.weight': unknown dtype "
       "?77"},
      {"ParameterRankOutsideWorld",
       [](Plan &p) { p.parameters[0].ranks = {2}; },
       "parameter p0 'model.embed_tokens.weight': rank 2 outside the world "
       "of 2"},
      {"ParameterRankTwice",
       [](Plan &p) {
         p.parameters[0].ranks = {0, 0};
       },
       "parameter p0 'model.embed_tokens.weight': rank 0 listed twice"},
      {"ParameterNoRanks", [](Plan &p) { p.parameters[0].ranks.clear(); },
       "parameter p0 'model.embed_tokens.weight': no ranks"},
      {"ExpertSliceBeyondTotal",
       [](Plan &p) { p.parameters[5].experts->first = 3; },
       "expert slice 3+2 not within 4 experts"},
      {"ExpertNameWithoutPlaceholder",
       [](Plan &p) { p.parameters[5].name = "experts.up_proj.weight"; },
       "an expert stack's name needs an {e} placeholder"},
      {"ExpertStackFirstDim",
       [](Plan &p) {
         p.parameters[5].shape[0] = 3;
         p.ranks[1].buffers[9].shape[0] = 3;
       },
       "an expert stack's first dimension must be its 2 experts, shape is "
       "[3, 4, 8]"},
      {"ParameterDuplicate",
       [](Plan &p) { p.parameters.push_back(p.parameters[0]); },
       "parameter p7 'model.embed_tokens.weight': same tensor as p0"},

      // The two streams run concurrently: a compute instruction reading
      // what a receive wrote must wait for the receive's event.
      {"StreamsUnordered", [](Plan &p) { fwd1(p, 1).waitEvents.clear(); },
       "rank 1, program 'fwd' (#1), instruction 1 (rms_norm_fwd) on the "
       "compute stream reads b14 'h', which program 'fwd' (#1), instruction "
       "0 (recv) on the comm stream wrote, without waiting for an event "
       "recorded after it"},
      {"NetworkNegative", [](Plan &p) { p.infiniband.gbps = -50; },
       "network: infiniband -50 GB/s, 0 us: both must be finite and not "
       "negative"},
      // Groups and ranks.
      {"GroupMemberOutsideWorld", [](Plan &p) { p.groups[2].ranks = {5}; },
       "group g2 'dp0': rank 5 outside the world of 2"},
      {"GroupUnknownKind",
       [](Plan &p) { p.groups[0].kind = static_cast<GroupKind>(40); },
       "group g0 'world': unknown kind ?40"},
      {"RankOutsideWorld", [](Plan &p) { p.ranks[1].rank = 2; },
       "ranks[1]: rank 2 outside the world of 2"},
      {"RankTwice", [](Plan &p) { p.ranks[1].rank = 0; },
       "ranks[1]: rank 0 appears twice"},
      {"DataShardOutOfRange", [](Plan &p) { p.ranks[0].dataShard = 1; },
       "rank 0: data shard 1 outside -1..0"},

      // Buffers.
      {"BufferUnknownDType",
       [](Plan &p) { p.ranks[0].buffers[13].dtype = static_cast<DType>(200); },
       "rank 0, buffer b13 'x': unknown dtype ?200"},
      {"BufferUnknownRole",
       [](Plan &p) {
         p.ranks[0].buffers[13].role = static_cast<BufferRole>(99);
       },
       "rank 0, buffer b13 'x': unknown role ?99"},
      {"BufferParameterOutOfRange",
       [](Plan &p) { p.ranks[0].buffers[0].parameter = 7; },
       "rank 0, buffer b0 'model.embed_tokens.weight': parameter p7 out of "
       "range (plan has 7 parameters)"},
      {"BufferParameterNotHeld",
       [](Plan &p) { p.ranks[0].buffers[0].parameter = 3; },
       "parameter p3 'model.norm.weight' is not held by rank 0"},
      {"BufferShapeDiffersFromParameter",
       [](Plan &p) {
         p.ranks[0].buffers[1].shape = {16, 4};
       },
       "rank 0, buffer b1 'model.embed_tokens.weight.grad': shape [16, 4] "
       "differs from [16, 8] of parameter p0 'model.embed_tokens.weight'"},
      {"BufferDTypeDiffersFromParameter",
       [](Plan &p) { p.ranks[0].buffers[0].dtype = DType::f32; },
       "dtype f32 differs from bf16 of parameter p0"},
      {"GradientNotFloating",
       [](Plan &p) { p.ranks[0].buffers[1].dtype = DType::i32; },
       "rank 0, buffer b1 'model.embed_tokens.weight.grad': a gradient must "
       "be f32, bf16 or f16, is i32"},
      {"OptimizerStateWithoutKind",
       [](Plan &p) { p.ranks[0].buffers[2].state = OptimizerState::none; },
       "rank 0, buffer b2 'model.embed_tokens.weight.m': optimizer state "
       "needs a kind"},
      {"MasterWeightNotF32",
       [](Plan &p) { p.ranks[1].buffers[8].dtype = DType::bf16; },
       "a master weight must be f32"},
      {"ActivationBoundToParameter",
       [](Plan &p) { p.ranks[0].buffers[13].parameter = 0; },
       "rank 0, buffer b13 'x': a buffer of role activation binds no "
       "parameter, optimizer state or shard"},
      // ZeRO-1 shards.
      {"ShardOfTheWholeShape",
       [](Plan &p) { p.ranks[0].buffers[2].shardGroup = 0; },
       "rank 0, buffer b2 'model.embed_tokens.weight.m': shape [16, 8] is "
       "not a shard [64] of parameter p0 'model.embed_tokens.weight' over "
       "the 2 ranks of g0"},
      {"AdamWMixedShards",
       [](Plan &p) {
         Buffer &m = p.ranks[0].buffers[2];
         m.shardGroup = 0;
         m.shape = {64};
       },
       "rank 0, program 'opt' (#3), instruction 0 (adamw): m (b2) is a shard "
       "of g0, the parameter's step is not sharded"},
      {"ShardOutsideItsGroup",
       [](Plan &p) { p.ranks[1].buffers[8].shardGroup = 2; },
       "rank 1 is not a member of its shard group g2"},
      {"ShardGroupOutOfRange",
       [](Plan &p) { p.ranks[1].buffers[8].shardGroup = 9; },
       "shard group g9 out of range (plan has 4 groups)"},
      {"ParameterSharded",
       [](Plan &p) { p.ranks[0].buffers[0].shardGroup = 0; },
       "rank 0, buffer b0 'model.embed_tokens.weight': a parameter is whole; "
       "its shard is a parameter_shard"},
      {"ActivationSharded",
       [](Plan &p) { p.ranks[0].buffers[13].shardGroup = 0; },
       "rank 0, buffer b13 'x': a buffer of role activation binds no "
       "parameter, optimizer state or shard"},
      {"ActivationBeyondArena",
       [](Plan &p) { p.ranks[0].buffers[19].offset += 64; },
       "rank 0, buffer b19 'dx': arena range 1408+256 exceeds the 1600-byte "
       "arena"},
      {"ActivationOffsetOverflow",
       [](Plan &p) { p.ranks[0].buffers[19].offset = ~0ULL - 8; },
       "exceeds the 1600-byte arena"},
      {"ActivationTooSmall", [](Plan &p) { p.ranks[0].buffers[13].size = 100; },
       "rank 0, buffer b13 'x': 100 arena bytes hold less than its 256 bytes"},
      {"ActivationMisalignedBF16",
       [](Plan &p) {
         Buffer &b = p.ranks[0].buffers[13];
         b.dtype = DType::bf16;
         b.offset += 3;
       },
       "rank 0, buffer b13 'x': arena offset 3 is not aligned for bf16 (it "
       "needs a multiple of 2 bytes)"},
      {"ActivationMisalignedI32",
       [](Plan &p) {
         Buffer &b = p.ranks[0].buffers[13];
         b.dtype = DType::i32;
         b.offset += 2;
       },
       "rank 0, buffer b13 'x': arena offset 2 is not aligned for i32 (it "
       "needs a multiple of 4 bytes)"},
      {"ActivationMisalignedI64",
       [](Plan &p) {
         Buffer &b = p.ranks[0].buffers[13];
         b.dtype = DType::i64;
         b.shape = {2, 8};
         b.offset += 4;
       },
       "rank 0, buffer b13 'x': arena offset 4 is not aligned for i64 (it "
       "needs a multiple of 8 bytes)"},
      {"ParameterWithArenaOffset",
       [](Plan &p) { p.ranks[0].buffers[0].offset = 64; },
       "only activations have an arena offset, size and slots"},
      {"InputIdsWrongCount",
       [](Plan &p) { p.ranks[0].buffers[12].shape = {7}; },
       "rank 0, buffer b12 'ids': holds 7 tokens, a micro-batch has 8"},
      {"InputIdsWrongDType",
       [](Plan &p) { p.ranks[0].buffers[12].dtype = DType::i64; },
       "rank 0, buffer b12 'ids': input_ids must be i32"},
      {"LabelsMicroBatchOutOfRange",
       [](Plan &p) { p.ranks[1].buffers[12].microBatch = 2; },
       "rank 1, buffer b12 'labels': micro-batch 2 outside -1..1"},
      {"ActivationWithMicroBatch",
       [](Plan &p) { p.ranks[1].buffers[14].microBatch = 0; },
       "only input_ids, labels and loss buffers belong to a micro-batch"},
      {"LossNotF32",
       [](Plan &p) { p.ranks[1].buffers[13].dtype = DType::bf16; },
       "rank 1, buffer b13 'loss': a loss must be f32"},

      // Instructions: opcodes, operands, attributes.
      {"OpcodeInvalid", [](Plan &p) { fwd1(p, 1).op = Opcode::invalid; },
       "rank 1, program 'fwd' (#1), instruction 1: unknown opcode invalid"},
      {"OpcodeOutOfEnum",
       [](Plan &p) { fwd1(p, 1).op = static_cast<Opcode>(999); },
       "rank 1, program 'fwd' (#1), instruction 1: unknown opcode ?999"},
      {"TooFewInputs", [](Plan &p) { fwd1(p, 1).inputs.pop_back(); },
       str(kNorm1, ": 1 inputs, expected 2")},
      {"TooManyOutputs", [](Plan &p) { fwd1(p, 1).outputs.push_back(14); },
       str(kNorm1, ": 3 outputs, expected 2")},
      {"InputsOnAnOpWithout",
       // Regression: an op without input specs given inputs once indexed an
       // empty spec list (found by the corruption campaign under UBSan).
       [](Plan &p) { fwd1(p, 0).inputs = {14}; },
       "rank 1, program 'fwd' (#1), instruction 0 (recv): 1 inputs, "
       "expected 0"},
      {"VariadicTooFew",
       [](Plan &p) { p.ranks[1].programs[0].instructions[0].outputs.clear(); },
       "rank 1, program 'zero' (#0), instruction 0 (fill): 0 outputs, "
       "expected at least 1"},
      {"BufferIdOutOfRange", [](Plan &p) { fwd1(p, 1).inputs[0] = 57; },
       str(kNorm1, ": input 0 (x): buffer b57 out of range (rank has 21 "
                   "buffers)")},
      {"OperandDType", [](Plan &p) { fwd1(p, 1).outputs[1] = 4; },
       str(kNorm1, ": output 1 (rstd): buffer b4 is bf16, expected f32")},
      {"OperandDTypeInteger", [](Plan &p) { fwd1(p, 1).inputs[0] = 12; },
       str(kNorm1, ": input 0 (x): buffer b12 is i32, expected f32, bf16 or "
                   "f16")},
      {"MissingAttribute", [](Plan &p) { fwd1(p, 1).floatAttrs.clear(); },
       str(kNorm1, ": missing required attribute eps")},
      {"AttributeNotTaken",
       [](Plan &p) {
         fwd1(p, 1).intAttrs.push_back({AttrKey::seq, 4});
       },
       str(kNorm1, ": takes no attribute seq")},
      {"AttributeUnknownKey",
       [](Plan &p) {
         fwd1(p, 1).intAttrs.push_back({static_cast<AttrKey>(500), 4});
       },
       str(kNorm1, ": takes no attribute ?500")},
      {"AttributeTwice",
       [](Plan &p) {
         fwd1(p, 1).floatAttrs.push_back({AttrKey::eps, 1e-5});
       },
       str(kNorm1, ": attribute eps given twice")},
      {"AttributeWrongKind",
       [](Plan &p) {
         fwd1(p, 1).floatAttrs.clear();
         fwd1(p, 1).intAttrs.push_back({AttrKey::eps, 1});
       },
       str(kNorm1, ": attribute eps must be a float")},
      {"AttributeNegative",
       [](Plan &p) { fwd1(p, 1).floatAttrs[0].value = -1; },
       str(kNorm1, ": attribute eps = -1 outside [0, inf]")},
      {"AttributeNotFinite",
       [](Plan &p) { fwd1(p, 1).floatAttrs[0].value = std::nan(""); },
       str(kNorm1, ": attribute eps = nan outside")},
      {"AttributeIntRange",
       [](Plan &p) {
         Instruction &in = fwd1(p, 2);
         in.op = Opcode::fp8_linear_fwd;
         in.intAttrs = {{AttrKey::tile, 0}, {AttrKey::block, 128}};
       },
       "rank 1, program 'fwd' (#1), instruction 2 (fp8_linear_fwd): "
       "attribute tile = 0 outside [1, 9e+18]"},
      {"RouteTopkGroup",
       [](Plan &p) {
         // logits [8,16] -> route over 16 experts: experts i32 (ids), weights
         // f32, loads f32.
         Instruction in;
         in.op = Opcode::route_fwd;
         in.inputs = {17};
         in.outputs = {12, 19, 10};
         in.intAttrs = {{AttrKey::k, 2},
                        {AttrKey::scoring, 1},
                        {AttrKey::topk_method, 2},
                        {AttrKey::n_group, 2},
                        {AttrKey::topk_group, 3}};
         p.ranks[1].programs[1].instructions.push_back(in);
       },
       "rank 1, program 'fwd' (#1), instruction 4 (route_fwd): topk_group 3 "
       "exceeds n_group 2"},
      {"AdamWRoles",
       [](Plan &p) {
         // v and m swapped.
         std::swap(p.ranks[0].programs[3].instructions[0].outputs[1],
                   p.ranks[0].programs[3].instructions[0].outputs[2]);
       },
       "rank 0, program 'opt' (#3), instruction 0 (adamw): m (b3) must be the "
       "exp_avg of the updated parameter p0"},
      {"AdamWOtherParameter",
       [](Plan &p) {
         p.ranks[0].programs[3].instructions[0].inputs[0] = 5; // norm's grad
       },
       "grad (b5) must be the gradient of the updated parameter p0"},

      // Communication.
      {"RecvWithoutComm", [](Plan &p) { fwd1(p, 0).comm.reset(); },
       "rank 1, program 'fwd' (#1), instruction 0 (recv): needs a "
       "communication spec"},
      {"ComputeWithComm", [](Plan &p) { fwd1(p, 1).comm = CommSpec{}; },
       str(kNorm1, ": a compute op takes no communication spec")},
      {"PeerOutsideWorld", [](Plan &p) { fwd1(p, 0).comm->peer = 2; },
       "instruction 0 (recv): peer rank 2 outside the world of 2"},
      {"PeerSelf", [](Plan &p) { fwd1(p, 0).comm->peer = 1; },
       "instruction 0 (recv): rank 1 sends to or receives from itself"},
      {"GroupOutOfRange",
       [](Plan &p) { p.ranks[1].programs[3].instructions[0].comm->group = 4; },
       "rank 1, program 'opt' (#3), instruction 0 (all_reduce): group g4 out "
       "of range (plan has 4 groups)"},
      {"NotAGroupMember",
       [](Plan &p) { p.ranks[1].programs[3].instructions[0].comm->group = 2; },
       "instruction 0 (all_reduce): rank 1 is not a member of group g2"},
      {"CollectiveSizes",
       [](Plan &p) {
         Instruction &in = p.ranks[1].programs[3].instructions[0];
         in.op = Opcode::all_gather;
         in.comm->group = 0;
       },
       "instruction 0 (all_gather): 128 input and 128 output elements over "
       "2 ranks; all_gather needs input = output / group size, rounded up"},
      {"CollectiveDTypes",
       [](Plan &p) {
         Instruction &in = p.ranks[1].programs[3].instructions[0];
         in.op = Opcode::all_to_all;
         in.inputs[0] = 14;  // h, f32 [8, 8]
         in.outputs[0] = 12; // labels, i32 [8]
       },
       "instruction 0 (all_to_all): input is f32, output i32"},
      {"AllToAllVCounts",
       [](Plan &p) {
         Instruction &in = p.ranks[1].programs[3].instructions[0];
         in.op = Opcode::all_to_all_v;
         in.comm->group = 0;
         in.inputs = {14, 12};  // h, labels (i32 [8] as counts)
         in.outputs = {20, 12}; // dh
       },
       "instruction 0 (all_to_all_v): counts hold 8 entries, the group has 2 "
       "ranks"},
      {"EventOutOfRange", [](Plan &p) { fwd1(p, 1).waitEvents = {3}; },
       str(kNorm1, ": waits for event e3 out of range (rank has 3 events)")},
      {"EventNeverRecorded",
       [](Plan &p) {
         // e1 recorded twice, e0 never: a wait on e0 would never end.
         p.ranks[1].programs[1].instructions[0].recordEvents = {1};
       },
       "rank 1: event e0 is never recorded"},
      {"TooManyEvents", [](Plan &p) { p.ranks[1].numEvents = 4000000000u; },
       "rank 1: 4000000000 events but only 3 event records"},
      {"UnknownStream",
       [](Plan &p) { fwd1(p, 1).stream = static_cast<Stream>(7); },
       str(kNorm1, ": unknown stream ?7")},

      // Programs and the schedule.
      {"ProgramUnknownKind",
       [](Plan &p) {
         p.ranks[0].programs[1].kind = static_cast<ProgramKind>(50);
       },
       "rank 0, program 'fwd' (#1): unknown kind ?50"},
      {"ProgramMicroBatch",
       [](Plan &p) { p.ranks[0].programs[1].microBatch = 2; },
       "rank 0, program 'fwd' (#1): micro-batch 2 outside -1..1"},
      {"ScheduleProgramOutOfRange",
       [](Plan &p) { p.ranks[0].schedule[2].program = 9; },
       "rank 0, schedule[2]: program #9 out of range (rank has 4 programs)"},
      {"ScheduleMicroBatchOutOfRange",
       [](Plan &p) { p.ranks[0].schedule[2].microBatch = 5; },
       "rank 0, schedule[2]: micro-batch 5 outside -1..1"},
      {"ScheduleMicroBatchMismatch",
       [](Plan &p) {
         p.ranks[0].programs[1].microBatch = 0;
         p.ranks[0].schedule[3].microBatch = 1;
       },
       "rank 0, schedule[3]: runs program 'fwd' of micro-batch 0 as "
       "micro-batch 1"},

      // Replicas (data-parallel ranks that run another rank's programs).
      {"ReplicaOfItself", [](Plan &p) { asReplica(p.ranks[1], 1); },
       "rank 1: replica_of 1 must name another rank of the plan that is not "
       "a replica"},
      {"ReplicaWithPrograms", [](Plan &p) { p.ranks[1].replicaOf = 0; },
       "rank 1: a replica of rank 0 lists no buffers, programs, schedule, "
       "arena or events of its own"},
      // Rank 1 replicating rank 0 moves rank 0's peer (rank 1) to rank 2,
      // outside the two-rank world.
      {"ReplicaOfPointToPoint", [](Plan &p) { asReplica(p.ranks[1], 0); },
       "rank 1: replicates rank 0, whose program 'fwd' talks to rank 1: "
       "moved with the replica that is rank 2, not another rank of the "
       "world"},
  };
  return all;
}

class ValidateCase : public ::testing::TestWithParam<Case> {};

TEST_P(ValidateCase, ReportsTheErrorWithItsLocation) {
  Plan plan = dsc::plan::test::makeTwoRankPlan();
  GetParam().mutate(plan);
  std::string error = loadError(plan);
  ASSERT_FALSE(error.empty()) << "the broken plan was accepted";
  EXPECT_NE(error.find(GetParam().expected), std::string::npos)
      << "expected: " << GetParam().expected << "\nactual: " << error;
  // The writer refuses it too, with the same message.
  std::string writeError;
  EXPECT_FALSE(writePlanFile("/nonexistent-dir/never-written.dscplan", plan,
                             writeError));
  EXPECT_NE(writeError.find(GetParam().expected), std::string::npos)
      << writeError;
}

INSTANTIATE_TEST_SUITE_P(Plan, ValidateCase, ::testing::ValuesIn(cases()),
                         [](const auto &info) {
                           return std::string(info.param.name);
                         });

TEST(Validate, SamplePlanIsValid) {
  Plan plan = dsc::plan::test::makeTwoRankPlan();
  EXPECT_EQ(joinErrors(validatePlan(plan)), "");
}

TEST(Validate, StopsAfterTheErrorLimit) {
  Plan plan = dsc::plan::test::makeTwoRankPlan();
  // A million broken instructions: validation stays one pass and reports a
  // bounded list.
  Instruction bad;
  bad.op = Opcode::linear_fwd;
  bad.inputs = {1000, 1001};
  bad.outputs = {1002};
  auto &insts = plan.ranks[0].programs[1].instructions;
  insts.insert(insts.end(), 1000000, bad);
  std::vector<std::string> errors = validatePlan(plan);
  ASSERT_EQ(errors.size(), kMaxValidationErrors);
  EXPECT_EQ(errors.back(), "... more errors left out");
  EXPECT_NE(errors[0].find("rank 0, program 'fwd' (#1), instruction 4 "
                           "(linear_fwd): input 0 (x): buffer b1000 out of "
                           "range"),
            std::string::npos)
      << errors[0];
}

TEST(Validate, DataParallelReplicasResolveToTheirSource) {
  // Rank 1 of the sample (no point-to-point in the optimizer) replicated by
  // a third rank that runs its programs on its own data shard.
  Plan plan = dsc::plan::test::makeTwoRankPlan();
  plan.worldSize = 3;
  plan.placement.push_back({0, 2});
  plan.model.dataShards = 2;
  Rank &source = plan.ranks[1];
  for (Program &program : source.programs) {
    std::vector<Instruction> &list = program.instructions;
    list.erase(std::remove_if(list.begin(), list.end(),
                              [](const Instruction &in) {
                                return in.op == Opcode::send ||
                                       in.op == Opcode::recv;
                              }),
               list.end());
  }
  for (Parameter &parameter : plan.parameters)
    parameter.ranks.push_back(2);
  for (ProcessGroup &group : plan.groups)
    group.ranks.push_back(2);
  Rank replica;
  replica.rank = 2;
  replica.dpRank = 1;
  replica.dataShard = 1;
  replica.replicaOf = 1;
  plan.ranks.push_back(replica);
  std::vector<std::string> errors = validatePlan(plan);
  // Removing the receive leaves its event unrecorded; nothing about the
  // replica may be wrong.
  for (const std::string &e : errors)
    EXPECT_EQ(e.find("rank 2"), std::string::npos) << e;

  std::optional<Rank> resolved = plan.resolveRank(2);
  ASSERT_TRUE(resolved);
  EXPECT_EQ(resolved->rank, 2);
  EXPECT_EQ(resolved->dataShard, 1);
  EXPECT_EQ(resolved->replicaOf, -1);
  EXPECT_EQ(resolved->programs.size(), plan.ranks[1].programs.size());
  EXPECT_EQ(resolved->buffers.size(), plan.ranks[1].buffers.size());
  EXPECT_FALSE(resolved->programs.empty());
  EXPECT_FALSE(plan.resolveRank(5));

  // The replica survives encoding.
  Plan decoded;
  std::string error;
  std::vector<uint8_t> bytes = encodePlan(plan);
  ASSERT_TRUE(decodePlan(bytes.data(), bytes.size(), decoded, error)) << error;
  EXPECT_EQ(decoded.ranks[2].replicaOf, 1);
}

TEST(Plan, ShardRangesTileTheParameterInGroupOrder) {
  // 10 elements over a group listing rank 1 first: shards of ceil(10 / 3)
  // = 4, rank 1's first, the last one ragged; a rank outside the group and
  // a whole buffer.
  Plan plan;
  plan.parameters.push_back({});
  plan.parameters[0].shape = {2, 5};
  plan.groups.push_back({"g", GroupKind::other, {1, 0, 3}});
  Buffer shard;
  shard.parameter = 0;
  shard.shardGroup = 0;
  auto range = [&](int32_t rank) {
    std::optional<ShardRange> r = plan.shardRange(rank, shard);
    return r ? std::make_pair(r->begin, r->count)
             : std::make_pair(int64_t(-1), int64_t(-1));
  };
  EXPECT_EQ(range(1), std::make_pair(int64_t(0), int64_t(4)));
  EXPECT_EQ(range(0), std::make_pair(int64_t(4), int64_t(4)));
  EXPECT_EQ(range(3), std::make_pair(int64_t(8), int64_t(2)));
  EXPECT_EQ(range(2), std::make_pair(int64_t(-1), int64_t(-1)));
  Buffer whole;
  whole.parameter = 0;
  ASSERT_TRUE(plan.shardRange(2, whole));
  EXPECT_EQ(plan.shardRange(2, whole)->count, 10);
  whole.parameter = 3;
  EXPECT_FALSE(plan.shardRange(0, whole));
}

TEST(Validate, SubsetOfRanksIsValid) {
  // A plan file may carry only some ranks (one file per node at scale).
  Plan plan = dsc::plan::test::makeTwoRankPlan();
  plan.ranks.erase(plan.ranks.begin());
  EXPECT_EQ(joinErrors(validatePlan(plan)), "");
  ASSERT_NE(plan.findRank(1), nullptr);
  EXPECT_EQ(plan.findRank(0), nullptr);
}

TEST(OpInfo, EveryOpcodeIsDescribed) {
  for (int op = 1; op <= static_cast<int>(Opcode::MAX); ++op) {
    const OpInfo *info = findOpInfo(static_cast<Opcode>(op));
    ASSERT_NE(info, nullptr) << opcodeName(static_cast<Opcode>(op));
    EXPECT_EQ(static_cast<int>(info->op), op);
    EXPECT_FALSE(info->inputs.empty() && info->minInputs > 0);
    EXPECT_FALSE(info->outputs.empty() && info->minOutputs > 0);
    EXPECT_LE(
        info->inputs.size(),
        static_cast<size_t>(info->maxInputs < 0 ? 1000 : info->maxInputs));
    for (const AttrSpec &a : info->attrs)
      EXPECT_FALSE(a.required && a.defaultValue) << attrName(a.key);
  }
  EXPECT_EQ(findOpInfo(Opcode::invalid), nullptr);
  EXPECT_EQ(findOpInfo(static_cast<Opcode>(999)), nullptr);
}

TEST(OpInfo, DefaultsApply) {
  Instruction in;
  in.op = Opcode::rope_fwd;
  in.intAttrs = {{AttrKey::seq, 4}, {AttrKey::rope_dim, 64}};
  in.floatAttrs = {{AttrKey::theta, 10000}};
  EXPECT_EQ(attrValue(in, AttrKey::theta), 10000.0);
  EXPECT_EQ(attrValue(in, AttrKey::beta_fast), 32.0);
  EXPECT_EQ(attrValue(in, AttrKey::yarn_factor), 1.0);
  EXPECT_EQ(attrValue(in, AttrKey::eps), std::nullopt);
  in.op = Opcode::adamw;
  EXPECT_EQ(attrValue(in, AttrKey::weight_decay), std::nullopt)
      << "adamw's weight decay defaults to the plan's, not a constant";
}

TEST(OpInfo, WrittenOutputsOfStepLongBuffersAccumulate) {
  Buffer activation{"a", BufferRole::activation, DType::f32, {4}};
  Buffer loads{"loads", BufferRole::persistent, DType::f32, {4}};
  Buffer loss{"loss", BufferRole::loss, DType::f32, {}};
  const OpInfo &route = *findOpInfo(Opcode::route_fwd);
  const OpInfo &crossEntropy = *findOpInfo(Opcode::cross_entropy_fwd);
  const OpInfo &fill = *findOpInfo(Opcode::fill);
  const OpInfo &linearGrad = *findOpInfo(Opcode::linear_bwd_weight);
  const OpInfo &allReduce = *findOpInfo(Opcode::all_reduce);
  EXPECT_EQ(outputAccess(route, 2, activation), Access::Write);
  EXPECT_EQ(outputAccess(route, 2, loads), Access::Accumulate);
  EXPECT_EQ(outputAccess(crossEntropy, 0, loss), Access::Accumulate);
  EXPECT_EQ(outputAccess(fill, 0, loss), Access::Write)
      << "fill zeroes the accumulators";
  EXPECT_EQ(outputAccess(linearGrad, 0, activation), Access::Accumulate);
  EXPECT_EQ(outputAccess(allReduce, 0, loads), Access::Write)
      << "the sum over the group replaces the step's loads";
}

} // namespace
