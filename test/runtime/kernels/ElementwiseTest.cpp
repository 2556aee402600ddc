//===- ElementwiseTest.cpp - swiglu, add, concat and split ----------------===//

#include "dsc/kernels/cpu/Elementwise.h"
#include "KernelTestUtil.h"

using namespace dsc::kernels::cpu;
using namespace dsc::kernels::cpu::test;

TEST(Swiglu, ForwardByHand) {
  std::vector<float> gate = {0.0f, 2.0f, -1.0f}, up = {5.0f, 3.0f, 2.0f};
  std::vector<float> y(3);
  swigluForward(gate.data(), up.data(), y.data(), 3);
  EXPECT_EQ(y[0], 0.0f);
  EXPECT_NEAR(y[1], 2.0 / (1 + std::exp(-2.0)) * 3.0, 1e-6);
  EXPECT_NEAR(y[2], -1.0 / (1 + std::exp(1.0)) * 2.0, 1e-6);
}

TEST(Swiglu, BackwardMatchesFiniteDifferences) {
  const int64_t n = 40;
  std::vector<float> gate = randomVector(n, 20, -4.0f, 4.0f);
  std::vector<float> up = randomVector(n, 21);
  std::vector<float> dy = randomVector(n, 22);
  std::vector<float> dgate(n), dup(n), y(n);
  swigluBackward(dy.data(), gate.data(), up.data(), dgate.data(), dup.data(),
                 n);
  auto loss = [&] {
    swigluForward(gate.data(), up.data(), y.data(), n);
    return dot(dy, y);
  };
  expectMatchesFiniteDifferences(gate, dgate, loss, "dgate");
  expectMatchesFiniteDifferences(up, dup, loss, "dup");
}

TEST(Add, ForwardAndBackwardMatchFiniteDifferences) {
  const int64_t n = 12;
  std::vector<float> a = randomVector(n, 23), b = randomVector(n, 24);
  std::vector<float> dy = randomVector(n, 25), y(n), da(n), db(n);
  addForward(a.data(), b.data(), y.data(), n);
  for (int64_t i = 0; i < n; ++i)
    EXPECT_EQ(y[i], a[i] + b[i]);
  addBackward(dy.data(), da.data(), db.data(), n);
  auto loss = [&] {
    addForward(a.data(), b.data(), y.data(), n);
    return dot(dy, y);
  };
  expectMatchesFiniteDifferences(a, da, loss, "da");
  expectMatchesFiniteDifferences(b, db, loss, "db");
}

namespace {

/// MLA's key: k_nope [T, h, n] and the shared k_pe [T, 1, r] -> [T, h, n+r].
struct MLAKey {
  int64_t tokens = 3, heads = 4, nope = 5, rope = 2;
  Shape nopeShape{tokens, heads, nope}, peShape{tokens, 1, rope};
  Shape wholeShape{tokens, heads, nope + rope};
  std::vector<float> kNope = randomVector(tokens * heads * nope, 26);
  std::vector<float> kPe = randomVector(tokens * rope, 27);
};

} // namespace

TEST(Concat, BroadcastsSharedOperand) {
  MLAKey c;
  std::vector<float> whole(numElements(c.wholeShape));
  const float *parts[] = {c.kNope.data(), c.kPe.data()};
  Shape shapes[] = {c.nopeShape, c.peShape};
  concatForward(parts, shapes, 2, whole.data(), c.wholeShape);
  int64_t width = c.nope + c.rope;
  for (int64_t t = 0; t < c.tokens; ++t)
    for (int64_t h = 0; h < c.heads; ++h) {
      const float *row = &whole[(t * c.heads + h) * width];
      for (int64_t i = 0; i < c.nope; ++i)
        EXPECT_EQ(row[i], c.kNope[(t * c.heads + h) * c.nope + i]);
      for (int64_t i = 0; i < c.rope; ++i)
        EXPECT_EQ(row[c.nope + i], c.kPe[t * c.rope + i]);
    }
}

TEST(Concat, BackwardMatchesFiniteDifferences) {
  MLAKey c;
  std::vector<float> whole(numElements(c.wholeShape));
  std::vector<float> dwhole = randomVector(whole.size(), 28);
  std::vector<float> dNope(c.kNope.size()), dPe(c.kPe.size());
  Shape shapes[] = {c.nopeShape, c.peShape};
  float *dparts[] = {dNope.data(), dPe.data()};
  concatBackward(dwhole.data(), c.wholeShape, dparts, shapes, 2);
  auto loss = [&] {
    const float *parts[] = {c.kNope.data(), c.kPe.data()};
    concatForward(parts, shapes, 2, whole.data(), c.wholeShape);
    return dot(dwhole, whole);
  };
  expectMatchesFiniteDifferences(c.kNope, dNope, loss, "dk_nope");
  // The broadcast operand's gradient is the sum over heads.
  expectMatchesFiniteDifferences(c.kPe, dPe, loss, "dk_pe");
}

TEST(Split, IsConcatsAdjoint) {
  // q [T, h, n+r] -> q_nope [T, h, n], q_pe [T, h, r]; and the reverse.
  const int64_t tokens = 2, heads = 3, nope = 4, rope = 2;
  Shape whole{tokens, heads, nope + rope};
  Shape shapes[] = {{tokens, heads, nope}, {tokens, heads, rope}};
  std::vector<float> q = randomVector(numElements(whole), 29);
  std::vector<float> qNope(tokens * heads * nope), qPe(tokens * heads * rope);
  float *parts[] = {qNope.data(), qPe.data()};
  splitForward(q.data(), whole, parts, shapes, 2);
  for (int64_t r = 0; r < tokens * heads; ++r) {
    for (int64_t i = 0; i < nope; ++i)
      EXPECT_EQ(qNope[r * nope + i], q[r * (nope + rope) + i]);
    for (int64_t i = 0; i < rope; ++i)
      EXPECT_EQ(qPe[r * rope + i], q[r * (nope + rope) + nope + i]);
  }
  // Backward against finite differences.
  std::vector<float> dNope = randomVector(qNope.size(), 30);
  std::vector<float> dPe = randomVector(qPe.size(), 31);
  std::vector<float> dq(q.size());
  const float *dparts[] = {dNope.data(), dPe.data()};
  splitBackward(dparts, shapes, 2, dq.data(), whole);
  auto loss = [&] {
    splitForward(q.data(), whole, parts, shapes, 2);
    return dot(dNope, qNope) + dot(dPe, qPe);
  };
  expectMatchesFiniteDifferences(q, dq, loss, "dq");
}

TEST(Split, BroadcastPartGetsTheSum) {
  // kv [T, 2, 3] split into a [T, 2, 2] part and a broadcast [T, 1, 1] part.
  Shape whole{1, 2, 3};
  Shape shapes[] = {{1, 2, 2}, {1, 1, 1}};
  std::vector<float> kv = {1, 2, 3, 4, 5, 6}, a(4), b(1);
  float *parts[] = {a.data(), b.data()};
  splitForward(kv.data(), whole, parts, shapes, 2);
  EXPECT_EQ(a, (std::vector<float>{1, 2, 4, 5}));
  EXPECT_EQ(b[0], 3.0f + 6.0f);
}

TEST(Concat, RejectsMismatchedShapes) {
  std::vector<float> a(6), b(6), whole(12);
  const float *parts[] = {a.data(), b.data()};
  Shape bad[] = {{2, 3}, {3, 2}};
  EXPECT_THROW(concatForward(parts, bad, 2, whole.data(), {2, 6}),
               std::invalid_argument);
  Shape wrongWidth[] = {{2, 3}, {2, 3}};
  EXPECT_THROW(concatForward(parts, wrongWidth, 2, whole.data(), {2, 5}),
               std::invalid_argument);
}
