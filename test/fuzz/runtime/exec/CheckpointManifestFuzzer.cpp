//===- CheckpointManifestFuzzer.cpp - fuzz sharded checkpoint loading -----===//
//
// A sharded checkpoint's manifest.json says which part holds which elements
// of each tensor under which key. The target saves the one-rank toy plan's
// checkpoint once, then loads it with each input as its manifest: whatever
// the manifest says (pieces out of range or overlapping, parts outside the
// directory, missing keys, other dtypes or steps), loading either restores
// the rank's buffers or throws ExecError.
//
//===----------------------------------------------------------------------===//

#include "ToyPlans.h"
#include "dsc/exec/ExecError.h"
#include "dsc/exec/Executor.h"
#include "dsc/exec/Init.h"
#include "dsc/exec/TrainCheckpoint.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <unistd.h>

using namespace dsc;

namespace {

struct SavedCheckpoint {
  plan::Plan plan = exec::test::toyPlan(exec::test::Layout::OneRank, 300);
  exec::Executor executor{plan, 0};
  std::string dir;

  SavedCheckpoint() {
    const char *tmp = std::getenv("TMPDIR");
    if (!tmp || !*tmp)
      tmp = ::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    dir = std::string(tmp) + "/dsc-fuzz-checkpoint-" +
          std::to_string(::getpid());
    exec::initParameters(plan, executor.rank(), executor.buffers(), 1);
    exec::saveTrainingCheckpoint(dir, plan, executor.rank(),
                                 executor.buffers(), {1, 16});
  }
  ~SavedCheckpoint() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static SavedCheckpoint saved;
  std::string manifest = saved.dir + "/manifest.json";
  std::FILE *file = std::fopen(manifest.c_str(), "wb");
  if (!file || (size && std::fwrite(data, 1, size, file) != size) ||
      std::fclose(file) != 0) {
    std::perror(manifest.c_str());
    std::abort();
  }
  try {
    exec::loadTrainingCheckpoint(saved.dir, saved.plan, saved.executor.rank(),
                                 saved.executor.buffers());
  } catch (const exec::ExecError &) {
  }
  return 0;
}
