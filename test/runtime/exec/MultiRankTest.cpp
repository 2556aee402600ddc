//===- MultiRankTest.cpp - the executor across the ranks of an MPI world --===//
//
// Training under `mpiexec -n 2` (ctest; MpiTestMain.h's rules). Multi-rank
// plans must compute what one rank computes alone: the toy model (ToyPlans.h)
// trained data-parallel and as a two-stage pipeline is compared with its
// one-rank plan, which every rank also trains by itself as the reference.
// Then each collective instruction's buffers, and an error of the
// communicator named by its instruction.
//
//===----------------------------------------------------------------------===//

#include "../comm/MpiTestMain.h"
#include "TestPlan.h"
#include "ToyPlans.h"
#include "dsc/exec/Init.h"
#include "dsc/exec/TokenBatches.h"
#include "dsc/exec/Trainer.h"
#include "dsc/numerics/HalfFloat.h"

#include <map>

namespace dsc::exec::test {
namespace {

using comm::Communicator;
using comm::DataType;

Communicator *world = nullptr;

constexpr int kSteps = 4;

struct Training {
  std::vector<StepResult> steps;
  /// The parameters this rank holds, by name.
  std::map<std::string, std::vector<float>> params;
};

/// Trains rank `rank` of `plan` in `comm` (null: alone) for kSteps steps
/// from --init 7 on the pattern tokens in `data`.
Training train(const Plan &plan, int32_t rank, Communicator *comm,
               const std::string &data) {
  Executor e(plan, rank, comm);
  initParameters(plan, e.rank(), e.buffers(), 7);
  TokenBatches batches(data, plan.model, e.rank().dataShard);
  Trainer trainer(e, batches);
  Training run;
  for (int s = 0; s < kSteps; ++s)
    run.steps.push_back(trainer.step());
  for (uint32_t id = 0; id < e.rank().buffers.size(); ++id)
    if (e.rank().buffers[id].role == BufferRole::parameter)
      run.params[e.rank().buffers[id].name] = get(e, id);
  return run;
}

/// This rank's data directory: ranks may share a machine.
std::string tokens(const std::string &test) {
  return patternTokens(tempDir(test + "-rank" + std::to_string(world->rank())));
}

TEST(MultiRank, TheWorldHasTwoRanks) {
  // The plans below are laid out for two ranks.
  EXPECT_EQ(world->size(), 2);
}

TEST(MultiRank, DataParallelReplicasTrainAsOneRankOnBothShards) {
  std::string data = tokens("dp");
  Training replica = train(roundTrip(toyPlan(Layout::DataParallel)),
                           world->rank(), world, data);
  Training alone = train(roundTrip(toyPlan(Layout::OneRank)), 0, nullptr, data);
  for (int s = 0; s < kSteps; ++s) {
    // The world's loss: the mean of the two shards' (one rank alone
    // averages its two micro-batches, the same windows).
    EXPECT_NEAR(replica.steps[s].loss, alone.steps[s].loss, 1e-6) << s;
    EXPECT_EQ(replica.steps[s].tokens, alone.steps[s].tokens) << s;
  }
  EXPECT_EQ(replica.steps[0].tokens, 16u) << "2 shards x 2 x 4 tokens";
  ASSERT_EQ(replica.params.size(), 3u);
  for (const auto &[name, values] : replica.params) {
    const std::vector<float> &want = alone.params[name];
    ASSERT_EQ(values.size(), want.size()) << name;
    for (size_t i = 0; i < values.size(); ++i)
      EXPECT_NEAR(values[i], want[i], 1e-6) << name << "[" << i << "]";
    // The summed gradients are the same bits on both ranks, so the
    // replicas stay identical.
    std::vector<float> both(2 * values.size());
    world->allGather(values.data(), both.data(), values.size(), DataType::F32);
    EXPECT_TRUE(std::equal(values.begin(), values.end(),
                           both.begin() + values.size()) &&
                std::equal(values.begin(), values.end(), both.begin()))
        << name << " differs between the replicas";
  }
  // Every rank reports the world's loss, bit for bit.
  double losses[2], mine = replica.steps.back().loss;
  world->allGather(&mine, losses, sizeof mine, DataType::U8);
  EXPECT_EQ(losses[0], losses[1]);
}

TEST(MultiRank, PipelineStagesTrainAsOneRankBitForBit) {
  std::string data = tokens("pp");
  Training stage =
      train(roundTrip(toyPlan(Layout::Pipeline)), world->rank(), world, data);
  Training alone = train(roundTrip(toyPlan(Layout::OneRank)), 0, nullptr, data);
  // Rank 1 computes the loss; rank 0 reports it too.
  for (int s = 0; s < kSteps; ++s) {
    EXPECT_EQ(stage.steps[s].loss, alone.steps[s].loss) << s;
    EXPECT_EQ(stage.steps[s].tokens, alone.steps[s].tokens) << s;
  }
  EXPECT_LT(alone.steps.back().loss, alone.steps.front().loss);
  EXPECT_EQ(stage.params.size(), world->rank() == 0 ? 2u : 1u);
  for (const auto &[name, values] : stage.params)
    EXPECT_EQ(values, alone.params[name]) << name;
}

/// Each collective instruction over two ranks, with a group that lists
/// them in reverse (group rank != world rank) and a group of one per rank.
struct Collectives {
  PlanBuilder b;
  uint32_t gatherX = 0, gatherY = 0, scatterX = 0, scatterY = 0, swapX = 0,
           swapY = 0, bf16 = 0, i64X = 0, i64Y = 0, own = 0, rowsX = 0,
           sendCounts = 0, rowsY = 0, recvCounts = 0, program = 0,
           raggedScatterX = 0, raggedScatterY = 0, raggedGatherX = 0,
           raggedGatherY = 0, fp8X = 0, fp8Y = 0, scalesX = 0, scalesY = 0;

  Collectives() {
    b.setWorld(2);
    int32_t reversed = b.group("reversed", GroupKind::other, {1, 0});
    int32_t both = b.group("both", GroupKind::dp, {0, 1});
    int32_t self[2] = {b.group("self0", GroupKind::other, {0}),
                       b.group("self1", GroupKind::other, {1})};
    // Both ranks get the same buffers in the same order, so the same ids.
    for (int32_t r = 0; r < 2; ++r) {
      b.onRank(r);
      gatherX = b.act("gather_x", {3});
      gatherY = b.act("gather_y", {6});
      scatterX = b.act("scatter_x", {4});
      scatterY = b.act("scatter_y", {2});
      swapX = b.act("swap_x", {4}, DType::i32);
      swapY = b.act("swap_y", {4}, DType::i32);
      bf16 = b.act("sum_bf16", {2}, DType::bf16);
      i64X = b.act("sum_i64_x", {1}, DType::i64);
      i64Y = b.act("sum_i64_y", {1}, DType::i64);
      own = b.act("own", {2});
      rowsX = b.act("rows_x", {3, 2});
      sendCounts = b.act("send_counts", {2}, DType::i32);
      rowsY = b.act("rows_y", {4, 2});
      recvCounts = b.act("recv_counts", {2}, DType::i64);
      // ZeRO-1's shards of a whole that does not divide: ceil(3 / 2).
      raggedScatterX = b.act("ragged_scatter_x", {3});
      raggedScatterY = b.act("ragged_scatter_y", {2});
      raggedGatherX = b.act("ragged_gather_x", {2});
      raggedGatherY = b.act("ragged_gather_y", {3});
      // FP8 dispatch: E4M3 codes and UE8M0 scales move as bytes.
      fp8X = b.act("fp8_x", {4}, DType::fp8_e4m3);
      fp8Y = b.act("fp8_y", {4}, DType::fp8_e4m3);
      scalesX = b.act("scales_x", {2}, DType::ue8m0);
      scalesY = b.act("scales_y", {4}, DType::ue8m0);
      program = b.program("collectives", ProgramKind::other);
      b.emitComm(program, Opcode::all_gather, {gatherX}, {gatherY}, reversed);
      b.emitComm(program, Opcode::reduce_scatter, {scatterX}, {scatterY}, both);
      b.emitComm(program, Opcode::all_to_all, {swapX}, {swapY}, both);
      b.emitComm(program, Opcode::all_reduce, {bf16}, {bf16}, both);
      b.emitComm(program, Opcode::all_reduce, {i64X}, {i64Y}, both);
      b.emitComm(program, Opcode::all_reduce, {own}, {own}, self[r]);
      b.emitComm(program, Opcode::all_to_all_v, {rowsX, sendCounts},
                 {rowsY, recvCounts}, both);
      b.emitComm(program, Opcode::reduce_scatter, {raggedScatterX},
                 {raggedScatterY}, both);
      b.emitComm(program, Opcode::all_gather, {raggedGatherX}, {raggedGatherY},
                 both);
      b.emitComm(program, Opcode::all_to_all, {fp8X}, {fp8Y}, both);
      b.emitComm(program, Opcode::all_gather, {scalesX}, {scalesY}, both);
    }
  }
};

TEST(MultiRank, CollectiveInstructionsFillTheirBuffers) {
  Collectives t;
  Plan plan = t.b.load();
  const int r = world->rank();
  Executor e(plan, r, world);
  auto bf = [](float v) { return numerics::floatToBF16(v); };
  set(e, t.gatherX,
      std::vector<float>{10.f * r + 1, 10.f * r + 2, 10.f * r + 3});
  set(e, t.scatterX,
      std::vector<float>{r + 1.f, 2 * (r + 1.f), 3 * (r + 1.f), 4 * (r + 1.f)});
  set(e, t.swapX,
      std::vector<int32_t>{100 * r, 100 * r + 1, 100 * r + 2, 100 * r + 3});
  set(e, t.bf16, std::vector<uint16_t>{bf(r + 0.5f), bf(-1.25f * (r + 1))});
  set(e, t.i64X, std::vector<int64_t>{(int64_t(1) << 40) * (r + 1)});
  set(e, t.own, std::vector<float>{r + 7.f, -r - 0.5f});
  // Row j of rank r is {10 r + j, -(10 r + j)}; rank 0 sends 1 row to
  // itself and 2 to rank 1, rank 1 2 to rank 0 and 1 to itself.
  set(e, t.rowsX,
      std::vector<float>{10.f * r, -10.f * r, 10.f * r + 1, -10.f * r - 1,
                         10.f * r + 2, -10.f * r - 2});
  set(e, t.sendCounts,
      r == 0 ? std::vector<int32_t>{1, 2} : std::vector<int32_t>{2, 1});
  set(e, t.raggedScatterX, std::vector<float>{r + 1.f, 10.f, 100.f * r});
  set(e, t.raggedGatherX, std::vector<float>{r + 0.5f, r + 0.75f});
  auto byte = [](int v) { return uint8_t(v); };
  set(e, t.fp8X,
      std::vector<uint8_t>{byte(0x10 * r), byte(0x10 * r + 1),
                           byte(0x10 * r + 2), byte(0x10 * r + 3)});
  set(e, t.scalesX, std::vector<uint8_t>{byte(127 + r), byte(120 - r)});
  e.run(t.program);

  // The reversed group lists rank 1 first.
  EXPECT_EQ(get(e, t.gatherY), (std::vector<float>{11, 12, 13, 1, 2, 3}));
  // Sums {3, 6, 9, 12}; rank r keeps block r.
  EXPECT_EQ(get(e, t.scatterY),
            (r == 0 ? std::vector<float>{3, 6} : std::vector<float>{9, 12}));
  // Block s of rank r's output is block r of rank s's input.
  EXPECT_EQ(get<int32_t>(e, t.swapY),
            (std::vector<int32_t>{2 * r, 2 * r + 1, 100 + 2 * r, 101 + 2 * r}));
  EXPECT_EQ(get<uint16_t>(e, t.bf16),
            (std::vector<uint16_t>{bf(2.0f), bf(-3.75f)}));
  EXPECT_EQ(get<int64_t>(e, t.i64Y),
            std::vector<int64_t>{3 * (int64_t(1) << 40)});
  EXPECT_EQ(get(e, t.own), (std::vector<float>{r + 7.f, -r - 0.5f}));
  // Sums {3, 20, 100}: rank 1's shard is the tail and the padding's zero.
  EXPECT_EQ(get(e, t.raggedScatterY),
            (r == 0 ? std::vector<float>{3, 20} : std::vector<float>{100, 0}));
  // Rank 1's padding element is dropped.
  EXPECT_EQ(get(e, t.raggedGatherY), (std::vector<float>{0.5f, 0.75f, 1.5f}));
  // Bytes, unchanged: rank r gets block r of each rank's codes.
  EXPECT_EQ(
      get<uint8_t>(e, t.fp8Y),
      (std::vector<uint8_t>{uint8_t(2 * r), uint8_t(2 * r + 1),
                            uint8_t(0x10 + 2 * r), uint8_t(0x10 + 2 * r + 1)}));
  EXPECT_EQ(get<uint8_t>(e, t.scalesY),
            (std::vector<uint8_t>{127, 120, 128, 119}));
  if (r == 0) {
    EXPECT_EQ(get<int64_t>(e, t.recvCounts), (std::vector<int64_t>{1, 2}));
    EXPECT_EQ(get(e, t.rowsY),
              (std::vector<float>{0, 0, 10, -10, 11, -11, 0, 0}));
  } else {
    EXPECT_EQ(get<int64_t>(e, t.recvCounts), (std::vector<int64_t>{2, 1}));
    EXPECT_EQ(get(e, t.rowsY),
              (std::vector<float>{1, -1, 2, -2, 12, -12, 0, 0}));
  }
}

TEST(MultiRank, CommunicatorErrorsNameTheInstruction) {
  // Rank 0 sends 16 values where rank 1 has room for 8.
  PlanBuilder b;
  b.setWorld(2);
  uint32_t program = 0;
  for (int32_t r = 0; r < 2; ++r) {
    b.onRank(r);
    uint32_t buffer = b.act("message", {r == 0 ? 16 : 8});
    program = b.program("p2p", ProgramKind::other);
    if (r == 0)
      b.emitComm(program, Opcode::send, {buffer}, {}, -1, 1, 7);
    else
      b.emitComm(program, Opcode::recv, {}, {buffer}, -1, 0, 7);
  }
  Plan plan = b.load();
  Executor e(plan, world->rank(), world);
  std::string error = errorOf([&] {
    e.run(program);
    e.finishStep();
  });
  if (world->rank() == 0)
    EXPECT_EQ(error, "") << "the send completes";
  else
    EXPECT_EQ(error.find("rank 1, program 'p2p' (#0), instruction 0 (recv): "
                         "recv: MPI error"),
              0u)
        << error;
  world->barrier();
}

TEST(MultiRank, AWorldOfAnotherSizeIsRefusedBeforeAnyCollective) {
  // Every rank refuses alone, so none waits for a group split.
  Plan one = roundTrip(toyPlan(Layout::OneRank));
  EXPECT_EQ(errorOf([&] { Executor e(one, 0, world); }),
            "rank 0 of a plan for 1 rank cannot run as rank " +
                std::to_string(world->rank()) + " of a world of 2");
}

} // namespace
} // namespace dsc::exec::test

int main(int argc, char **argv) {
  return dsc::comm::test::runMpiTests(&argc, &argv, dsc::exec::test::world);
}
