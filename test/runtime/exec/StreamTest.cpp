//===- StreamTest.cpp - the CPU device's streams and events ---------------===//
//
// Work on a stream runs in issue order; an event orders one stream (or the
// host) after another's work up to its latest recording; a stream whose
// work threw skips the rest and fails every waiter with that error, so no
// one hangs.
//
//===----------------------------------------------------------------------===//

#include "dsc/exec/Device.h"
#include "dsc/exec/ExecError.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

namespace dsc::exec {
namespace {

struct Log {
  std::mutex mutex;
  std::vector<int> order;
  void add(int v) {
    std::lock_guard<std::mutex> lock(mutex);
    order.push_back(v);
  }
};

TEST(CpuStreams, InlineWorkRunsAtOnceAndWorkersInIssueOrder) {
  auto device = makeCpuDevice();
  EXPECT_STREQ(device->name(), "cpu");
  auto compute = device->createStream("compute", true);
  auto comm = device->createStream("comm", false);
  EXPECT_EQ(comm->name(), "comm");
  Log log;
  compute->enqueue([&] { log.add(0); });
  EXPECT_EQ(log.order, std::vector<int>{0});
  for (int i = 1; i <= 50; ++i)
    comm->enqueue([&, i] { log.add(i); });
  comm->synchronize();
  ASSERT_EQ(log.order.size(), 51u);
  for (int i = 0; i <= 50; ++i)
    EXPECT_EQ(log.order[i], i);
}

TEST(CpuStreams, AnEventOrdersTheHostAfterAWorkersWork) {
  auto device = makeCpuDevice();
  auto comm = device->createStream("comm", false);
  auto compute = device->createStream("compute", true);
  auto done = device->createEvent();
  std::atomic<bool> ran{false};
  comm->enqueue([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    ran = true;
  });
  comm->record(*done);
  // The inline stream's wait blocks the host until the recording.
  compute->wait(*done);
  EXPECT_TRUE(ran);
  // A never-recorded event and a completed one do not block.
  auto fresh = device->createEvent();
  device->waitHost(*fresh);
  device->waitHost(*done);
}

TEST(CpuStreams, AWaitTargetsTheLatestRecordingAtTheTimeOfTheCall) {
  auto device = makeCpuDevice();
  auto a = device->createStream("a", false);
  auto b = device->createStream("b", false);
  auto event = device->createEvent();
  Log log;
  std::atomic<bool> release{false};
  a->enqueue([&] {
    while (!release)
      std::this_thread::yield();
    log.add(1);
  });
  a->record(*event);
  b->wait(*event); // waits for a's first item
  b->enqueue([&] { log.add(2); });
  a->enqueue([&] { log.add(3); });
  a->record(*event); // a later recording: b already waits on the first
  release = true;
  b->synchronize();
  a->synchronize();
  ASSERT_EQ(log.order.size(), 3u);
  EXPECT_EQ(log.order[0], 1);
}

TEST(CpuStreams, AFailedStreamSkipsItsWorkAndFailsItsWaiters) {
  auto device = makeCpuDevice();
  auto comm = device->createStream("comm", false);
  auto other = device->createStream("other", false);
  auto event = device->createEvent();
  std::atomic<bool> skipped{true};
  comm->enqueue([] { throw ExecError("rank 0, instruction 3 (recv): gone"); });
  comm->enqueue([&] { skipped = false; });
  comm->record(*event);
  other->wait(*event);
  other->enqueue([&] { skipped = false; });
  try {
    device->waitHost(*event);
    FAIL() << "the failed stream's event completed";
  } catch (const ExecError &e) {
    EXPECT_STREQ(e.what(), "rank 0, instruction 3 (recv): gone");
  }
  EXPECT_THROW(comm->synchronize(), ExecError);
  EXPECT_THROW(other->synchronize(), ExecError);
  EXPECT_TRUE(skipped);
  // Reported once: the streams run new work, and new recordings complete.
  std::atomic<bool> ran{false};
  comm->enqueue([&] { ran = true; });
  comm->record(*event);
  device->waitHost(*event);
  comm->synchronize();
  other->synchronize();
  EXPECT_TRUE(ran);
}

TEST(CpuStreams, DestroyingAStreamDropsWorkNotStarted) {
  std::atomic<int> ran{0};
  std::atomic<bool> release{false};
  {
    auto device = makeCpuDevice();
    auto comm = device->createStream("comm", false);
    std::atomic<bool> started{false};
    comm->enqueue([&] {
      started = true;
      while (!release)
        std::this_thread::yield();
      ++ran;
    });
    for (int i = 0; i < 10; ++i)
      comm->enqueue([&] { ++ran; });
    while (!started)
      std::this_thread::yield();
    // The first item runs until well after the destruction began (which
    // drops the rest), and well within the second it waits for a call.
    std::thread releaser([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      release = true;
    });
    releaser.detach();
  }
  EXPECT_EQ(ran, 1);
}

TEST(CpuStreams, AStreamStuckInACallDoesNotHoldUpItsDestruction) {
  // A call that never returns within the test (a peer that never answers)
  // is left behind after a second.
  auto stuck = std::make_shared<std::atomic<bool>>(true);
  auto start = std::chrono::steady_clock::now();
  {
    auto device = makeCpuDevice();
    auto comm = device->createStream("comm", false);
    comm->enqueue([stuck] {
      while (*stuck)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  *stuck = false; // lets the thread left behind finish
}

} // namespace
} // namespace dsc::exec
