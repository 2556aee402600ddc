//===- CommTest.cpp - communication instructions in a world of one --------===//
//
// An executor without a world (it makes its own world of one) or with a
// LocalCommunicator runs collectives over one-rank groups as the identity,
// refuses at bind time what the communicators cannot move, and names the
// instruction in errors. Several ranks: MultiRankTest.cpp under mpiexec.
//
//===----------------------------------------------------------------------===//

#include "TestPlan.h"
#include "ToyPlans.h"
#include "dsc/comm/LocalCommunicator.h"
#include "dsc/numerics/HalfFloat.h"

namespace dsc::exec::test {
namespace {

/// Every collective over a group of one rank, whose results must be the
/// inputs.
struct OneRankCollectives {
  PlanBuilder b;
  int32_t group = b.group("dp", GroupKind::dp, {0});
  uint32_t x = b.act("x", {3, 2}), sum = b.act("sum", {3, 2}),
           gathered = b.act("gathered", {3, 2}),
           scattered = b.act("scattered", {3, 2}),
           swapped = b.act("swapped", {3, 2}),
           half = b.act("half", {4}, DType::bf16),
           sendCounts = b.act("send_counts", {1}, DType::i32),
           rows = b.act("rows", {4, 2}),
           recvCounts = b.act("recv_counts", {1}, DType::i64);
  uint32_t program = b.program("comm", ProgramKind::other);

  OneRankCollectives() {
    b.emitComm(program, Opcode::all_reduce, {x}, {sum}, group);
    b.emitComm(program, Opcode::all_reduce, {half}, {half}, group);
    b.emitComm(program, Opcode::all_gather, {x}, {gathered}, group);
    b.emitComm(program, Opcode::reduce_scatter, {x}, {scattered}, group);
    b.emitComm(program, Opcode::all_to_all, {x}, {swapped}, group);
    b.emitComm(program, Opcode::all_to_all_v, {x, sendCounts},
               {rows, recvCounts}, group);
  }
};

TEST(Communication, OneRankGroupsAreTheIdentity) {
  OneRankCollectives t;
  Plan plan = t.b.load();
  comm::LocalCommunicator local;
  for (comm::Communicator *world :
       {(comm::Communicator *)nullptr, (comm::Communicator *)&local}) {
    SCOPED_TRACE(world ? "LocalCommunicator" : "the executor's own world");
    Executor e(plan, 0, world);
    EXPECT_EQ(e.world().size(), 1);
    std::vector<float> x{1, -2, 3.5f, 4, 0.25f, -6};
    std::vector<uint16_t> half;
    for (float v : {1.5f, -2.0f, 3.0f, 0.25f})
      half.push_back(numerics::floatToBF16(v));
    set(e, t.x, x);
    set(e, t.half, half);
    set(e, t.sendCounts, std::vector<int32_t>{2});
    e.run(t.program);
    EXPECT_EQ(get(e, t.sum), x);
    EXPECT_EQ(get<uint16_t>(e, t.half), half);
    EXPECT_EQ(get(e, t.gathered), x);
    EXPECT_EQ(get(e, t.scattered), x);
    EXPECT_EQ(get(e, t.swapped), x);
    // Two rows sent to itself land first; the rest of `rows` is untouched.
    EXPECT_EQ(get(e, t.rows), (std::vector<float>{1, -2, 3.5f, 4, 0, 0, 0, 0}));
    EXPECT_EQ(get<int64_t>(e, t.recvCounts), std::vector<int64_t>{2});
  }
}

TEST(Communication, AllToAllVCountsAreCheckedWhenTheyAreRead) {
  OneRankCollectives t;
  Plan plan = t.b.load();
  Executor e(plan, 0);
  set(e, t.sendCounts, std::vector<int32_t>{4});
  EXPECT_EQ(errorOf([&] {
              e.run(t.program, 1);
              e.synchronize();
            }),
            "rank 0, program 'comm' (#0), instruction 5 (all_to_all_v), "
            "micro-batch 1: send_counts of members 0..0 add up to more than "
            "the 3 rows of x");
  set(e, t.sendCounts, std::vector<int32_t>{-1});
  EXPECT_NE(errorOf([&] {
              e.run(t.program);
              e.synchronize();
            }).find("(all_to_all_v): send_counts[0] is negative (-1)"),
            std::string::npos);
}

TEST(Communication, BindingRefusesWhatTheCommunicatorCannotMove) {
  PlanBuilder b;
  int32_t g = b.group("dp", GroupKind::dp, {0});
  uint32_t x = b.act("x", {4}, DType::f16), y = b.act("y", {4}, DType::f16);
  uint32_t p = b.program("comm", ProgramKind::other);
  b.emitComm(p, Opcode::all_gather, {x}, {y}, g);
  Plan plan = b.load();
  EXPECT_EQ(errorOf([&] { Executor e(plan, 0); }),
            "rank 0, program 'comm' (#0), instruction 0 (all_gather): input 0 "
            "(x) b0 'x' f16 [4]: communication moves f32, bf16, i32, i64 and "
            "8-bit (u8, FP8, UE8M0) buffers");
}

TEST(Communication, OnlyAllReduceWorksInPlace) {
  PlanBuilder b;
  int32_t g = b.group("dp", GroupKind::dp, {0});
  uint32_t x = b.act("x", {32});
  // A view of the arena that starts in the middle of x.
  Buffer shifted;
  shifted.name = "shifted";
  shifted.dtype = DType::f32;
  shifted.shape = {32};
  shifted.offset = 64;
  shifted.size = 128;
  uint32_t y = b.add(shifted);
  b.rank().arenaSize = 192;
  uint32_t p = b.program("comm", ProgramKind::other);
  b.emitComm(p, Opcode::all_reduce, {x}, {x}, g);
  Plan inPlace = b.load();
  Executor ok(inPlace, 0);

  b.emitComm(p, Opcode::all_to_all, {x}, {x}, g);
  Plan swapInPlace = b.load();
  EXPECT_NE(errorOf([&] { Executor e(swapInPlace, 0); })
                .find("instruction 1 (all_to_all): input 0 (x) b0 'x' f32 "
                      "[32] and output 0 (y) b0 'x' f32 [32] share bytes; "
                      "only all_reduce works in place"),
            std::string::npos);

  b.rank().programs[p].instructions.pop_back();
  b.emitComm(p, Opcode::all_reduce, {x}, {y}, g);
  Plan overlapping = b.load();
  EXPECT_NE(errorOf([&] { Executor e(overlapping, 0); })
                .find("instruction 1 (all_reduce): input 0 (x) b0 'x' f32 "
                      "[32] and output 0 (y) b1 'shifted' f32 [32] share "
                      "bytes"),
            std::string::npos);
}

TEST(Communication, APlanForAnotherWorldIsRefused) {
  Plan pipeline = roundTrip(toyPlan(Layout::Pipeline));
  EXPECT_EQ(
      errorOf([&] { Executor e(pipeline, 0); }),
      "rank 0 of a plan for 2 ranks cannot run as rank 0 of a world of 1");
}

} // namespace
} // namespace dsc::exec::test
