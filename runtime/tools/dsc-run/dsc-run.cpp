//===- dsc-run.cpp - Runs a compiled plan ---------------------------------===//
//
// Exit status: 0 success; 1 the plan, weights, data or a checkpoint cannot
// be used, or a kernel rejected data (one message on stderr); 2 usage
// errors.
//
//===----------------------------------------------------------------------===//

#include "TrainCommand.h"
#include "dsc/plan/Dump.h"
#include "dsc/plan/PlanFile.h"
#include "dsc/support/Error.h"

#include <cstdio>
#include <cstring>
#include <string>

namespace {

const char *kUsage =
    "usage: dsc-run --dump PLAN          print a plan as text\n"
    "       dsc-run PLAN (--init SEED | --weights FILE.safetensors)\n"
    "               --data FILE.tok --steps N [options]   train\n"
    "       mpiexec -n N dsc-run PLAN ...   the same, as an MPI world of N\n"
    "       dsc-run --help\n"
    "\n"
    "training options:\n"
    "  --init SEED          random weights (normal(0, 0.02) matrices, ones\n"
    "                       norm weights, zero biases), seeded per tensor\n"
    "  --weights FILE       parameters from safetensors (BF16 / FP8 convert)\n"
    "  --data FILE.tok      DSCTOKv1 tokens, read as one wrapping stream\n"
    "  --steps N            train until optimizer step N (a resumed run\n"
    "                       continues from its checkpoint's step)\n"
    "  --checkpoint DIR     save there at the end (and every --save-every K)\n"
    "  --save-every K       also save after every K-th step\n"
    "  --resume             continue from DIR's checkpoint when it has one\n"
    "  --trace FILE.json    Chrome / Perfetto trace of every kernel\n"
    "  --overlap on|off     communication on a thread of its own, under the\n"
    "                       compute (on, the default), or inline (off);\n"
    "                       the results are the same\n"
    "  --emulate-network S  every communication takes at least as long as\n"
    "                       on the plan's cluster with link bandwidths x S\n"
    "                       (NVLink within a node, InfiniBand across);\n"
    "                       results are unchanged\n"
    "  --expert-loads FILE  write the tokens each router gave each expert,\n"
    "                       summed over the run and the world, as the load\n"
    "                       file dsc place --loads reads (one row per MoE\n"
    "                       layer)\n"
    "  --log-every K        print every K-th step (and the first and last)\n"
    "  --progress           a progress line on stderr (default: only when\n"
    "                       stderr is a terminal)\n"
    "  --threads N          kernel and OpenBLAS threads (default: all cores)\n"
    "  --comm auto|local|mpi  the world: MPI when an MPI launcher started\n"
    "                       dsc-run (auto, the default), one process\n"
    "                       without MPI (local), or MPI always (mpi)\n"
    "  --comm-timeout S     seconds a rank waits for its peers in one\n"
    "                       communication before it names the rank(s) and\n"
    "                       the instruction and ends the job (default 300;\n"
    "                       0: wait forever)\n"
    "\n"
    "Every rank checks with the others that they run the same plan, compiled\n"
    "for this many ranks, before reading weights or data; rank 0 prints for\n"
    "the world. --checkpoint DIR must be a directory every rank shares:\n"
    "each rank writes what it holds (a ZeRO-1 shard, or a tensor no lower\n"
    "rank holds) and DIR/manifest.json says where each tensor lies, so a\n"
    "checkpoint resumes under a plan with other pp, dp or zero.\n"
    "With several ranks, --trace FILE.json writes FILE.rankR.json per rank.\n"
    "\n"
    "Each logged step prints 'step S loss L tokens/s X aux A lr R balance B':\n"
    "L the main next-token cross-entropy averaged over the step's\n"
    "micro-batches (and over the ranks that compute it), A the other (MTP)\n"
    "losses as weighted, X the tokens of all data shards per second, R the\n"
    "learning rate, B the routers' sequence-wise balance losses as weighted\n"
    "(aux_loss_alpha x the loss; 0 without them).\n";

int dump(const std::string &path) {
  dsc::plan::Plan plan;
  try {
    plan = dsc::plan::loadPlanFile(path);
  } catch (const dsc::Error &e) {
    std::fprintf(stderr, "dsc-run: %s\n", e.what());
    return 1;
  }
  std::string text = dsc::plan::dumpPlan(plan);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

} // namespace

int main(int argc, char **argv) {
  if (argc == 2 &&
      (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h"))) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (argc == 3 && !std::strcmp(argv[1], "--dump"))
    return dump(argv[2]);
  if (argc >= 2 && argv[1][0] != '-')
    return dsc::run::trainCommand(argc, argv);
  std::fputs(kUsage, stderr);
  return 2;
}
