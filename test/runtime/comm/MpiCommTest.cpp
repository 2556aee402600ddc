//===- MpiCommTest.cpp - MpiCommunicator across real processes ------------===//
//
// Run under mpiexec with any number of ranks (ctest runs 2 and 4; the rules
// of such tests are MpiTestMain.h's). Values encode who sent them, so a
// misrouted element shows which rank and slot it came from.
//
//===----------------------------------------------------------------------===//

#include "MpiTestMain.h"
#include "dsc/comm/MpiCommunicator.h"

#include <cstdio>
#include <gtest/gtest.h>
#include <numeric>
#include <thread>

using namespace dsc::comm;

namespace {

Communicator *world = nullptr;

int rank() { return world->rank(); }
int size() { return world->size(); }

TEST(MpiComm, WorldHasSeveralRanks) {
  // ctest runs this under mpiexec -n 2 and -n 4; a single process would
  // test nothing about communication.
  EXPECT_GE(size(), 2);
  EXPECT_LT(rank(), size());
}

TEST(MpiComm, AllReduceSumsEveryType) {
  const int n = size();
  // f32: rank r contributes r + 1 + i; the sum is n(n+1)/2 + n*i.
  std::vector<float> f(5), fout(5);
  for (int i = 0; i < 5; ++i)
    f[i] = rank() + 1 + i;
  world->allReduce(f.data(), fout.data(), 5, DataType::F32);
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(fout[i], n * (n + 1) / 2 + n * i) << i;

  std::vector<int32_t> i32{rank(), -rank(), 1};
  world->allReduce(i32.data(), i32.data(), 3, DataType::I32); // in place
  EXPECT_EQ(i32, (std::vector<int32_t>{n * (n - 1) / 2, -n * (n - 1) / 2, n}));

  std::vector<int64_t> i64{(1LL << 40) * (rank() + 1)}, i64out(1);
  world->allReduce(i64.data(), i64out.data(), 1, DataType::I64);
  EXPECT_EQ(i64out[0], (1LL << 40) * n * (n + 1) / 2);
}

TEST(MpiComm, BF16SumsAccumulateInFP32) {
  const int n = size();
  // Rank 0 contributes 256, the others 1.5 each. BF16 keeps 8 significant
  // bits (steps of 2 between 256 and 512): accumulated in FP32 and rounded
  // once, 4 ranks give 260.5 -> 260; rounding after each addition would
  // drift (257.5 -> 258, 259.5 -> 260, 261.5 -> 262). With 2 ranks there
  // is only one addition, so only the value is checked there.
  std::vector<uint16_t> v{floatToBF16(rank() == 0 ? 256.0f : 1.5f),
                          floatToBF16(0.5f)};
  std::vector<uint16_t> out(2);
  world->allReduce(v.data(), out.data(), 2, DataType::BF16);
  EXPECT_EQ(out[0], floatToBF16(256.0f + 1.5f * (n - 1)));
  if (n == 4)
    EXPECT_EQ(bf16ToFloat(out[0]), 260.0f);
  EXPECT_EQ(bf16ToFloat(out[1]), 0.5f * n);
  // In place works through the staging too.
  world->allReduce(v.data(), v.data(), 2, DataType::BF16);
  EXPECT_EQ(v, out);
}

TEST(MpiComm, NonBlockingAllReduce) {
  std::vector<float> a(1000, 1.0f), b(1000);
  RequestPtr r = world->iallReduce(a.data(), b.data(), 1000, DataType::F32);
  r->wait();
  for (float x : b)
    ASSERT_EQ(x, static_cast<float>(size()));
}

TEST(MpiComm, ReduceScatter) {
  const int n = size(), count = 3;
  // Block d, element i of rank r's input: 100 * d + i + r.
  std::vector<int32_t> in(n * count), out(count);
  for (int d = 0; d < n; ++d)
    for (int i = 0; i < count; ++i)
      in[d * count + i] = 100 * d + i + rank();
  world->reduceScatter(in.data(), out.data(), count, DataType::I32);
  for (int i = 0; i < count; ++i)
    EXPECT_EQ(out[i], n * (100 * rank() + i) + n * (n - 1) / 2) << i;

  std::vector<uint16_t> bin(n * count, floatToBF16(0.25f)), bout(count);
  world->reduceScatter(bin.data(), bout.data(), count, DataType::BF16);
  for (int i = 0; i < count; ++i)
    EXPECT_EQ(bf16ToFloat(bout[i]), 0.25f * n);
}

TEST(MpiComm, AllGather) {
  const int n = size();
  std::vector<float> in{rank() * 10.0f, rank() * 10.0f + 1}, out(2 * n);
  RequestPtr r = world->iallGather(in.data(), out.data(), 2, DataType::F32);
  r->wait();
  for (int s = 0; s < n; ++s) {
    EXPECT_EQ(out[2 * s], s * 10.0f);
    EXPECT_EQ(out[2 * s + 1], s * 10.0f + 1);
  }
}

TEST(MpiComm, AllToAll) {
  const int n = size();
  // Block d of rank r's input: r * 100 + d; block s of the output must be
  // s * 100 + rank().
  std::vector<int64_t> in(2 * n), out(2 * n);
  for (int d = 0; d < n; ++d)
    in[2 * d] = in[2 * d + 1] = rank() * 100 + d;
  world->allToAll(in.data(), out.data(), 2, DataType::I64);
  for (int s = 0; s < n; ++s) {
    EXPECT_EQ(out[2 * s], s * 100 + rank());
    EXPECT_EQ(out[2 * s + 1], s * 100 + rank());
  }
}

TEST(MpiComm, AllToAllVWithExchangedCounts) {
  const int n = size(), r = rank();
  // Rank r sends r + d + 1 rows of 2 floats to rank d, as MoE dispatch
  // sends data-dependent row counts. The counts are exchanged first, the
  // way the executor runs an all_to_all_v instruction.
  const int H = 2;
  std::vector<int64_t> sendRows(n), recvRows(n);
  for (int d = 0; d < n; ++d)
    sendRows[d] = r + d + 1;
  world->allToAll(sendRows.data(), recvRows.data(), 1, DataType::I64);
  for (int s = 0; s < n; ++s)
    EXPECT_EQ(recvRows[s], s + r + 1);

  std::vector<size_t> sc(n), sd(n), rc(n), rd(n);
  size_t sendTotal = 0, recvTotal = 0;
  for (int p = 0; p < n; ++p) {
    sc[p] = sendRows[p] * H;
    sd[p] = sendTotal;
    sendTotal += sc[p];
    rc[p] = recvRows[p] * H;
    rd[p] = recvTotal;
    recvTotal += rc[p];
  }
  std::vector<float> in(sendTotal), out(recvTotal, -1.0f);
  for (int d = 0; d < n; ++d)
    for (size_t k = 0; k < sc[d]; ++k)
      in[sd[d] + k] = r * 1000 + d * 100 + static_cast<float>(k);
  world->allToAllV(in.data(), sc, sd, out.data(), rc, rd, DataType::F32);
  for (int s = 0; s < n; ++s)
    for (size_t k = 0; k < rc[s]; ++k)
      EXPECT_EQ(out[rd[s] + k], s * 1000 + r * 100 + static_cast<float>(k))
          << "from rank " << s << " element " << k;
}

TEST(MpiComm, SendRecvRing) {
  const int n = size(), r = rank();
  const int next = (r + 1) % n, prev = (r + n - 1) % n;
  // Non-blocking both ways, so the ring cannot deadlock; two tags in
  // flight, received in the opposite order to check matching by tag.
  std::vector<float> a{r + 0.5f}, b{r + 0.25f, r + 0.75f}, ga(1), gb(2);
  RequestPtr rb = world->irecv(gb.data(), 2, DataType::F32, prev, 2);
  RequestPtr ra = world->irecv(ga.data(), 1, DataType::F32, prev, 1);
  RequestPtr sa = world->isend(a.data(), 1, DataType::F32, next, 1);
  RequestPtr sb = world->isend(b.data(), 2, DataType::F32, next, 2);
  ra->wait();
  rb->wait();
  sa->wait();
  sb->wait();
  EXPECT_EQ(ga[0], prev + 0.5f);
  EXPECT_EQ(gb, (std::vector<float>{prev + 0.25f, prev + 0.75f}));
}

TEST(MpiComm, BlockingSendRecvBetweenPairs) {
  // Pairs (0,1), (2,3), ...; a last unpaired rank sits out.
  const int r = rank(), peer = r ^ 1;
  if (peer >= size())
    return;
  std::vector<uint16_t> mine{floatToBF16(r + 1.0f)}, theirs(1);
  if (r % 2 == 0) {
    world->send(mine.data(), 1, DataType::BF16, peer, 7);
    world->recv(theirs.data(), 1, DataType::BF16, peer, 8);
  } else {
    world->recv(theirs.data(), 1, DataType::BF16, peer, 7);
    world->send(mine.data(), 1, DataType::BF16, peer, 8);
  }
  EXPECT_EQ(bf16ToFloat(theirs[0]), peer + 1.0f);
}

TEST(MpiComm, SplitByColorOrderedByKey) {
  const int n = size(), r = rank();
  // Even and odd ranks form two groups, ordered in reverse (key = -rank),
  // as the executor splits the world into dp / ep / pp groups.
  auto sub = world->split(r % 2, -r);
  ASSERT_NE(sub, nullptr);
  int members = (n - (r % 2) + 1) / 2;
  EXPECT_EQ(sub->size(), members);
  // Reverse order: the highest rank of the color is sub-rank 0.
  int highest = (n - 1) - ((n - 1 - r % 2) % 2);
  EXPECT_EQ(sub->rank(), (highest - r) / 2);
  // A sum inside the group adds only its members' ranks.
  int32_t mine = r, sum = 0;
  sub->allReduce(&mine, &sum, 1, DataType::I32);
  int expected = 0;
  for (int q = r % 2; q < n; q += 2)
    expected += q;
  EXPECT_EQ(sum, expected);
  // A broadcast from the group's rank 0 (the highest member).
  int32_t value = sub->rank() == 0 ? 4242 + r : -1;
  sub->broadcast(&value, 1, DataType::I32, 0);
  EXPECT_EQ(value, 4242 + highest);
}

TEST(MpiComm, SplitWithNegativeColorJoinsNothing) {
  auto sub = world->split(rank() == 0 ? -1 : 0, 0);
  if (rank() == 0) {
    EXPECT_EQ(sub, nullptr);
  } else {
    ASSERT_NE(sub, nullptr);
    EXPECT_EQ(sub->size(), size() - 1);
    EXPECT_EQ(sub->rank(), rank() - 1);
  }
}

// The deadline contract: a wait that passes its deadline leaves the
// operation in flight and names the ranks that have not joined it; the
// operation completes once they do. The last rank comes late.
constexpr auto kLate = std::chrono::milliseconds(1500);
constexpr auto kPatience = std::chrono::milliseconds(300);

TEST(MpiComm, TimedWaitNamesTheMemberThatHasNotArrived) {
  const int n = size(), late = n - 1;
  world->barrier();
  if (rank() == late)
    std::this_thread::sleep_for(kLate);
  std::vector<int32_t> in{rank() + 1}, out(1);
  RequestPtr r = world->iallReduce(in.data(), out.data(), 1, DataType::I32);
  if (rank() != late) {
    EXPECT_FALSE(r->waitUntil(Clock::now() + kPatience));
    EXPECT_EQ(r->absentRanks(), std::vector<int>{late});
    std::vector<int> others;
    for (int q = 0; q < n; ++q)
      if (q != rank())
        others.push_back(q);
    EXPECT_EQ(r->peerRanks(), others);
  }
  // Waiting again after a missed deadline completes the operation.
  EXPECT_TRUE(r->waitUntil(Clock::now() + std::chrono::seconds(60)));
  EXPECT_EQ(out[0], n * (n + 1) / 2);
}

TEST(MpiComm, TimedWaitNamesTheSilentPeer) {
  const int n = size(), late = n - 1;
  world->barrier();
  int32_t value = -1;
  if (rank() == 0) {
    RequestPtr r = world->irecv(&value, 1, DataType::I32, late, 5);
    EXPECT_FALSE(r->waitUntil(Clock::now() + kPatience));
    EXPECT_EQ(r->absentRanks(), std::vector<int>{late});
    r->wait();
    EXPECT_EQ(value, 42);
  } else if (rank() == late) {
    std::this_thread::sleep_for(kLate);
    value = 42;
    world->send(&value, 1, DataType::I32, 0, 5);
  }
  world->barrier();
}

TEST(MpiComm, SplitInheritsTheTimeout) {
  world->setTimeout(std::chrono::milliseconds(250));
  std::unique_ptr<Communicator> sub = world->split(0, rank());
  world->setTimeout(std::chrono::milliseconds(0));
  EXPECT_EQ(sub->timeout(), std::chrono::milliseconds(250));
  // Collectives over both still work, arrival notes and all.
  int32_t one = 1, sum = 0;
  sub->allReduce(&one, &sum, 1, DataType::I32);
  EXPECT_EQ(sum, size());
  sub->barrier();
  sub->broadcast(&sum, 1, DataType::I32, 0);
  EXPECT_EQ(sum, size());
}

TEST(MpiComm, BadArgumentsThrowBeforeCommunicating) {
  // Checked locally, before MPI is called: no rank is left waiting.
  float x = 0;
  EXPECT_THROW(world->send(&x, 1, DataType::F32, size(), 0), CommError);
  EXPECT_THROW(world->recv(&x, 1, DataType::F32, -1, 0), CommError);
  EXPECT_THROW(world->send(&x, 1, DataType::F32, 0, -3), CommError);
  float y = 0;
  std::vector<size_t> tooMany(size() + 1, 0);
  EXPECT_THROW(world->allToAllV(&x, tooMany, tooMany, &y, tooMany, tooMany,
                                DataType::F32),
               CommError);
  std::vector<float> buf(4 * size());
  EXPECT_THROW(world->allGather(buf.data(), buf.data(), 1, DataType::F32),
               CommError);
  try {
    world->send(nullptr, size_t(1) << 32, DataType::U8, 0, 0);
    FAIL() << "expected CommError";
  } catch (const CommError &e) {
    EXPECT_NE(std::string(e.what()).find("exceed MPI's int count range"),
              std::string::npos)
        << e.what();
  }
  world->barrier();
}

} // namespace

int main(int argc, char **argv) {
  return dsc::comm::test::runMpiTests(&argc, &argv, world);
}
