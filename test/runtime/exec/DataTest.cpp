//===- DataTest.cpp - token batches, the lr schedule, the trace -----------===//

#include "TestPlan.h"
#include "dsc/exec/ExecError.h"
#include "dsc/exec/LearningRate.h"
#include "dsc/exec/TokenBatches.h"
#include "dsc/exec/Trace.h"
#include "dsc/io/Json.h"
#include "dsc/io/TokenFile.h"

#include <numeric>

namespace dsc::exec::test {
namespace {

ModelFacts facts(int64_t vocab, int64_t seq, int64_t mbs, int64_t mbCount,
                 int64_t shards = 1) {
  return {"toy", vocab, 8, seq, mbs, mbCount, shards};
}

std::string countingTokens(const std::string &dir, uint32_t n, uint32_t vocab) {
  std::vector<uint32_t> ids(n);
  std::iota(ids.begin(), ids.end(), 0);
  std::string path = dir + "/count.tok";
  io::writeTokenFile(path, ids, vocab);
  return path;
}

TEST(TokenBatches, WindowsOverlapByOneAndWrapAround) {
  std::string path = countingTokens(tempDir("batches"), 20, 64);
  // 2 micro-batches of 2 sequences of 3 tokens: windows of 7 tokens, 6 apart.
  TokenBatches batches(path, facts(64, 3, 2, 2), 0);
  EXPECT_EQ(batches.tokensPerMicroBatch(), 6);
  EXPECT_EQ(batches.tokensPerStep(), 12u);
  std::vector<int32_t> ids(6), labels(6);
  batches.fill(0, 1, ids.data(), labels.data());
  EXPECT_EQ(ids, (std::vector<int32_t>{6, 7, 8, 9, 10, 11}));
  EXPECT_EQ(labels, (std::vector<int32_t>{7, 8, 9, 10, 11, 12}));
  uint64_t next = batches.advance(0);
  EXPECT_EQ(next, 12u);
  batches.fill(next, 1, ids.data(), labels.data()); // starts at 18 of 20
  EXPECT_EQ(ids, (std::vector<int32_t>{18, 19, 0, 1, 2, 3}));
  EXPECT_EQ(labels, (std::vector<int32_t>{19, 0, 1, 2, 3, 4}));
  EXPECT_EQ(batches.advance(next), 4u);
}

TEST(TokenBatches, ShardsTakeInterleavedWindows) {
  std::string path = countingTokens(tempDir("shards"), 50, 64);
  TokenBatches shard1(path, facts(64, 2, 1, 2, /*shards=*/2), 1);
  std::vector<int32_t> ids(2), labels(2);
  shard1.fill(0, 1, ids.data(), labels.data()); // window 1 x 2 + 1 = 3
  EXPECT_EQ(ids, (std::vector<int32_t>{6, 7}));
  EXPECT_EQ(shard1.tokensPerStep(), 8u);
}

TEST(TokenBatches, RefusesDataThatDoesNotFit) {
  std::string dir = tempDir("badbatches");
  std::string path = countingTokens(dir, 20, 64);
  auto message = [&](const ModelFacts &m) -> std::string {
    try {
      TokenBatches b(path, m, 0);
    } catch (const ExecError &e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(message(facts(32, 3, 2, 1))
                .find("the token file's vocabulary has 64 ids, the model's "
                      "only 32"),
            std::string::npos);
  EXPECT_NE(message(facts(64, 5, 4, 1))
                .find("20 tokens, a micro-batch needs 21 (4 x 5 + 1)"),
            std::string::npos);
  EXPECT_EQ(message(facts(64, 3, 2, 1)), ""); // fits
  try {
    TokenBatches b(dir + "/missing.tok", facts(64, 3, 2, 1), 0);
    FAIL();
  } catch (const ExecError &e) {
    EXPECT_NE(std::string(e.what()).find("missing.tok"), std::string::npos);
  }
}

TEST(LearningRate, WarmupThenDecayToTheFloor) {
  Optimizer o;
  o.lr = 1.0;
  o.minLr = 0.1;
  o.warmupSteps = 4;
  o.decaySteps = 10;
  o.schedule = LrSchedule::constant;
  EXPECT_DOUBLE_EQ(learningRate(o, 1), 0.25);
  EXPECT_DOUBLE_EQ(learningRate(o, 4), 1.0);
  EXPECT_DOUBLE_EQ(learningRate(o, 100), 1.0);
  o.schedule = LrSchedule::linear;
  EXPECT_DOUBLE_EQ(learningRate(o, 2), 0.5);
  EXPECT_DOUBLE_EQ(learningRate(o, 9), 1.0 - 0.9 * 0.5);
  EXPECT_DOUBLE_EQ(learningRate(o, 14), 0.1);
  EXPECT_DOUBLE_EQ(learningRate(o, 1000), 0.1);
  o.schedule = LrSchedule::cosine;
  EXPECT_NEAR(learningRate(o, 9), 0.55, 1e-12); // halfway: the mean
  EXPECT_NEAR(learningRate(o, 14), 0.1, 1e-12);
  o.warmupSteps = 0;
  EXPECT_NEAR(learningRate(o, 1), 0.1 + 0.9 * 0.5 * (1 + std::cos(M_PI / 10)),
              1e-12);
  o.decaySteps = 0; // no decay
  EXPECT_DOUBLE_EQ(learningRate(o, 50), 1.0);
}

TEST(Trace, IsChromeTraceEventJsonWithATrackPerStream) {
  Trace trace;
  auto t0 = Trace::Clock::now();
  trace.record("linear_fwd", t0, t0 + std::chrono::microseconds(5),
               "\"program\": \"fwd\"");
  trace.record("fwd@0", t0, t0 + std::chrono::microseconds(9));
  trace.record("send", t0, t0 + std::chrono::microseconds(2), {}, "comm");
  std::string dir = tempDir("trace");
  trace.write(dir + "/t.json");
  io::MappedFile file = io::MappedFile::open(dir + "/t.json");
  io::JsonValue json = io::parseJson(
      std::string_view(reinterpret_cast<const char *>(file.data()),
                       file.size()),
      "trace");
  const io::JsonValue *events = json.find("traceEvents");
  ASSERT_TRUE(events && events->isArray());
  // Two named tracks, then the three events.
  ASSERT_EQ(events->elements().size(), 5u);
  for (size_t t = 0; t < 2; ++t) {
    const io::JsonValue &m = events->elements()[t];
    EXPECT_EQ(m.find("ph")->stringValue(), "M");
    EXPECT_EQ(m.find("name")->stringValue(), "thread_name");
    EXPECT_EQ(m.find("tid")->numberText(), std::to_string(t));
    EXPECT_EQ(m.find("args")->find("name")->stringValue(),
              t == 0 ? "compute" : "comm");
  }
  const io::JsonValue &e = events->elements()[2];
  EXPECT_EQ(e.find("name")->stringValue(), "linear_fwd");
  EXPECT_EQ(e.find("ph")->stringValue(), "X");
  EXPECT_EQ(e.find("tid")->numberText(), "0");
  EXPECT_EQ(e.find("dur")->numberText(), "5.000");
  EXPECT_EQ(e.find("args")->find("program")->stringValue(), "fwd");
  EXPECT_EQ(events->elements()[4].find("tid")->numberText(), "1");
}

} // namespace
} // namespace dsc::exec::test
