//===- TrainCommand.cpp - dsc-run PLAN: training on every rank ------------===//
//
// Options are parsed by hand (the runtime links no option library); every
// error is one line "dsc-run: ..." on stderr. Output on stdout: every rank's
// world line, then, from rank 0 for the world, a header, a line per logged
// step ("step S loss L tokens/s X aux A lr R balance B", Trainer.h says what
// each value is: the world's) and a summary.
//
//===----------------------------------------------------------------------===//

#include "TrainCommand.h"
#include "Progress.h"

#include "dsc/exec/ExecError.h"
#include "dsc/exec/Executor.h"
#include "dsc/exec/Init.h"
#include "dsc/exec/Trace.h"
#include "dsc/exec/TrainCheckpoint.h"
#include "dsc/exec/Trainer.h"
#include "dsc/exec/Weights.h"
#include "dsc/exec/World.h"
#include "dsc/io/AtomicFile.h"
#include "dsc/io/Checkpoint.h"
#include "dsc/io/Error.h"
#include "dsc/kernels/cpu/Threads.h"
#include "dsc/plan/PlanFile.h"

#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <optional>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

namespace dsc::run {
namespace {

struct Options {
  std::string plan;
  std::optional<uint64_t> seed;
  std::string weights;
  std::string data;
  int64_t steps = -1;
  std::string checkpoint;
  int64_t saveEvery = 0;
  bool resume = false;
  std::string trace;
  std::string expertLoads;
  double networkSpeed = 0; // --emulate-network; 0: off
  bool overlap = true;     // --overlap on|off
  int64_t logEvery = 1;
  int threads = 0;
  exec::CommBackend comm = exec::CommBackend::Auto;
  std::chrono::milliseconds commTimeout = exec::kDefaultCommTimeout;
  bool progress = false;
};

struct UsageError {
  std::string message;
};

uint64_t parseUnsigned(const char *flag, const char *text, uint64_t min) {
  errno = 0;
  char *end = nullptr;
  unsigned long long value = std::strtoull(text, &end, 10);
  if (!*text || *end || errno || text[0] == '-' || value < min)
    throw UsageError{std::string(flag) + " wants an integer >= " +
                     std::to_string(min) + ", got '" + text + "'"};
  return value;
}

/// A non-negative number of seconds, as milliseconds.
std::chrono::milliseconds parseSeconds(const char *flag, const char *text) {
  errno = 0;
  char *end = nullptr;
  double value = std::strtod(text, &end);
  if (!*text || *end || errno || !(value >= 0) || value > 1e9)
    throw UsageError{std::string(flag) +
                     " wants a number of seconds >= 0 (0: no limit), got '" +
                     text + "'"};
  auto ms = std::chrono::milliseconds(std::llround(value * 1000));
  // A positive value never rounds to "no limit".
  return value > 0 && ms.count() == 0 ? std::chrono::milliseconds(1) : ms;
}

/// --emulate-network's speed: a positive fraction of the cluster's
/// bandwidths (1: as fast, 0.001: a thousand times slower).
double parseSpeed(const char *flag, const char *text) {
  errno = 0;
  char *end = nullptr;
  double value = std::strtod(text, &end);
  if (!*text || *end || errno || !(value > 0) || !std::isfinite(value))
    throw UsageError{std::string(flag) +
                     " wants a positive fraction of the cluster's link "
                     "bandwidths (1: as fast, 0.001: a thousand times "
                     "slower), got '" +
                     text + "'"};
  return value;
}

Options parse(int argc, char **argv) {
  Options o;
  o.plan = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string flag = argv[i];
    auto value = [&]() -> const char * {
      if (i + 1 >= argc)
        throw UsageError{flag + " needs a value"};
      return argv[++i];
    };
    if (flag == "--init")
      o.seed = parseUnsigned("--init", value(), 0);
    else if (flag == "--weights")
      o.weights = value();
    else if (flag == "--data")
      o.data = value();
    else if (flag == "--steps")
      o.steps = int64_t(parseUnsigned("--steps", value(), 0));
    else if (flag == "--checkpoint")
      o.checkpoint = value();
    else if (flag == "--save-every")
      o.saveEvery = int64_t(parseUnsigned("--save-every", value(), 1));
    else if (flag == "--resume")
      o.resume = true;
    else if (flag == "--progress")
      o.progress = true;
    else if (flag == "--trace")
      o.trace = value();
    else if (flag == "--expert-loads")
      o.expertLoads = value();
    else if (flag == "--emulate-network")
      o.networkSpeed = parseSpeed("--emulate-network", value());
    else if (flag == "--overlap") {
      std::string v = value();
      if (v != "on" && v != "off")
        throw UsageError{"--overlap wants on or off, got '" + v + "'"};
      o.overlap = v == "on";
    } else if (flag == "--log-every")
      o.logEvery = int64_t(parseUnsigned("--log-every", value(), 1));
    else if (flag == "--threads")
      o.threads = int(parseUnsigned("--threads", value(), 1));
    else if (flag == "--comm-timeout")
      o.commTimeout = parseSeconds("--comm-timeout", value());
    else if (flag == "--comm") {
      const char *text = value();
      if (!exec::parseCommBackend(text, o.comm))
        throw UsageError{std::string("--comm wants auto, local or mpi, got '") +
                         text + "'"};
    } else
      throw UsageError{"unknown option '" + flag + "'"};
  }
  if (o.seed && !o.weights.empty())
    throw UsageError{"--init and --weights exclude each other"};
  if (!o.seed && o.weights.empty() && !o.resume)
    throw UsageError{"the weights: --init SEED or --weights FILE"};
  if (o.data.empty())
    throw UsageError{"training needs --data FILE.tok"};
  if (o.steps < 0)
    throw UsageError{"training needs --steps N"};
  if (o.resume && o.checkpoint.empty())
    throw UsageError{"--resume needs --checkpoint DIR"};
  if (o.saveEvery && o.checkpoint.empty())
    throw UsageError{"--save-every needs --checkpoint DIR"};
  return o;
}

double mib(double bytes) { return bytes / (1024.0 * 1024.0); }

/// For tests of --comm-timeout and of a dying rank:
/// DSC_RUN_TEST_SELF_STOP=RANK:STEP makes world rank RANK stop itself
/// (SIGSTOP, as a debugger or a frozen node would) before training step
/// STEP, so its peers wait for it at a known instruction;
/// RANK:STEP:kill makes it die there (SIGKILL, as a crashed node would).
struct SelfStop {
  uint64_t step;
  int signal;
};
std::optional<SelfStop> selfStop(int rank) {
  const char *spec = std::getenv("DSC_RUN_TEST_SELF_STOP");
  unsigned long long r = 0, step = 0;
  char how[8] = {0};
  int fields = spec ? std::sscanf(spec, "%llu:%llu:%7s", &r, &step, how) : 0;
  if (fields < 2 || r != uint64_t(rank) ||
      (fields == 3 && std::string(how) != "kill"))
    return std::nullopt;
  return SelfStop{step, fields == 3 ? SIGKILL : SIGSTOP};
}

/// Whether `dir` holds a checkpoint, agreed by every rank: they must all
/// resume, or all start afresh.
bool worldHasCheckpoint(exec::World &world, const std::string &dir) {
  int32_t mine = exec::hasTrainingCheckpoint(dir) ? 1 : 0;
  std::vector<int32_t> all(size_t(world.place().size));
  world.comm().allGather(&mine, all.data(), 1, comm::DataType::I32);
  for (size_t r = 1; r < all.size(); ++r)
    if (all[r] != all[0])
      throw exec::WorldError(
          dir + ": rank 0 " + (all[0] ? "sees" : "does not see") +
          " a checkpoint there, rank " + std::to_string(r) +
          (all[r] ? " does" : " does not") +
          "; --checkpoint must be a directory every rank shares");
  return all[0] != 0;
}

/// Each rank's own trace file in a world of several: FILE.json becomes
/// FILE.rankR.json.
std::string tracePath(const std::string &path, const exec::WorldPlace &place) {
  if (place.size == 1)
    return path;
  std::string suffix = ".rank" + std::to_string(place.rank);
  size_t dot = path.rfind('.');
  if (dot == std::string::npos || path.find('/', dot) != std::string::npos)
    return path + suffix;
  return path.substr(0, dot) + suffix + path.substr(dot);
}

/// Sets the kernels' and OpenBLAS's threads: --threads (at most the
/// machine's cores) or the cores, within the address space a limit
/// (ulimit -v) leaves for OpenBLAS's per-thread GEMM buffers: OpenBLAS
/// retries a buffer it cannot map forever, so too many threads would hang
/// the run. Returns notes for the log.
std::vector<std::string> setUpThreads(const Options &o) {
  int cores = kernels::cpu::hardwareThreads();
  if (o.threads > cores)
    throw exec::ExecError(
        "--threads " + std::to_string(o.threads) + ": this machine has " +
        std::to_string(cores) + (cores == 1 ? " core" : " cores") +
        "; give at most --threads " + std::to_string(cores) +
        " (threads beyond the cores only slow the kernels down)");
  int want = o.threads > 0 ? o.threads : cores;
  int fit = kernels::cpu::blasThreadsThatFit(want);
  std::vector<std::string> notes;
  if (fit < want) {
    struct rlimit as;
    getrlimit(RLIMIT_AS, &as);
    char room[200];
    std::snprintf(room, sizeof room,
                  "the address-space limit (ulimit -v %llu) leaves room for "
                  "the GEMM buffers of %d OpenBLAS thread%s (%.0f MiB each)",
                  (unsigned long long)(as.rlim_cur / 1024), fit,
                  fit == 1 ? "" : "s",
                  mib(double(kernels::cpu::blasThreadBytes())));
    if (fit == 0)
      throw exec::ExecError(std::string(room) + "; raise the limit");
    if (o.threads > 0)
      throw exec::ExecError("--threads " + std::to_string(o.threads) + ": " +
                            room + "; give at most --threads " +
                            std::to_string(fit) + " or raise the limit");
    notes.push_back(std::string(room) + "; using " + std::to_string(fit) +
                    " threads");
    want = fit;
  }
  kernels::cpu::setNumThreads(want);
  kernels::cpu::setBlasNumThreads(want);
  kernels::cpu::claimBlasBuffers();
  return notes;
}

/// Fails now, naming the option, when the run could not write its outputs
/// at the end; removes what interrupted checkpoint saves left behind.
void checkOutputPlaces(const Options &o, const exec::WorldPlace &place) {
  const char *when = " (checked before training; nothing was trained)";
  if (!o.checkpoint.empty() && place.rank == 0) { // rank 0 writes it
    try {
      io::checkCheckpointTarget(o.checkpoint);
    } catch (const io::Error &e) {
      throw exec::ExecError(std::string("--checkpoint ") + e.what() + when);
    }
    io::removeStaleCheckpointTemporaries(o.checkpoint);
  }
  if (!o.trace.empty()) {
    try {
      exec::Trace::checkWritable(tracePath(o.trace, place));
    } catch (const exec::ExecError &e) {
      throw exec::ExecError(std::string("--trace ") + e.what() + when);
    }
  }
  if (!o.expertLoads.empty() && place.rank == 0) { // rank 0 writes it
    try {
      exec::Trace::checkWritable(o.expertLoads);
    } catch (const exec::ExecError &e) {
      throw exec::ExecError(std::string("--expert-loads ") + e.what() + when);
    }
  }
}

/// Writes `text` to `path` atomically. Throws ExecError naming the option.
void writeOutput(const std::string &option, const std::string &path,
                 const std::string &text) {
  try {
    io::writeFileAtomically(path, text);
  } catch (const io::Error &e) {
    throw exec::ExecError(option + " " + e.what());
  }
}

int train(const Options &o, exec::World &world) {
  std::vector<std::string> notes = setUpThreads(o);
  uint32_t checksum = 0;
  plan::Plan plan = plan::loadPlanFile(o.plan, &checksum);
  const exec::WorldPlace &place = world.place();
  for (std::string &note : world.checkPlan(plan, checksum, o.plan))
    notes.push_back(std::move(note));
  std::printf("dsc-run: world of %d (%s), rank %d on %s (node %d, local "
              "rank %d), plan %08x\n",
              place.size, world.backendName(), place.rank,
              place.hosts[place.node()].c_str(), place.node(),
              place.localRank(), checksum);
  // Rank 0 speaks for the world (every rank ran the same checks).
  bool speaks = place.rank == 0;
  for (const std::string &note : notes)
    if (speaks)
      std::printf("dsc-run: note: %s\n", note.c_str());
  checkOutputPlaces(o, place);
  exec::Executor executor(plan, place.rank, &world.comm());
  executor.setOverlap(o.overlap);
  if (o.networkSpeed > 0) {
    if (plan.nvlink.gbps <= 0 && plan.infiniband.gbps <= 0)
      throw exec::WorldError(o.plan + ": --emulate-network: the plan names "
                                      "no cluster links; compile it again "
                                      "with this dsc");
    executor.emulateNetwork(o.networkSpeed);
    if (speaks)
      std::printf("dsc-run: emulating the network at %g x the cluster's "
                  "links (NVLink %g GB/s, InfiniBand %g GB/s)\n",
                  o.networkSpeed, plan.nvlink.gbps * o.networkSpeed,
                  plan.infiniband.gbps * o.networkSpeed);
  }
  const plan::Rank &rank = executor.rank();
  exec::TokenBatches data(o.data, plan.model, rank.dataShard);
  exec::Trainer trainer(executor, data);

  uint64_t values = 0;
  for (const plan::Parameter &p : plan.parameters)
    values += uint64_t(plan::numElements(p.shape).value_or(0));
  if (speaks) {
    std::string shards =
        plan.model.dataShards == 1
            ? std::string()
            : " on " + std::to_string(plan.model.dataShards) + " data shards";
    std::printf("dsc-run: %s: model %s, rank %d of %d, %zu parameters (%.2fM "
                "values), arena %.1f MiB, %.1f MiB allocated\n",
                o.plan.c_str(), plan.model.name.c_str(), rank.rank,
                plan.worldSize, plan.parameters.size(), values / 1e6,
                mib(double(rank.arenaSize)),
                mib(double(executor.buffers().allocatedBytes())));
    std::printf(
        "dsc-run: data %s: %zu tokens; a step takes %" PRIu64 " (%" PRId64
        " micro-batch%s of %" PRId64 " x %" PRId64 "%s); %d kernel threads\n",
        o.data.c_str(), data.size(), data.tokensPerStep(),
        plan.model.microBatches, plan.model.microBatches == 1 ? "" : "es",
        plan.model.microBatchSize, plan.model.seqLen, shards.c_str(),
        kernels::cpu::numThreads());
  }

  // Every rank reads what it holds from whichever parts hold it.
  if (o.resume && worldHasCheckpoint(world, o.checkpoint)) {
    trainer.setProgress(exec::loadTrainingCheckpoint(o.checkpoint, plan, rank,
                                                     executor.buffers()));
    if (speaks)
      std::printf("dsc-run: resumed from %s at step %" PRIu64
                  ", data position %" PRIu64 "\n",
                  o.checkpoint.c_str(), trainer.progress().step,
                  trainer.progress().dataPosition);
  } else if (o.seed) {
    // Values depend on the seed and the tensor name only, so data-parallel
    // replicas start alike.
    exec::initParameters(plan, rank, executor.buffers(), *o.seed);
    if (speaks)
      std::printf("dsc-run: random init, seed %" PRIu64 "\n", *o.seed);
  } else if (!o.weights.empty()) {
    exec::loadWeights(o.weights, plan, rank, executor.buffers());
    if (speaks)
      std::printf("dsc-run: weights from %s\n", o.weights.c_str());
  } else {
    // Every rank agreed there is no checkpoint: one message for all.
    throw exec::WorldError(o.checkpoint + " holds no checkpoint to resume and "
                                          "no --init or --weights was given");
  }
  std::fflush(stdout);

  std::optional<exec::ExpertLoadMeter> loads;
  if (!o.expertLoads.empty()) {
    loads.emplace(plan, rank);
    trainer.setLoadMeter(&*loads);
  }
  exec::Trace trace;
  trace.setProcess(place.rank, "rank " + std::to_string(place.rank));
  if (!o.trace.empty())
    executor.setTrace(&trace);

  // Every rank writes its part; rank 0 commits the directory.
  auto save = [&]() {
    exec::saveTrainingCheckpoint(o.checkpoint, plan, rank, executor.buffers(),
                                 trainer.progress(), &world.comm());
    if (speaks)
      std::printf("dsc-run: saved %s at step %" PRIu64 "\n",
                  o.checkpoint.c_str(), trainer.progress().step);
  };

  std::optional<SelfStop> stopAt = selfStop(place.rank);
  uint64_t first = trainer.progress().step + 1;
  uint64_t last = uint64_t(o.steps);
  double seconds = 0, firstLoss = 0, lastLoss = 0;
  uint64_t tokens = 0;
  Progress progress((o.progress || isatty(STDERR_FILENO)) && speaks, first,
                    last);
  for (uint64_t s = first; s <= last; ++s) {
    if (stopAt && stopAt->step == s)
      std::raise(stopAt->signal);
    exec::StepResult r = trainer.step();
    seconds += r.seconds;
    tokens += r.tokens;
    if (s == first)
      firstLoss = r.loss;
    lastLoss = r.loss;
    bool logged = s == first || s == last || r.step % uint64_t(o.logEvery) == 0;
    bool periodic = o.saveEvery && r.step % uint64_t(o.saveEvery) == 0;
    bool saving = !o.checkpoint.empty() && (periodic || s == last);
    if (logged || saving)
      progress.clear();
    if (logged && speaks)
      std::printf("step %" PRIu64
                  " loss %.9g tokens/s %.1f aux %.9g lr %.6g balance %.9g\n",
                  r.step, r.loss, double(r.tokens) / r.seconds, r.aux, r.lr,
                  r.balance);
    if (saving)
      save();
    std::fflush(stdout);
    progress.update(r.step, r.loss, seconds, tokens);
  }
  progress.finish();
  if (!o.trace.empty()) {
    std::string path = tracePath(o.trace, place);
    trace.write(path);
    std::printf("dsc-run: wrote %s (%zu events)\n", path.c_str(), trace.size());
  }
  if (loads) {
    // Collective: every rank adds its routers' loads.
    std::vector<exec::RouterLoads> measured = loads->gather(world.comm());
    if (speaks) {
      writeOutput("--expert-loads", o.expertLoads,
                  exec::expertLoadsJson(measured, loads->steps()));
      std::printf("dsc-run: wrote %s (%zu routers, %" PRIu64 " steps)\n",
                  o.expertLoads.c_str(), measured.size(), loads->steps());
    }
  }
  if (!speaks)
    return 0;
  if (first > last) {
    std::printf("dsc-run: nothing to do: step %" PRIu64
                " already reached (--steps %" PRId64 ")\n",
                trainer.progress().step, o.steps);
    return 0;
  }
  std::printf("dsc-run: done: steps %" PRIu64 "-%" PRIu64 ", %" PRIu64
              " tokens in %.2f s (%.1f tokens/s); loss %.4f at step %" PRIu64
              ", %.4f at step %" PRIu64 "\n",
              first, last, tokens, seconds, double(tokens) / seconds, firstLoss,
              first, lastLoss, last);
  return 0;
}

} // namespace

int trainCommand(int argc, char **argv) {
  Options options;
  try {
    options = parse(argc, argv);
  } catch (const UsageError &e) {
    std::fprintf(stderr, "dsc-run: %s (dsc-run --help)\n", e.message.c_str());
    return 2;
  }
  std::unique_ptr<exec::World> world;
  try {
    world = std::make_unique<exec::World>(options.comm, &argc, &argv,
                                          options.commTimeout);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "dsc-run: %s\n", e.what());
    return 1;
  }
  const exec::WorldPlace &place = world->place();
  try {
    return train(options, *world);
  } catch (const exec::WorldError &e) {
    // Every rank raised it: one message, and all exit together.
    std::fflush(stdout);
    if (place.rank == 0)
      std::fprintf(stderr, "dsc-run: %s\n", e.what());
    return 1;
  } catch (const std::exception &e) {
    std::fflush(stdout);
    std::string what = dynamic_cast<const std::bad_alloc *>(&e)
                           ? "out of memory (the plan's buffers, weights or "
                             "data do not fit the memory or ulimit -v)"
                           : e.what();
    if (place.size == 1) {
      std::fprintf(stderr, "dsc-run: %s\n", what.c_str());
      return 1;
    }
    // This rank's alone: the others may wait for it in a collective.
    std::fprintf(stderr, "dsc-run: rank %d: %s\n", place.rank, what.c_str());
    const auto *error = dynamic_cast<const dsc::Error *>(&e);
    if (error && error->code() == dsc::ErrorCode::DeadlineExceeded)
      std::fprintf(stderr,
                   "dsc-run: rank %d: ending the job: a peer did not answer "
                   "within --comm-timeout %g s (raise it if a rank may "
                   "legitimately work alone that long)\n",
                   place.rank, double(options.commTimeout.count()) / 1000);
    std::fflush(stderr);
    world->abortAll(1);
  }
}

} // namespace dsc::run
