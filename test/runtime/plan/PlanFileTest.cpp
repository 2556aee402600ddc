//===- PlanFileTest.cpp - Plan files: round trip, container, corruption ---===//

#include "SamplePlan.h"

#include "dsc/plan/Dump.h"
#include "dsc/plan/PlanFile.h"
#include "dsc/plan/Validate.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <gtest/gtest.h>
#include <random>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

using namespace dsc::plan;
using dsc::plan::test::makeTwoRankPlan;

namespace {

std::string readText(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void writeBytes(const std::string &path, const std::vector<uint8_t> &bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char *>(bytes.data()), bytes.size());
}

/// A fresh directory under the test temp dir.
std::string tempDir() {
  std::string pattern = ::testing::TempDir() + "dsc-plan-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  const char *dir = ::mkdtemp(buf.data());
  EXPECT_NE(dir, nullptr);
  return dir ? dir : "/tmp";
}

std::vector<std::string> listDir(const std::string &dir) {
  std::vector<std::string> names;
  std::string cmd = "ls -A '" + dir + "'";
  FILE *p = ::popen(cmd.c_str(), "r");
  char line[4096];
  while (p && std::fgets(line, sizeof line, p)) {
    std::string s = line;
    if (!s.empty() && s.back() == '\n')
      s.pop_back();
    names.push_back(s);
  }
  if (p)
    ::pclose(p);
  return names;
}

/// Loads bytes; returns the error or "" on success.
std::string loadError(const std::vector<uint8_t> &bytes) {
  Plan out;
  std::string error;
  if (loadPlan(bytes.data(), bytes.size(), out, error))
    return "";
  EXPECT_FALSE(error.empty()) << "a failure must say why";
  return error;
}

std::vector<uint8_t> payloadOf(const std::vector<uint8_t> &file) {
  return std::vector<uint8_t>(file.begin() + kPlanHeaderSize, file.end());
}

//===----------------------------------------------------------------------===//
// CRC-32C
//===----------------------------------------------------------------------===//

TEST(Crc32c, KnownValues) {
  // The standard check value and RFC 3720's (iSCSI) test vectors.
  EXPECT_EQ(crc32c("123456789", 9), 0xE3069283u);
  EXPECT_EQ(crc32c("", 0), 0u);
  std::vector<uint8_t> zeros(32, 0), ones(32, 0xFF), up(32), down(32);
  for (int i = 0; i < 32; ++i) {
    up[i] = static_cast<uint8_t>(i);
    down[i] = static_cast<uint8_t>(31 - i);
  }
  EXPECT_EQ(crc32c(zeros.data(), 32), 0x8A9136AAu);
  EXPECT_EQ(crc32c(ones.data(), 32), 0x62A8AB43u);
  EXPECT_EQ(crc32c(up.data(), 32), 0x46DD794Eu);
  EXPECT_EQ(crc32c(down.data(), 32), 0x113FDB5Cu);
}

TEST(Crc32c, ContinuesAcrossPieces) {
  // Every split point (both the 8-byte and the byte-wise loops) must agree
  // with the one-shot checksum.
  std::vector<uint8_t> data(100);
  for (size_t i = 0; i < data.size(); ++i)
    data[i] = static_cast<uint8_t>(i * 37 + 11);
  uint32_t whole = crc32c(data.data(), data.size());
  for (size_t split = 0; split <= data.size(); ++split)
    EXPECT_EQ(crc32c(data.data() + split, data.size() - split,
                     crc32c(data.data(), split)),
              whole)
        << split;
}

//===----------------------------------------------------------------------===//
// Round trip and the golden dump
//===----------------------------------------------------------------------===//

TEST(PlanFile, RoundTripThroughAFile) {
  Plan plan = makeTwoRankPlan();
  std::string dir = tempDir();
  std::string path = dir + "/two-rank.dscplan";
  std::string error;
  ASSERT_TRUE(writePlanFile(path, plan, error)) << error;
  // The atomic write leaves exactly the plan behind, no temporary file.
  EXPECT_EQ(listDir(dir), std::vector<std::string>{"two-rank.dscplan"});

  Plan read;
  ASSERT_TRUE(loadPlanFile(path, read, error)) << error;
  // Re-encoding what was read gives the same bytes: no field is lost or
  // altered on the way through the file.
  std::vector<uint8_t> original = encodePlan(plan);
  EXPECT_EQ(encodePlan(read), original);
  EXPECT_EQ(dumpPlan(read), dumpPlan(plan));

  // Spot checks that the decoded structs (not only the bytes) are right.
  ASSERT_EQ(read.ranks.size(), 2u);
  const Instruction &norm = read.ranks[1].programs[1].instructions[1];
  EXPECT_EQ(norm.op, Opcode::rms_norm_fwd);
  EXPECT_EQ(norm.inputs, (std::vector<uint32_t>{14, 0}));
  EXPECT_EQ(norm.floatAttr(AttrKey::eps), 1e-6);
  EXPECT_EQ(norm.waitEvents, std::vector<uint32_t>{0});
  const Instruction &recv = read.ranks[1].programs[1].instructions[0];
  ASSERT_TRUE(recv.comm.has_value());
  EXPECT_EQ(recv.comm->peer, 0);
  EXPECT_EQ(recv.stream, Stream::comm);
  EXPECT_EQ(read.parameters[5].experts->total, 4);
  EXPECT_FALSE(read.parameters[6].trainable);
  EXPECT_EQ(read.optimizer.schedule, LrSchedule::cosine);
  EXPECT_EQ(read.optimizer.beta2, 0.95);
  EXPECT_EQ(read.ranks[0].arenaSize, 1600u);

  // Overwriting an existing plan replaces it atomically too.
  plan.producer = "second write";
  ASSERT_TRUE(writePlanFile(path, plan, error)) << error;
  ASSERT_TRUE(loadPlanFile(path, read, error)) << error;
  EXPECT_EQ(read.producer, "second write");
  EXPECT_EQ(listDir(dir), std::vector<std::string>{"two-rank.dscplan"});
}

TEST(PlanFile, GoldenDump) {
  std::string golden =
      std::string(DSC_SOURCE_DIR) + "/test/runtime/plan/Inputs/two-rank.dump";
  std::string text = dumpPlan(makeTwoRankPlan());
  // DSC_UPDATE_GOLDEN=1 rewrites the file after an intended format change.
  if (std::getenv("DSC_UPDATE_GOLDEN")) {
    std::ofstream(golden) << text;
    GTEST_SKIP() << "rewrote " << golden;
  }
  EXPECT_EQ(text, readText(golden))
      << "dump changed; if intended, rerun with DSC_UPDATE_GOLDEN=1";
}

TEST(PlanFile, WriteRefusesAnInvalidPlanAndLeavesNothing) {
  Plan plan = makeTwoRankPlan();
  plan.worldSize = 3;
  std::string dir = tempDir();
  std::string error;
  EXPECT_FALSE(writePlanFile(dir + "/bad.dscplan", plan, error));
  EXPECT_NE(error.find("refusing to write an invalid plan"), std::string::npos)
      << error;
  EXPECT_NE(error.find("placement lists 2 ranks, world_size is 3"),
            std::string::npos)
      << error;
  EXPECT_TRUE(listDir(dir).empty());
}

TEST(PlanFile, WriteIntoAMissingDirectoryFails) {
  std::string error;
  EXPECT_FALSE(writePlanFile("/nonexistent-dsc-dir/p.dscplan",
                             makeTwoRankPlan(), error));
  EXPECT_NE(error.find("cannot create a temporary file"), std::string::npos)
      << error;
}

TEST(PlanFile, FormatDouble) {
  EXPECT_EQ(formatDouble(1e-6), "1e-6");
  EXPECT_EQ(formatDouble(0.9), "0.9");
  EXPECT_EQ(formatDouble(10000), "10000");
  EXPECT_EQ(formatDouble(3e-4), "0.0003");
  EXPECT_EQ(formatDouble(1e20), "1e20");
  EXPECT_EQ(formatDouble(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(formatDouble(-0.5), "-0.5");
  EXPECT_EQ(formatDouble(123456), "123456");
  EXPECT_EQ(formatDouble(1.5e-5), "1.5e-5");
  EXPECT_EQ(formatDouble(0), "0");
}

//===----------------------------------------------------------------------===//
// Container and FlatBuffers errors
//===----------------------------------------------------------------------===//

class Container : public ::testing::Test {
protected:
  std::vector<uint8_t> file = encodePlan(makeTwoRankPlan());
};

TEST_F(Container, Valid) { EXPECT_EQ(loadError(file), ""); }

TEST_F(Container, WrongMagic) {
  file[3] = 'X';
  EXPECT_NE(loadError(file).find("not a dsc plan"), std::string::npos);
}

TEST_F(Container, UnsupportedVersion) {
  auto bytes = wrapPayload(payloadOf(file), 2);
  EXPECT_EQ(loadError(bytes),
            "unsupported plan format version 2 (this build reads version 1)");
}

TEST_F(Container, ReservedFieldsSet) {
  file[12] = 1;
  EXPECT_NE(loadError(file).find("reserved header fields are not zero"),
            std::string::npos);
}

TEST_F(Container, TruncatedHeader) {
  file.resize(20);
  EXPECT_EQ(loadError(file),
            "truncated: 20 bytes, shorter than the 32-byte plan header");
}

TEST_F(Container, TruncatedPayload) {
  size_t full = file.size() - kPlanHeaderSize;
  file.resize(file.size() - 10);
  EXPECT_EQ(loadError(file),
            "truncated: the header announces a " + std::to_string(full) +
                "-byte payload, the file holds " + std::to_string(full - 10));
}

TEST_F(Container, TrailingBytes) {
  file.push_back(0);
  EXPECT_NE(loadError(file).find("1 unexpected bytes after the"),
            std::string::npos);
}

TEST_F(Container, HugeLength) {
  // A length beyond the file must be caught before anything is allocated.
  for (int i = 16; i < 24; ++i)
    file[i] = 0xFF;
  EXPECT_NE(loadError(file).find("truncated: the header announces a "
                                 "18446744073709551615-byte payload"),
            std::string::npos);
}

TEST_F(Container, ChecksumMismatch) {
  file[kPlanHeaderSize + 100] ^= 0x01;
  EXPECT_NE(loadError(file).find("checksum mismatch"), std::string::npos);
}

TEST_F(Container, WrongFileIdentifier) {
  auto payload = payloadOf(file);
  std::memcpy(payload.data() + 4, "XXXX", 4);
  EXPECT_NE(loadError(wrapPayload(payload)).find("file identifier"),
            std::string::npos);
}

TEST_F(Container, EmptyPayload) {
  EXPECT_NE(loadError(wrapPayload({})).find("not a plan FlatBuffer"),
            std::string::npos);
}

TEST_F(Container, RootOffsetOutOfBounds) {
  auto payload = payloadOf(file);
  payload[0] = payload[1] = payload[2] = 0xF0;
  EXPECT_NE(
      loadError(wrapPayload(payload)).find("failed FlatBuffers verification"),
      std::string::npos);
}

TEST_F(Container, HugeVectorCount) {
  // Point a vector's length at 2^31 - 1 elements: the verifier must see
  // that it does not fit (and nothing may try to allocate it).
  auto payload = payloadOf(file);
  const fb::Plan *root = fb::GetPlan(payload.data());
  size_t at =
      reinterpret_cast<const uint8_t *>(root->placement()) - payload.data();
  payload[at] = 0xFF;
  payload[at + 1] = 0xFF;
  payload[at + 2] = 0xFF;
  payload[at + 3] = 0x7F;
  EXPECT_NE(
      loadError(wrapPayload(payload)).find("failed FlatBuffers verification"),
      std::string::npos);
}

TEST_F(Container, SharedSubstructuresAreRefused) {
  // 100k instructions that all point at one instruction with 100k inputs:
  // under a megabyte of payload that would decode to 10^10 buffer ids.
  flatbuffers::FlatBufferBuilder b;
  std::vector<uint32_t> inputs(100000, 0);
  auto inst = fb::CreateInstruction(b, Opcode::fill, b.CreateVector(inputs));
  std::vector<flatbuffers::Offset<fb::Instruction>> insts(100000, inst);
  auto prog =
      fb::CreateProgram(b, 0, ProgramKind::forward, -1, b.CreateVector(insts));
  std::vector<flatbuffers::Offset<fb::Program>> progs{prog};
  auto rank =
      fb::CreateRank(b, 0, -1, -1, -1, -1, 0, 0, 0, b.CreateVector(progs));
  std::vector<flatbuffers::Offset<fb::Rank>> ranks{rank};
  auto root = fb::CreatePlan(b, 0, 1, 0, 0, 0, 0, 0, b.CreateVector(ranks));
  fb::FinishPlanBuffer(b, root);
  std::vector<uint8_t> payload(b.GetBufferPointer(),
                               b.GetBufferPointer() + b.GetSize());
  EXPECT_NE(loadError(wrapPayload(payload)).find("shared substructures"),
            std::string::npos);
}

TEST_F(Container, MisalignedInt64Vector) {
  // Re-point one buffer's shape ([long]) at a copy placed 4 bytes off an
  // 8-byte boundary at the end of the payload: the FlatBuffers verifier only
  // checks the 4-byte length field's alignment, the decoder must refuse it.
  auto payload = payloadOf(file);
  const fb::Plan *root = fb::GetPlan(payload.data());
  const auto *shape = root->ranks()->Get(0)->buffers()->Get(13)->shape();
  size_t target = reinterpret_cast<const uint8_t *>(shape) - payload.data();
  auto read32 = [&](size_t at) {
    uint32_t v;
    std::memcpy(&v, payload.data() + at, 4);
    return v;
  };
  size_t field = 0;
  for (size_t at = 0; at + 4 <= payload.size(); at += 4)
    if (at + read32(at) == target)
      field = at;
  ASSERT_NE(field, 0u) << "no offset points at the shape vector";
  while (payload.size() % 8 != 0)
    payload.push_back(0);
  size_t moved = payload.size(); // length field 8-aligned, data 4 off
  uint32_t length = 2;
  int64_t dims[2] = {8, 8};
  payload.resize(moved + 4 + sizeof dims);
  std::memcpy(payload.data() + moved, &length, 4);
  std::memcpy(payload.data() + moved + 4, dims, sizeof dims);
  uint32_t offset = static_cast<uint32_t>(moved - field);
  std::memcpy(payload.data() + field, &offset, 4);
  EXPECT_EQ(loadError(wrapPayload(payload)),
            "the payload holds a misaligned 8-byte vector");
}

TEST_F(Container, MissingFile) {
  Plan out;
  std::string error;
  EXPECT_FALSE(loadPlanFile("/nonexistent/plan.dscplan", out, error));
  EXPECT_EQ(error, "/nonexistent/plan.dscplan: cannot open: No such file or "
                   "directory");
}

TEST_F(Container, DirectoryIsNotAPlan) {
  Plan out;
  std::string error;
  EXPECT_FALSE(loadPlanFile("/", out, error));
  EXPECT_EQ(error, "/: not a regular file");
}

//===----------------------------------------------------------------------===//
// Corruption: random damage never crashes and is always reported
//===----------------------------------------------------------------------===//

TEST(Corruption, RandomDamageIsAlwaysCaught) {
  const std::vector<uint8_t> original = encodePlan(makeTwoRankPlan());
  const std::vector<uint8_t> payload = payloadOf(original);
  // mt19937's sequence is fixed by the standard (unlike the distributions),
  // so every platform runs the same cases.
  const char *seed = std::getenv("DSC_FUZZ_SEED");
  std::mt19937 rng(seed ? std::strtoul(seed, nullptr, 10) : 20240611);
  auto below = [&](size_t n) { return static_cast<size_t>(rng() % n); };

  int accepted = 0, structural = 0, verifier = 0, semantic = 0;
  // Small by default (fast in every build); DSC_FUZZ_ITERATIONS=N runs a
  // longer campaign, e.g. under a sanitizer build; DSC_FUZZ_SEED=S another.
  const char *env = std::getenv("DSC_FUZZ_ITERATIONS");
  const int kIterations = env ? std::max(5, std::atoi(env)) : 600;
  for (int iter = 0; iter < kIterations; ++iter) {
    std::vector<uint8_t> bytes;
    int kind = iter % 5;
    if (kind == 0) { // flip bits anywhere; the checksum catches most
      bytes = original;
      for (size_t n = 1 + below(4); n > 0; --n)
        bytes[below(bytes.size())] ^= static_cast<uint8_t>(1 + below(255));
    } else if (kind == 1) { // truncate
      bytes = original;
      bytes.resize(below(bytes.size()));
    } else { // damage the payload and fix the checksum, so the verifier
             // and the validator see it
      std::vector<uint8_t> p = payload;
      if (kind == 2) {
        for (size_t n = 1 + below(8); n > 0; --n)
          p[below(p.size())] ^= static_cast<uint8_t>(1 + below(255));
      } else { // overwrite an aligned word with a hostile value
        static const uint32_t hostile[] = {
            0xFFFFFFFFu, 0x7FFFFFFFu, 0x80000000u, 0, 1, 0xFFFFu};
        size_t at = below(p.size() / 4) * 4;
        uint32_t v =
            kind == 3 ? hostile[below(6)] : static_cast<uint32_t>(rng());
        for (int i = 0; i < 4; ++i)
          p[at + i] = static_cast<uint8_t>(v >> (8 * i));
      }
      bytes = wrapPayload(p);
    }

    SCOPED_TRACE("iteration " + std::to_string(iter));
    // The decoder alone must also be safe, and so must dumping what it
    // decoded (dsc-run dumps only validated plans, but the dump promises
    // safety regardless).
    Plan decoded;
    std::string decodeError;
    if (decodePlan(bytes.data(), bytes.size(), decoded, decodeError))
      EXPECT_FALSE(dumpPlan(decoded).empty());
    else
      EXPECT_FALSE(decodeError.empty());

    Plan plan;
    std::string error;
    if (loadPlan(bytes.data(), bytes.size(), plan, error)) {
      ++accepted;
      // Damage that keeps the plan valid (a changed name, a float) must
      // produce a plan that passes validation and dumps.
      EXPECT_TRUE(validatePlan(plan).empty());
      EXPECT_FALSE(dumpPlan(plan).empty());
    } else {
      ASSERT_FALSE(error.empty());
      if (error.find("invalid plan") == 0)
        ++semantic;
      else if (error.find("FlatBuffers") != std::string::npos ||
               error.find("shared substructures") != std::string::npos ||
               error.find("misaligned") != std::string::npos ||
               error.find("file identifier") != std::string::npos)
        ++verifier;
      else
        ++structural;
    }
  }
  // Each layer was exercised: the corruption reached past the header and
  // checksum into the verifier and the semantic checks.
  EXPECT_GT(structural, 0);
  EXPECT_GT(verifier, 0);
  EXPECT_GT(semantic, 0);
  EXPECT_EQ(accepted + structural + verifier + semantic, kIterations);
  std::printf("corruption: %d accepted, %d header/checksum, %d verifier, "
              "%d semantic\n",
              accepted, structural, verifier, semantic);
}

//===----------------------------------------------------------------------===//
// dsc-run --dump
//===----------------------------------------------------------------------===//

struct RunResult {
  int status;
  std::string out, err;
};

RunResult run(const std::string &args) {
  std::string dir = tempDir();
  std::string cmd = std::string(DSC_RUN_PATH) + " " + args + " >" + dir +
                    "/out 2>" + dir + "/err";
  int raw = std::system(cmd.c_str());
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, readText(dir + "/out"),
          readText(dir + "/err")};
}

TEST(DscRun, DumpsAValidPlan) {
  std::string path = tempDir() + "/p.dscplan";
  std::string error;
  ASSERT_TRUE(writePlanFile(path, makeTwoRankPlan(), error)) << error;
  RunResult r = run("--dump " + path);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, dumpPlan(makeTwoRankPlan()));
  EXPECT_EQ(r.err, "");
}

TEST(DscRun, RejectsACorruptPlan) {
  std::string path = tempDir() + "/p.dscplan";
  std::vector<uint8_t> bytes = encodePlan(makeTwoRankPlan());
  bytes[kPlanHeaderSize + 50] ^= 0x40;
  writeBytes(path, bytes);
  RunResult r = run("--dump " + path);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.find("dsc-run: " + path + ": checksum mismatch"), 0u)
      << r.err;
}

TEST(DscRun, RejectsAnInvalidPlanWithTheValidatorsMessage) {
  Plan plan = makeTwoRankPlan();
  plan.ranks[1].programs[1].instructions[1].inputs[0] = 99;
  std::string path = tempDir() + "/p.dscplan";
  writeBytes(path, encodePlan(plan));
  RunResult r = run("--dump " + path);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "dsc-run: " + path +
                       ": invalid plan:\nrank 1, program 'fwd' (#1), "
                       "instruction 1 (rms_norm_fwd): input 0 (x): buffer b99 "
                       "out of range (rank has 21 buffers)\n");
}

TEST(DscRun, TrainingWithoutWeightsIsAUsageError) {
  // Training itself is tested with compiled plans (test/Tools).
  RunResult r = run("plan.dscplan --data d.tok --steps 1");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--init SEED or --weights FILE"), std::string::npos)
      << r.err;
}

TEST(DscRun, Usage) {
  RunResult none = run("");
  EXPECT_EQ(none.status, 2);
  EXPECT_NE(none.err.find("usage: dsc-run --dump PLAN"), std::string::npos);
  RunResult help = run("--help");
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("usage:"), std::string::npos);
  EXPECT_EQ(run("--dump").status, 2);
}

} // namespace
