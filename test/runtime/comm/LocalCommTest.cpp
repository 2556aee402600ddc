//===- LocalCommTest.cpp - The one-process communicator -------------------===//

#include "dsc/comm/LocalCommunicator.h"
#include "dsc/comm/MpiCommunicator.h"

#include <cmath>
#include <gtest/gtest.h>
#include <numeric>

using namespace dsc::comm;

namespace {

TEST(LocalComm, IsAWorldOfOne) {
  LocalCommunicator c;
  EXPECT_EQ(c.rank(), 0);
  EXPECT_EQ(c.size(), 1);
  c.barrier();
}

TEST(LocalComm, CollectivesCopy) {
  LocalCommunicator c;
  std::vector<float> in{1.5f, -2.f, 3.25f}, out(3, 0.f);
  c.allReduce(in.data(), out.data(), 3, DataType::F32);
  EXPECT_EQ(out, in);
  std::fill(out.begin(), out.end(), 0.f);
  c.reduceScatter(in.data(), out.data(), 3, DataType::F32);
  EXPECT_EQ(out, in);
  std::fill(out.begin(), out.end(), 0.f);
  c.allGather(in.data(), out.data(), 3, DataType::F32);
  EXPECT_EQ(out, in);
  std::fill(out.begin(), out.end(), 0.f);
  c.allToAll(in.data(), out.data(), 3, DataType::F32);
  EXPECT_EQ(out, in);

  // Integer and BF16 buffers move unchanged too (a sum over one rank is
  // the value itself, with no rounding).
  std::vector<int64_t> big{1LL << 40, -7}, bigOut(2);
  c.allReduce(big.data(), bigOut.data(), 2, DataType::I64);
  EXPECT_EQ(bigOut, big);
  std::vector<uint16_t> bf{0x3F80, 0xC040, 0x7FC1}, bfOut(3);
  c.allReduce(bf.data(), bfOut.data(), 3, DataType::BF16);
  EXPECT_EQ(bfOut, bf);
}

TEST(LocalComm, AllReduceInPlace) {
  LocalCommunicator c;
  std::vector<int32_t> v{4, 5, 6};
  c.allReduce(v.data(), v.data(), 3, DataType::I32);
  EXPECT_EQ(v, (std::vector<int32_t>{4, 5, 6}));
}

TEST(LocalComm, OnlyAllReduceWorksInPlace) {
  // The same rule as MPI's, so code that passes here is valid there.
  LocalCommunicator c;
  std::vector<float> v(2);
  EXPECT_THROW(c.reduceScatter(v.data(), v.data(), 2, DataType::F32),
               CommError);
  EXPECT_THROW(c.allGather(v.data(), v.data(), 2, DataType::F32), CommError);
  EXPECT_THROW(c.allToAll(v.data(), v.data(), 2, DataType::F32), CommError);
  EXPECT_THROW(
      c.allToAllV(v.data(), {2}, {0}, v.data(), {2}, {0}, DataType::F32),
      CommError);
}

TEST(LocalComm, AllToAllVHonoursDisplacements) {
  LocalCommunicator c;
  std::vector<int32_t> in{9, 9, 1, 2, 3}, out(6, 0);
  c.allToAllV(in.data(), {3}, {2}, out.data(), {3}, {1}, DataType::I32);
  EXPECT_EQ(out, (std::vector<int32_t>{0, 1, 2, 3, 0, 0}));
}

TEST(LocalComm, AllToAllVChecksCounts) {
  LocalCommunicator c;
  std::vector<int32_t> in(4), out(4);
  EXPECT_THROW(
      c.allToAllV(in.data(), {3}, {0}, out.data(), {2}, {0}, DataType::I32),
      CommError);
  EXPECT_THROW(c.allToAllV(in.data(), {1, 1}, {0, 1}, out.data(), {1}, {0},
                           DataType::I32),
               CommError);
}

TEST(LocalComm, SendToSelfMatchesByTag) {
  LocalCommunicator c;
  std::vector<float> a{1, 2}, b{3, 4, 5}, ra(2), rb(3);
  c.send(a.data(), 2, DataType::F32, 0, /*tag=*/1);
  c.send(b.data(), 3, DataType::F32, 0, /*tag=*/2);
  EXPECT_EQ(c.pendingMessages(), 2u);
  // Received in the opposite order: tags, not arrival, decide.
  c.recv(rb.data(), 3, DataType::F32, 0, 2);
  c.recv(ra.data(), 2, DataType::F32, 0, 1);
  EXPECT_EQ(ra, a);
  EXPECT_EQ(rb, b);
  EXPECT_EQ(c.pendingMessages(), 0u);
}

TEST(LocalComm, ReceivePostedBeforeTheSend) {
  LocalCommunicator c;
  std::vector<int32_t> msg{7, 8, 9}, got(4, 0);
  // A larger buffer than the message is fine, as with MPI.
  RequestPtr r = c.irecv(got.data(), 4, DataType::I32, 0, 5);
  RequestPtr s = c.isend(msg.data(), 3, DataType::I32, 0, 5);
  s->wait();
  r->wait();
  r->wait(); // waiting twice is harmless
  EXPECT_EQ(got, (std::vector<int32_t>{7, 8, 9, 0}));
}

TEST(LocalComm, PointToPointErrors) {
  LocalCommunicator c;
  std::vector<float> buf(4);
  EXPECT_THROW(c.send(buf.data(), 4, DataType::F32, 1, 0), CommError);
  EXPECT_THROW(c.send(buf.data(), 4, DataType::F32, 0, -1), CommError);
  // Nothing was sent: with one process the receive would wait forever.
  try {
    c.recv(buf.data(), 4, DataType::F32, 0, 0);
    FAIL() << "expected CommError";
  } catch (const CommError &e) {
    EXPECT_NE(std::string(e.what()).find("no message of tag 0"),
              std::string::npos)
        << e.what();
  }
  // A message larger than the buffer, or of another type, is refused.
  c.send(buf.data(), 4, DataType::F32, 0, 3);
  EXPECT_THROW(c.recv(buf.data(), 2, DataType::F32, 0, 3), CommError);
  c.send(buf.data(), 4, DataType::F32, 0, 4);
  EXPECT_THROW(c.recv(buf.data(), 4, DataType::I32, 0, 4), CommError);
}

TEST(LocalComm, Split) {
  LocalCommunicator c;
  auto sub = c.split(3, 0);
  ASSERT_NE(sub, nullptr);
  EXPECT_EQ(sub->size(), 1);
  EXPECT_EQ(sub->rank(), 0);
  EXPECT_EQ(c.split(-1, 0), nullptr);
}

TEST(LocalComm, Broadcast) {
  LocalCommunicator c;
  std::vector<uint8_t> id{1, 2, 3};
  c.broadcast(id.data(), 3, DataType::U8, 0);
  EXPECT_EQ(id, (std::vector<uint8_t>{1, 2, 3}));
  EXPECT_THROW(c.broadcast(id.data(), 3, DataType::U8, 1), CommError);
}

TEST(BFloat16, RoundsToNearestEven) {
  EXPECT_EQ(floatToBF16(1.0f), 0x3F80);
  EXPECT_EQ(bf16ToFloat(0x3F80), 1.0f);
  EXPECT_EQ(bf16ToFloat(0xC040), -3.0f);
  // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: ties to even (1).
  EXPECT_EQ(floatToBF16(1.0f + std::ldexp(1.0f, -8)), 0x3F80);
  // 1 + 3 * 2^-8 is halfway between 1 + 2^-7 (odd) and 1 + 2^-6: up.
  EXPECT_EQ(floatToBF16(1.0f + 3 * std::ldexp(1.0f, -8)), 0x3F82);
  // Just above halfway rounds up.
  EXPECT_EQ(floatToBF16(1.0f + std::ldexp(1.0f, -8) + std::ldexp(1.0f, -20)),
            0x3F81);
  EXPECT_TRUE(std::isnan(bf16ToFloat(floatToBF16(std::nanf("")))));
  EXPECT_EQ(floatToBF16(INFINITY), 0x7F80);
  // The largest finite float rounds to infinity in BF16, as IEEE says.
  EXPECT_EQ(floatToBF16(3.4028235e38f), 0x7F80);
}

TEST(CommTimeout, NamesTheRanksItWaitedFor) {
  using std::chrono::milliseconds;
  CommTimeout absent("all_reduce", milliseconds(3000), {1, 2}, {1, 2, 3});
  EXPECT_STREQ(absent.what(),
               "all_reduce: no progress for 3 s: waiting for ranks 1, 2, "
               "which have not reached this all_reduce (stopped, stuck or "
               "waiting elsewhere)");
  // Ranks of a group, shown as world ranks.
  EXPECT_EQ(absent.describe({4, 5, 6, 7}),
            "no progress for 3 s: waiting for ranks 5, 6, which have not "
            "reached this all_reduce (stopped, stuck or waiting elsewhere)");
  CommTimeout inside("all_gather", milliseconds(500), {}, {1});
  EXPECT_EQ(inside.describe(), "no progress for 0.5 s although every rank "
                               "reached this all_gather: rank 1 stopped "
                               "inside it");
  CommTimeout recv("recv", milliseconds(2000), {3}, {3});
  EXPECT_EQ(recv.describe(), "no progress for 2 s: waiting for rank 3, which "
                             "has not sent the message (stopped, stuck or "
                             "waiting elsewhere)");
}

TEST(LocalComm, RequestsMeetAnyDeadlineAndSplitsKeepTheTimeout) {
  LocalCommunicator comm;
  comm.setTimeout(std::chrono::milliseconds(10));
  float x = 1, y = 0;
  EXPECT_TRUE(
      comm.iallReduce(&x, &y, 1, DataType::F32)->waitUntil(Clock::now()));
  EXPECT_EQ(y, 1);
  std::unique_ptr<Communicator> sub = comm.split(0, 0);
  EXPECT_EQ(sub->timeout(), std::chrono::milliseconds(10));
}

TEST(Mpi, EnvironmentReportsAvailability) {
  if (mpiAvailable())
    GTEST_SKIP() << "built with MPI: covered by dsc-comm-mpi-tests";
  EXPECT_THROW(MpiEnvironment(nullptr, nullptr), CommError);
}

} // namespace
