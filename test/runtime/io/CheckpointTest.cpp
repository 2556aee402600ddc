//===- CheckpointTest.cpp - atomic, resumable checkpoints -----------------===//

#include "dsc/io/Checkpoint.h"
#include "TestUtil.h"
#include "dsc/io/TensorConvert.h"
#include <csignal>
#include <cstring>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace dsc::io;
using namespace dsc::io::test;

namespace {

/// A small model's parameters and AdamW state at a given step: values
/// depend on the step, so a test can tell which save it loaded.
struct Training {
  std::vector<float> embed, norm, m, v;
  std::vector<uint8_t> mBF16;
  uint64_t step;

  explicit Training(uint64_t s) : step(s) {
    for (int i = 0; i < 8 * 4; ++i)
      embed.push_back(static_cast<float>(i) + static_cast<float>(s) * 100);
    norm = {1.0f + static_cast<float>(s), 2.0f, 3.0f, 4.0f};
    for (float x : embed) {
      m.push_back(x * 0.5f);
      v.push_back(x * x);
    }
    // DeepSeek-V3 keeps AdamW moments in BF16.
    mBF16 = encodeFromFloat32(DType::BF16, m.data(), m.size());
  }

  CheckpointContents contents() const {
    CheckpointContents c;
    c.model = {{"embed", DType::F32, {8, 4}, embed.data(), embed.size() * 4},
               {"norm", DType::F32, {4}, norm.data(), 16}};
    c.optimizer = {
        {"exp_avg.embed", DType::BF16, {8, 4}, mBF16.data(), mBF16.size()},
        {"exp_avg_sq.embed", DType::F32, {8, 4}, v.data(), v.size() * 4}};
    c.state.step = step;
    c.state.dataPosition = step * 4096 + 17;
    c.state.rngState =
        "mt19937 " + std::to_string(step) + " \"quoted\"\n\xc3\xa9";
    c.state.extra = {{"run", "tiny"}};
    return c;
  }
};

void expectLoadsAs(const std::string &dir, const Training &t) {
  Checkpoint ckpt = Checkpoint::load(dir);
  EXPECT_EQ(ckpt.state().step, t.step);
  EXPECT_EQ(ckpt.state().dataPosition, t.step * 4096 + 17);
  EXPECT_EQ(ckpt.state().rngState,
            "mt19937 " + std::to_string(t.step) + " \"quoted\"\n\xc3\xa9");
  EXPECT_EQ(ckpt.state().extra,
            (std::map<std::string, std::string>{{"run", "tiny"}}));
  EXPECT_EQ(ckpt.model().readFloat32("embed"), t.embed);
  EXPECT_EQ(ckpt.model().readFloat32("norm"), t.norm);
  EXPECT_EQ(ckpt.optimizer().readFloat32("exp_avg_sq.embed"), t.v);
  TensorView m = ckpt.optimizer().view("exp_avg.embed");
  EXPECT_EQ(m.dtype, DType::BF16);
  EXPECT_EQ(std::memcmp(m.data, t.mBF16.data(), m.bytes), 0);
  EXPECT_EQ(ckpt.optimizer().readInt64("step"),
            std::vector<int64_t>{static_cast<int64_t>(t.step)});
}

std::vector<TensorSpec> modelSpecs() {
  return {{"embed", {8, 4}, DType::F32}, {"norm", {4}, std::nullopt}};
}

TEST(Checkpoint, SavesAndLoads) {
  TempDir root;
  std::string dir = root.file("ckpt");
  Training t(3);
  saveCheckpoint(dir, t.contents());
  expectLoadsAs(dir, t);
  EXPECT_EQ(root.entries(), std::vector<std::string>{"ckpt"});
  EXPECT_EQ(
      TempDir::entriesOf(dir),
      (std::vector<std::string>{"model.safetensors", "optimizer.safetensors"}));
  Checkpoint ckpt = Checkpoint::load(dir + "/"); // trailing slash is fine
  ckpt.expectModel(modelSpecs());
  ckpt.expectOptimizer(
      {{"exp_avg.embed", {8, 4}, DType::BF16}, {"exp_avg_sq.embed", {8, 4}}});
}

TEST(Checkpoint, ReplacesThePreviousOne) {
  TempDir root;
  std::string dir = root.file("ckpt");
  saveCheckpoint(dir, Training(1).contents());
  saveCheckpoint(dir, Training(2).contents());
  expectLoadsAs(dir, Training(2));
  // Neither the old checkpoint nor a temporary directory is left behind.
  EXPECT_EQ(root.entries(), std::vector<std::string>{"ckpt"});
}

// A failure at any point before the commit keeps the previous checkpoint
// whole and cleans up; one after the commit keeps the new one.
TEST(Checkpoint, InjectedFailuresKeepThePreviousCheckpoint) {
  for (SaveStage stage :
       {SaveStage::TempDirCreated, SaveStage::ModelWritten,
        SaveStage::OptimizerWritten, SaveStage::BeforeCommit}) {
    SCOPED_TRACE(static_cast<int>(stage));
    TempDir root;
    std::string dir = root.file("ckpt");
    saveCheckpoint(dir, Training(1).contents());
    std::string modelBefore = readFile(dir + "/model.safetensors");
    SaveOptions options;
    options.hook = [&](SaveStage s) {
      if (s == stage)
        throw std::runtime_error("injected failure");
    };
    EXPECT_THROW(saveCheckpoint(dir, Training(2).contents(), options),
                 std::runtime_error);
    expectLoadsAs(dir, Training(1));
    EXPECT_EQ(readFile(dir + "/model.safetensors"), modelBefore);
    EXPECT_EQ(root.entries(), std::vector<std::string>{"ckpt"});
  }
  TempDir root;
  std::string dir = root.file("ckpt");
  saveCheckpoint(dir, Training(1).contents());
  SaveOptions options;
  options.hook = [](SaveStage s) {
    if (s == SaveStage::Committed)
      throw std::runtime_error("after the commit");
  };
  EXPECT_THROW(saveCheckpoint(dir, Training(2).contents(), options),
               std::runtime_error);
  expectLoadsAs(dir, Training(2));
  EXPECT_EQ(root.entries(), std::vector<std::string>{"ckpt"});
}

TEST(Checkpoint, FirstSaveThatFailsLeavesNothing) {
  TempDir root;
  std::string dir = root.file("ckpt");
  SaveOptions options;
  options.hook = [](SaveStage s) {
    if (s == SaveStage::BeforeCommit)
      throw std::runtime_error("injected");
  };
  EXPECT_THROW(saveCheckpoint(dir, Training(1).contents(), options),
               std::runtime_error);
  EXPECT_TRUE(root.entries().empty());
}

// A real failure half-way: the optimizer state is invalid, so writing
// optimizer.safetensors fails after model.safetensors was written.
TEST(Checkpoint, WriteErrorMidSaveKeepsThePreviousCheckpoint) {
  TempDir root;
  std::string dir = root.file("ckpt");
  saveCheckpoint(dir, Training(1).contents());
  Training t(2);
  CheckpointContents contents = t.contents();
  contents.optimizer[1].bytes -= 4; // no longer [8, 4] of F32
  bool modelWritten = false;
  SaveOptions options;
  options.hook = [&](SaveStage s) {
    modelWritten |= s == SaveStage::ModelWritten;
  };
  expectContains(errorOf([&] { saveCheckpoint(dir, contents, options); }),
                 {"optimizer.safetensors", "tensor 'exp_avg_sq.embed'",
                  "needs 128 bytes, given 124"});
  EXPECT_TRUE(modelWritten);
  expectLoadsAs(dir, Training(1));
  EXPECT_EQ(root.entries(), std::vector<std::string>{"ckpt"});
}

// A process killed in the middle of a save (no destructor, no cleanup):
// the target still holds the previous checkpoint, whole.
TEST(Checkpoint, KilledMidSaveKeepsThePreviousCheckpoint) {
  for (SaveStage stage : {SaveStage::ModelWritten, SaveStage::OptimizerWritten,
                          SaveStage::BeforeCommit}) {
    SCOPED_TRACE(static_cast<int>(stage));
    TempDir root;
    std::string dir = root.file("ckpt");
    saveCheckpoint(dir, Training(1).contents());
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      SaveOptions options;
      options.hook = [&](SaveStage s) {
        if (s == stage)
          raise(SIGKILL);
      };
      try {
        saveCheckpoint(dir, Training(2).contents(), options);
      } catch (...) {
      }
      _exit(0); // not reached when the kill happened
    }
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    expectLoadsAs(dir, Training(1));
    // The dead save's temporary directory is left beside it, hidden.
    std::vector<std::string> left = root.entries();
    ASSERT_EQ(left.size(), 2u);
    EXPECT_EQ(left[0].rfind(".ckpt.tmp-", 0), 0u) << left[0];
    // The next save succeeds and removes it: kills do not pile up copies.
    saveCheckpoint(dir, Training(3).contents());
    expectLoadsAs(dir, Training(3));
    EXPECT_EQ(root.entries(), std::vector<std::string>{"ckpt"});
  }
}

TEST(Checkpoint, RemovesOnlyItsOwnStaleTemporaries) {
  TempDir root;
  std::string dir = root.file("ck");
  auto makeDir = [&](const std::string &name, std::vector<std::string> files) {
    std::filesystem::create_directory(root.file(name));
    for (const std::string &f : files)
      writeFile(root.file(name) + "/" + f, "x");
  };
  // Leftovers of killed saves: before, during and after writing.
  makeDir(".ck.tmp-a1B2c3", {});
  makeDir(".ck.tmp-Zz9yX8",
          {"model.safetensors", ".optimizer.safetensors.tmp-Q1w2E3"});
  makeDir(".ck.tmp-000000.old", {"model.safetensors", "optimizer.safetensors"});
  // Lookalikes that are not ours to delete.
  std::vector<std::string> kept = {
      ".ck.tmp-abc",          // not six characters
      ".ck.tmp-abc1234",      // seven
      ".ck.tmp-ab_d12",       // not a mkdtemp character
      ".ck.tmp-abc123.older", // another suffix
      ".other.tmp-abc123",    // another checkpoint's
      "ck.tmp-abc123",        // not hidden
      ".ck.tmp-notes1",       // holds a file a save never writes
      ".ck.tmp-nested",       // holds a directory
  };
  for (size_t i = 0; i + 2 < kept.size(); ++i)
    makeDir(kept[i], {"model.safetensors"});
  makeDir(".ck.tmp-notes1", {"model.safetensors", "notes.txt"});
  makeDir(".ck.tmp-nested", {});
  std::filesystem::create_directory(
      root.file(".ck.tmp-nested/model.safetensors"));
  writeFile(root.file(".ck.tmp-file01"), "a file, not a directory");
  std::filesystem::create_directory_symlink(root.file(".ck.tmp-a1B2c3"),
                                            root.file(".ck.tmp-link01"));
  kept.push_back(".ck.tmp-file01");
  kept.push_back(".ck.tmp-link01");

  // Without a complete checkpoint at the target, the leftovers may hold
  // the only copy (a crash between the renames): nothing goes.
  EXPECT_EQ(removeStaleCheckpointTemporaries(dir), 0u);
  EXPECT_TRUE(fileExists(root.file(".ck.tmp-000000.old")));

  saveCheckpoint(dir, Training(1).contents());
  expectLoadsAs(dir, Training(1));
  kept.push_back("ck");
  std::sort(kept.begin(), kept.end());
  EXPECT_EQ(root.entries(), kept);
  EXPECT_EQ(removeStaleCheckpointTemporaries(dir), 0u);
}

TEST(Checkpoint, RefusesToSaveWhereItCannot) {
  TempDir root;
  writeFile(root.file("file"), "not a directory");
  expectContains(errorOf([&] {
                   saveCheckpoint(root.file("file/ckpt"),
                                  Training(1).contents());
                 }),
                 {"file/ckpt", "cannot create a temporary directory"});
  expectContains(errorOf([&] {
                   saveCheckpoint(root.file("file"), Training(1).contents());
                 }),
                 {"exists and is not a directory"});
  std::filesystem::create_directory(root.file("home"));
  writeFile(root.file("home/notes.txt"), "precious");
  expectContains(errorOf([&] {
                   saveCheckpoint(root.file("home"), Training(1).contents());
                 }),
                 {"home", "is not a checkpoint", "refusing to replace it"});
  EXPECT_EQ(readFile(root.file("home/notes.txt")), "precious");
  // An empty directory may become a checkpoint.
  std::filesystem::create_directory(root.file("empty"));
  saveCheckpoint(root.file("empty"), Training(1).contents());
  expectLoadsAs(root.file("empty"), Training(1));

  CheckpointContents reserved = Training(1).contents();
  reserved.state.extra["step"] = "9";
  expectContains(errorOf([&] { saveCheckpoint(root.file("c"), reserved); }),
                 {"metadata key 'step' is reserved"});
  CheckpointContents stepTensor = Training(1).contents();
  float x = 0;
  stepTensor.optimizer.push_back({"step", DType::F32, {}, &x, 4});
  expectContains(errorOf([&] { saveCheckpoint(root.file("c"), stepTensor); }),
                 {"'step' is reserved"});
  CheckpointContents hugeStep = Training(1).contents();
  hugeStep.state.step = UINT64_MAX;
  expectContains(errorOf([&] { saveCheckpoint(root.file("c"), hugeStep); }),
                 {"does not fit the I64 step tensor"});
  CheckpointContents binaryRng = Training(1).contents();
  binaryRng.state.rngState = std::string("\xff\x00\x01", 3);
  expectContains(errorOf([&] { saveCheckpoint(root.file("c"), binaryRng); }),
                 {"metadata 'rng_state' is not valid UTF-8"});
  EXPECT_FALSE(fileExists(root.file("c")));
  for (const std::string &name : root.entries())
    EXPECT_EQ(name.find(".tmp-"), std::string::npos) << name;
}

TEST(Checkpoint, ReadOnlyDirectoryFailsCleanly) {
  if (geteuid() == 0)
    GTEST_SKIP() << "root ignores directory permissions";
  TempDir root;
  std::string parent = root.file("ro");
  std::filesystem::create_directory(parent);
  std::string dir = parent + "/ckpt";
  saveCheckpoint(dir, Training(1).contents());
  ASSERT_EQ(chmod(parent.c_str(), 0555), 0);
  expectContains(errorOf([&] { saveCheckpoint(dir, Training(2).contents()); }),
                 {"cannot create a temporary directory"});
  chmod(parent.c_str(), 0755);
  expectLoadsAs(dir, Training(1));
}

TEST(Checkpoint, LoadValidatesTheFiles) {
  TempDir root;
  expectContains(errorOf([&] { Checkpoint::load(root.file("none")); }),
                 {root.file("none"), "no checkpoint"});
  writeFile(root.file("plain"), "x");
  expectContains(errorOf([&] { Checkpoint::load(root.file("plain")); }),
                 {"not a directory"});

  std::string a = root.file("a"), b = root.file("b");
  saveCheckpoint(a, Training(1).contents());
  saveCheckpoint(b, Training(2).contents());
  // Files of two different saves are detected.
  std::filesystem::copy_file(b + "/optimizer.safetensors",
                             a + "/optimizer.safetensors",
                             std::filesystem::copy_options::overwrite_existing);
  expectContains(errorOf([&] { Checkpoint::load(a); }),
                 {a, "optimizer.safetensors is from step 2",
                  "model.safetensors from step 1", "different saves"});

  std::filesystem::remove(b + "/optimizer.safetensors");
  expectContains(errorOf([&] { Checkpoint::load(b); }),
                 {b + "/optimizer.safetensors", "cannot open"});

  // A safetensors file that is not a dsc checkpoint.
  std::string c = root.file("c");
  std::filesystem::create_directory(c);
  float one = 1;
  writeSafeTensors(c + "/model.safetensors", {{"w", DType::F32, {}, &one, 4}});
  writeSafeTensors(c + "/optimizer.safetensors", {});
  expectContains(errorOf([&] { Checkpoint::load(c); }),
                 {c + "/model.safetensors", "not a dsc checkpoint file",
                  "'format' is missing"});
  int64_t four = 4;
  writeSafeTensors(
      c + "/optimizer.safetensors", {{"step", DType::I64, {}, &four, 8}},
      {{"format", "dsc-checkpoint"}, {"version", "1"}, {"step", "4"}});
  std::map<std::string, std::string> meta = {{"format", "dsc-checkpoint"},
                                             {"version", "1"},
                                             {"step", "x1"},
                                             {"data_position", "0"},
                                             {"rng_state", ""}};
  writeSafeTensors(c + "/model.safetensors", {{"w", DType::F32, {}, &one, 4}},
                   meta);
  expectContains(errorOf([&] { Checkpoint::load(c); }),
                 {"metadata 'step' is 'x1', expected a non-negative integer"});
  meta["step"] = "4";
  meta["version"] = "2";
  writeSafeTensors(c + "/model.safetensors", {{"w", DType::F32, {}, &one, 4}},
                   meta);
  expectContains(errorOf([&] { Checkpoint::load(c); }),
                 {"unsupported checkpoint version '2'"});
  meta["version"] = "1";
  writeSafeTensors(c + "/model.safetensors", {{"w", DType::F32, {}, &one, 4}},
                   meta);
  writeSafeTensors(
      c + "/optimizer.safetensors", {},
      {{"format", "dsc-checkpoint"}, {"version", "1"}, {"step", "4"}});
  expectContains(errorOf([&] { Checkpoint::load(c); }),
                 {"optimizer.safetensors", "missing tensor 'step'"});
  int64_t wrongStep = 5;
  writeSafeTensors(
      c + "/optimizer.safetensors", {{"step", DType::I64, {}, &wrongStep, 8}},
      {{"format", "dsc-checkpoint"}, {"version", "1"}, {"step", "4"}});
  expectContains(errorOf([&] { Checkpoint::load(c); }),
                 {"tensor 'step' is 5 but the metadata says step 4"});
}

TEST(Checkpoint, ExpectNamesTheTensorAndBothShapes) {
  TempDir root;
  std::string dir = root.file("ckpt");
  saveCheckpoint(dir, Training(1).contents());
  Checkpoint ckpt = Checkpoint::load(dir);
  std::string model = dir + "/model.safetensors";

  expectContains(
      errorOf([&] {
        ckpt.expectModel({{"embed", {8, 4}}, {"norm", {4}}, {"head", {4, 8}}});
      }),
      {model, "missing tensor 'head' (expected shape [4, 8])"});
  expectContains(errorOf([&] {
                   ckpt.expectModel({{"embed", {16, 4}}, {"norm", {4}}});
                 }),
                 {model, "tensor 'embed' has shape [8, 4], expected [16, 4]"});
  expectContains(
      errorOf([&] {
        ckpt.expectModel({{"embed", {8, 4}, DType::BF16}, {"norm", {4}}});
      }),
      {"tensor 'embed' is F32, expected BF16"});
  std::string extra = errorOf([&] { ckpt.expectModel({{"embed", {8, 4}}}); });
  expectContains(extra, {"unexpected tensor 'norm' [4]"});
  EXPECT_NO_THROW(ckpt.expectModel({{"embed", {8, 4}}}, /*allowExtra=*/true));

  // All problems at once, one line each.
  std::string all = errorOf([&] {
    ckpt.expectModel({{"embed", {8, 5}}, {"head", {1}}});
  });
  expectContains(all,
                 {"3 problems", "'embed' has shape [8, 4], expected [8, 5]",
                  "missing tensor 'head'", "unexpected tensor 'norm'"});
  EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 3);

  // The optimizer's own step tensor is not the model's business.
  expectContains(
      errorOf([&] {
        ckpt.expectOptimizer({{"exp_avg.embed", {8, 4}}});
      }),
      {dir + "/optimizer.safetensors", "unexpected tensor 'exp_avg_sq.embed'"});
  EXPECT_NO_THROW(ckpt.expectOptimizer(
      {{"exp_avg.embed", {8, 4}}, {"exp_avg_sq.embed", {8, 4}}}));
}

} // namespace
