//===- RunFlags.cpp - the run options of dsc report, schedule, compile ----===//

#include "RunFlags.h"
#include "dsc/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"

using namespace llvm;
using namespace mlir;

namespace dsc::driver {
namespace {
/// Adds an option to every subcommand that builds a run.
struct InRunCommands {
  template <class Opt> void apply(Opt &option) const {
    for (cl::SubCommand *command :
         {&reportCommand, &scheduleCommand, &compileCommand})
      option.addSubCommand(*command);
  }
};

/// The options, constructed by registerRunFlags() once the subcommands
/// (globals of other files) exist.
struct RunFlags {
  InRunCommands in;
  cl::OptionCategory category{"Run options (dsc report, schedule, compile)"};

  cl::opt<dsc::RunMode> mode{
      "mode", cl::desc("What the run does (default training)"),
      cl::values(clEnumValN(dsc::RunMode::training, "training", "training"),
                 clEnumValN(dsc::RunMode::inference, "inference",
                            "inference (seq-len: context, micro-batch: "
                            "batch)")),
      in, cl::cat(category)};
  cl::opt<int64_t> seqLen{"seq-len", cl::desc("Sequence length"),
                          cl::value_desc("tokens"), in, cl::cat(category)};
  cl::opt<int64_t> microBatch{"micro-batch",
                              cl::desc("Sequences per micro-batch"), in,
                              cl::cat(category)};
  cl::opt<int64_t> microBatches{
      "micro-batches",
      cl::desc("Micro-batches per step per replica (default 2 * pp)"), in,
      cl::cat(category)};
  cl::alias microBatchesAlias{"microbatches",
                              cl::desc("Alias for --micro-batches"),
                              cl::aliasopt(microBatches)};
  cl::opt<int64_t> globalBatch{
      "global-batch", cl::desc("Sequences per step; sets --micro-batches"), in,
      cl::cat(category)};
  cl::opt<int64_t> pp{"pp",
                      cl::desc("Pipeline-parallel ranks (default 1); the "
                               "schedule says how many stages they run"),
                      in, cl::cat(category)};
  cl::opt<int64_t> dp{"dp",
                      cl::desc("Data-parallel replicas (default: GPUs / pp)"),
                      in, cl::cat(category)};
  cl::opt<int64_t> ep{"ep",
                      cl::desc("Expert-parallel group, a divisor of dp "
                               "(default: gcd(dp, routed experts))"),
                      in, cl::cat(category)};
  cl::opt<int64_t> zero{"zero",
                        cl::desc("ZeRO stage: 0, or 1 (the default: "
                                 "AdamW states sharded over the ranks "
                                 "holding each parameter)"),
                        in, cl::cat(category)};
  cl::opt<dsc::Precision> recipe{
      "recipe",
      cl::desc("Matmul precision recipe (default: fp8 for a model with FP8 "
               "weights, else bf16)"),
      cl::values(clEnumValN(dsc::Precision::bf16, "bf16", "BF16"),
                 clEnumValN(dsc::Precision::fp8, "fp8",
                            "FP8, the DeepSeek-V3 recipe")),
      in, cl::cat(category)};
  cl::opt<dsc::MomentType> moments{
      "moments",
      cl::desc("AdamW moment storage (default: the model's FP8 recipe's, "
               "else bf16)"),
      cl::values(clEnumValN(dsc::MomentType::fp32, "fp32", "FP32"),
                 clEnumValN(dsc::MomentType::bf16, "bf16", "BF16")),
      in, cl::cat(category)};
  cl::opt<dsc::Precision> dispatch{
      "dispatch",
      cl::desc("How the MoE all-to-all sends tokens to the experts (default: "
               "fp8 when the recipe is)"),
      cl::values(
          clEnumValN(dsc::Precision::bf16, "bf16", "in the activations' type"),
          clEnumValN(dsc::Precision::fp8, "fp8",
                     "E4M3 with the recipe's dispatch scales "
                     "(DeepSeek-V3); combine stays BF16")),
      in, cl::cat(category)};
  cl::opt<bool> combined{
      "combined-1f1b",
      cl::desc("Megatron's combined 1F1B (1f1b, interleaved-1f1b): each "
               "steady-state backward overlapped with the next forward, "
               "hiding the expert-parallel all-to-all"),
      in, cl::cat(category)};
  cl::opt<bool> recompute{"recompute",
                          cl::desc("Recompute activations in the backward"), in,
                          cl::cat(category)};
  cl::opt<dsc::ScheduleKind> schedule{
      "schedule", cl::desc("Pipeline schedule (default 1f1b)"),
      cl::values(
          clEnumValN(dsc::ScheduleKind::one_f_one_b, "1f1b", "1F1B"),
          clEnumValN(dsc::ScheduleKind::interleaved_1f1b, "interleaved-1f1b",
                     "Megatron's interleaved 1F1B: --virtual-stages per rank"),
          clEnumValN(dsc::ScheduleKind::zb_h1, "zb-h1",
                     "Zero Bubble H1: 1F1B memory, W passes deferred"),
          clEnumValN(dsc::ScheduleKind::zb_v, "zb-v",
                     "Zero Bubble V: two stages per rank in a V"),
          clEnumValN(dsc::ScheduleKind::dualpipe, "dualpipe",
                     "DualPipe (DeepSeek-V3): even pp, micro-batches >= 2 pp"),
          clEnumValN(dsc::ScheduleKind::dualpipev, "dualpipev",
                     "DualPipeV: DualPipe cut in half, two stages per rank")),
      in, cl::cat(category)};
  cl::alias scheduleAlias{"kind", cl::desc("Alias for --schedule"),
                          cl::aliasopt(schedule)};
  cl::opt<int64_t> virtualStages{
      "virtual-stages",
      cl::desc("Model chunks per rank for interleaved-1f1b (default 2)"), in,
      cl::cat(category)};
  cl::opt<std::string> partition{
      "partition",
      cl::desc("Stage layout: auto (the cost model's best), even (Megatron's "
               "default) or a Megatron layout such as Et*4|t*4|t*4mL"),
      cl::value_desc("auto|even|LAYOUT"), in, cl::cat(category)};
};

RunFlags &flags() {
  static RunFlags instance;
  return instance;
}

template <typename T, typename Field>
void override(Field &field, const cl::opt<T> &option) {
  if (option.getNumOccurrences())
    field = option;
}
} // namespace

void registerRunFlags() { (void)flags(); }

dsc::RunOptions runOptionsFromFlags(dsc::RunOptions options) {
  RunFlags &f = flags();
  override(options.mode, f.mode);
  override(options.seqLen, f.seqLen);
  override(options.microBatch, f.microBatch);
  override(options.microBatches, f.microBatches);
  override(options.globalBatch, f.globalBatch);
  override(options.pp, f.pp);
  override(options.dp, f.dp);
  override(options.ep, f.ep);
  override(options.zero, f.zero);
  override(options.recipe, f.recipe);
  override(options.moments, f.moments);
  override(options.dispatch, f.dispatch);
  override(options.recompute, f.recompute);
  override(options.combined, f.combined);
  override(options.schedule, f.schedule);
  override(options.virtualStages, f.virtualStages);
  return options;
}

FailureOr<dsc::ResolvedRun> addRunFromFlags(ModelOnCluster &loaded,
                                            dsc::RunOptions defaults,
                                            StringRef command) {
  FailureOr<dsc::RunOp> run =
      loaded.addRun(runOptionsFromFlags(std::move(defaults)), command);
  if (failed(run))
    return failure();
  const cl::opt<std::string> &partition = flags().partition;
  StringRef mode =
      partition.getNumOccurrences() ? StringRef(partition) : "auto";
  dsc::DscPipelinePartitionOptions options;
  if (mode == "auto" || mode == "even")
    options.mode = mode.str();
  else
    options.layout = mode.str();
  options.runName = run->getSymName().str();
  PassManager manager(loaded.module->getContext());
  manager.addPass(dsc::createDscPipelinePartition(options));
  if (failed(manager.run(*loaded.module)))
    return failure();
  return dsc::resolveRun(*run);
}
} // namespace dsc::driver
