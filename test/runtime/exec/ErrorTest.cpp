//===- ErrorTest.cpp - one error type across the runtime's libraries ------===//
//
// Every library's error is a dsc::Error with a code that says what kind of
// failure it is, so one catch site serves them all and a caller can tell a
// bad input from a dead peer without reading the message.
//
//===----------------------------------------------------------------------===//

#include "dsc/io/Error.h"
#include "dsc/comm/LocalCommunicator.h"
#include "dsc/exec/ExecError.h"
#include "dsc/io/MappedFile.h"
#include "dsc/plan/PlanFile.h"
#include "dsc/plan/Validate.h"
#include "dsc/support/Error.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>

namespace dsc {
namespace {

/// The code of the dsc::Error `fn` throws (Internal if it throws nothing).
ErrorCode codeOf(const std::function<void()> &fn) {
  try {
    fn();
  } catch (const Error &e) {
    return e.code();
  }
  return ErrorCode::Internal;
}

TEST(Error, EveryLibrarysErrorIsADscErrorWithItsCode) {
  EXPECT_EQ(codeOf([] { throw io::Error("x"); }), ErrorCode::DataLoss);
  EXPECT_EQ(codeOf([] { throw comm::CommError("x"); }), ErrorCode::Unavailable);
  EXPECT_EQ(codeOf([] {
              throw comm::CommTimeout("all_reduce", std::chrono::seconds(3),
                                      {1}, {1});
            }),
            ErrorCode::DeadlineExceeded);
  EXPECT_EQ(codeOf([] { throw exec::ExecError("x"); }),
            ErrorCode::InvalidArgument);
  EXPECT_EQ(codeOf([] { throw exec::CommTimeoutError("x"); }),
            ErrorCode::DeadlineExceeded);
  // The old names still catch their own.
  EXPECT_THROW(throw exec::CommTimeoutError("x"), exec::ExecError);
  EXPECT_THROW(
      throw comm::CommTimeout("recv", std::chrono::seconds(1), {}, {0}),
      comm::CommError);
  try {
    throw io::Error("a.safetensors: truncated", ErrorCode::DataLoss);
  } catch (const std::runtime_error &e) {
    EXPECT_STREQ(e.what(), "a.safetensors: truncated");
  }
  EXPECT_STREQ(errorCodeName(ErrorCode::DeadlineExceeded), "deadline exceeded");
}

TEST(Error, LibrariesReportWhatKindOfFailure) {
  EXPECT_EQ(codeOf([] { io::MappedFile::open("/nonexistent/dsc/file"); }),
            ErrorCode::NotFound);
  comm::LocalCommunicator local;
  float value = 0;
  EXPECT_EQ(codeOf([&] { local.send(&value, 1, comm::DataType::F32, 0, -1); }),
            ErrorCode::InvalidArgument);
  EXPECT_EQ(codeOf([] { plan::loadPlanFile("/nonexistent/dsc/plan.dscplan"); }),
            ErrorCode::NotFound);
  const uint8_t garbage[40] = {'n', 'o', 't', ' ', 'a',
                               ' ', 'p', 'l', 'a', 'n'};
  EXPECT_EQ(codeOf([&] { plan::loadPlan(garbage, sizeof garbage); }),
            ErrorCode::DataLoss);
  EXPECT_EQ(codeOf([] { plan::checkPlan(plan::Plan()); }),
            ErrorCode::InvalidArgument);
}

TEST(Error, ThePlanFilesThrowingFormsKeepTheMessages) {
  const uint8_t garbage[8] = {};
  plan::Plan out;
  std::string error;
  ASSERT_FALSE(plan::loadPlan(garbage, sizeof garbage, out, error));
  try {
    plan::loadPlan(garbage, sizeof garbage);
    FAIL() << "loaded garbage";
  } catch (const Error &e) {
    EXPECT_EQ(e.what(), error);
  }
}

} // namespace
} // namespace dsc
