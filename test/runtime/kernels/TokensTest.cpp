//===- TokensTest.cpp - token-id kernels ----------------------------------===//

#include "dsc/kernels/cpu/Tokens.h"
#include "gtest/gtest.h"
#include <stdexcept>
#include <vector>

using namespace dsc::kernels::cpu;

namespace {

// Two sequences of 4: each moves 1 (or 2) ahead within itself, the tail
// filled, nothing crossing from one sequence into the next.
TEST(Tokens, ShiftStaysInsideEachSequence) {
  std::vector<int32_t> ids = {10, 11, 12, 13, 20, 21, 22, 23}, out(8);
  shiftTokens(ids.data(), out.data(), 8, 4, 1, -100);
  EXPECT_EQ(out, (std::vector<int32_t>{11, 12, 13, -100, 21, 22, 23, -100}));
  shiftTokens(ids.data(), out.data(), 8, 4, 2, 0);
  EXPECT_EQ(out, (std::vector<int32_t>{12, 13, 0, 0, 22, 23, 0, 0}));
  shiftTokens(ids.data(), out.data(), 8, 4, 0, 0);
  EXPECT_EQ(out, ids);
}

TEST(Tokens, ShiftRejectsBadShapes) {
  std::vector<int32_t> ids(6), out(6);
  EXPECT_THROW(shiftTokens(ids.data(), out.data(), 6, 4, 1, 0),
               std::invalid_argument);
  EXPECT_THROW(shiftTokens(ids.data(), out.data(), 6, 3, 3, 0),
               std::invalid_argument);
}

} // namespace
