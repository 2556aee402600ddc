//===- Report.cpp - every analysis of a dsc.run ---------------------------===//

#include "dsc/Report/Report.h"
#include "llvm/Support/Format.h"

using namespace mlir;
using namespace dsc;

RunReport::RunReport(const ResolvedRun &run, double tokenBudget)
    : setup(run), tokenBudget(tokenBudget), costs(run),
      params(costs.parameters()), flops(run.model, RunOp(run.run).getSeqLen()),
      kvCache(run.model), memory(costs.memory()), comm(costs.communication()),
      stepTime(costs.stepTime()) {}

/// "671.03B", "1.25 GB" style figures.
static std::string scaled(double value, llvm::StringRef unit = "") {
  static const char *prefixes[] = {"", "K", "M", "G", "T", "P"};
  int index = 0;
  while (std::abs(value) >= 1000 && index < 5) {
    value /= 1000;
    ++index;
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::format("%.2f", value);
  if (unit.empty())
    os << (index == 3 ? "B" : prefixes[index]); // billions of parameters
  else
    os << " " << prefixes[index] << unit;
  return text;
}

/// The main model's blocks, then the MTP modules' (ParameterCount order).
static SmallVector<BlockOp> allBlocks(ModelOp model) {
  SmallVector<BlockOp> blocks = model.getBlocks();
  for (MTPOp mtp : model.getMTPModules())
    blocks.push_back(mtp.getBlock());
  return blocks;
}

namespace {
/// What one block keeps for backward over a micro-batch: everything, or
/// with recomputation only its BF16 input.
struct ActivationBytes {
  int64_t saved = 0;
  int64_t recomputed = 0;
};
} // namespace

static ActivationBytes microBatchActivations(const ResolvedRun &setup,
                                             BlockOp block) {
  int64_t tokens = setup.microBatchTokens();
  int64_t hidden = activationWidth(block.getInput());
  return {tokens * savedActivationsPerToken(block).bytes(setup.isFP8()),
          tokens * hidden * 2};
}

static const CommVolume &largestComm(llvm::ArrayRef<CommVolume> stages) {
  const CommVolume *largest = &stages.front();
  for (const CommVolume &volume : stages)
    if (volume.total() > largest->total())
      largest = &volume;
  return *largest;
}

void RunReport::printText(llvm::raw_ostream &os) const {
  RunOp run = setup.run;
  ModelOp model = setup.model;
  ClusterOp cluster = setup.cluster;
  const ComponentParams &main = params.mainModel();
  os << "model @" << model.getSymName() << " on cluster @"
     << cluster.getSymName() << " (" << cluster.getNodes() << " x "
     << cluster.getGpusPerNode() << " " << cluster.getGpu().getName() << ")\n";
  os << stringifyRunMode(run.getMode()) << ": seq " << run.getSeqLen()
     << ", micro-batch " << run.getMicroBatch() << " x "
     << run.getMicroBatches() << ", global batch "
     << run.getMicroBatch() * run.getMicroBatches() * setup.dp()
     << " sequences; PP " << setup.pp() << ", EP " << setup.ep() << ", DP "
     << setup.dp() << ", ZeRO-" << run.getZero() << ", "
     << stringifyPrecision(run.getRecipe()) << ", AdamW moments "
     << stringifyMomentType(run.getMoments())
     << (run.getRecompute() ? ", recompute" : "") << ", "
     << scheduleKindName(run.getSchedule()) << " (" << setup.shape.stages
     << " stages, layout " << setup.layout.toAttr(run.getContext()).toMegatron()
     << ")\n\n";

  os << "Parameters\n";
  os << llvm::format("  %-38s %12s\n", "total (main model)",
                     scaled(main.total()).c_str());
  os << llvm::format("  %-38s %12s\n", "activated per token (with embedding)",
                     scaled(params.activatedPerToken(true)).c_str());
  os << llvm::format("  %-38s %12s\n", "activated per token (w/o embedding)",
                     scaled(params.activatedPerToken(false)).c_str());
  os << llvm::format("  %-38s %12s\n", "MTP modules (own)",
                     scaled(params.mtpModules().total()).c_str());
  auto component = [&](const char *name, int64_t count) {
    os << llvm::format("    %-36s %12s\n", name, scaled(count).c_str());
  };
  component("embedding", main.embedding);
  component("attention (MLA)", main.attention);
  component("dense MLP", main.denseMLP);
  component("router", main.router);
  component("shared experts", main.sharedExperts);
  component("routed experts", main.routedExperts);
  component("norms", main.norms);
  component("output head", main.head);

  os << "\nPer token at seq " << run.getSeqLen() << "\n";
  os << llvm::format("  %-38s %12s\n", "FLOPs forward",
                     scaled(flops.mainModel().forward, "FLOP").c_str());
  os << llvm::format("  %-38s %12s\n", "FLOPs backward",
                     scaled(flops.mainModel().backward, "FLOP").c_str());
  os << llvm::format("  %-38s %9lld B\n", "KV cache, FP8",
                     (long long)kvCache.latentBytesPerToken(1));
  os << llvm::format("  %-38s %9lld B (MHA: %lld B, %.1fx)\n", "KV cache, BF16",
                     (long long)kvCache.latentBytesPerToken(2),
                     (long long)kvCache.multiHeadBytesPerToken(2),
                     kvCache.compressionRatio());

  // The largest block's activations, the unit of the memory below.
  ActivationBytes perBlock;
  for (BlockOp block : allBlocks(model)) {
    ActivationBytes bytes = microBatchActivations(setup, block);
    if (bytes.saved > perBlock.saved)
      perBlock = bytes;
  }
  os << llvm::format("  %-38s %12s\n", "layer activations per micro-batch",
                     scaled(perBlock.saved, "B").c_str());
  os << llvm::format("  %-38s %12s\n", "  with recomputation",
                     scaled(perBlock.recomputed, "B").c_str());

  const MemoryBreakdown &largest = memory.largest();
  os << "\nMemory per GPU (largest: pipeline rank " << memory.largestStage()
     << " of " << setup.pp() << ")\n";
  auto bytes = [&](const char *name, double value) {
    os << llvm::format("  %-38s %12s\n", name, scaled(value, "B").c_str());
  };
  bytes("weights", largest.weights);
  bytes("gradients", largest.grads);
  bytes("optimizer states", largest.optimizer);
  bytes("activations", largest.activations);
  if (largest.kvCache)
    bytes("KV cache", largest.kvCache);
  bytes("total", largest.total());
  double hbm = cluster.getGpu().getHbmBytes();
  os << llvm::format("  %-38s %12s\n", "HBM per GPU", scaled(hbm, "B").c_str());
  if (largest.total() > hbm)
    os << "  warning: does not fit; recompute activations (--recompute), "
          "use more pipeline stages or fewer micro-batches in flight\n";

  const CommVolume &volume = largestComm(comm.stages());
  os << "\nCommunication per GPU per step (busiest stage)\n";
  bytes("pipeline (PP)", volume.pp);
  bytes("expert all-to-all, NVLink", volume.epIntraNode);
  bytes("expert all-to-all, InfiniBand", volume.epInterNode);
  bytes("data parallel (DP)", volume.dp);

  os << "\nStep time (roofline)\n";
  for (bool overlap : {true, false}) {
    os << llvm::format("  %-38s %9.4g s  %12s tokens/s  MFU %5.1f%%\n",
                       overlap ? "with compute/comm overlap"
                               : "without overlap",
                       stepTime.stepSeconds(overlap),
                       scaled(stepTime.tokensPerSecond(overlap)).c_str(),
                       100 * stepTime.mfu(overlap));
  }
  os << llvm::format("  %-38s %12s GPU-hours\n",
                     ("for " + scaled(tokenBudget) + " tokens").c_str(),
                     scaled(stepTime.gpuHours(tokenBudget, true)).c_str());
}

llvm::json::Value RunReport::toJSON() const {
  RunOp run = setup.run;
  ModelOp model = setup.model;
  ClusterOp cluster = setup.cluster;
  const MemoryBreakdown &largest = memory.largest();
  const CommVolume &volume = largestComm(comm.stages());
  llvm::json::Array layers;
  SmallVector<BlockOp> blocks = allBlocks(model);
  for (auto [layer, block] : llvm::zip(params.layers(), blocks)) {
    ActivationBytes bytes = microBatchActivations(setup, block);
    layers.push_back(llvm::json::Object{
        {"index", layer.index},
        {"moe", layer.isMoE},
        {"mtp", layer.isMTP},
        {"params", layer.total},
        {"activated", layer.activated},
        {"activation_bytes_per_micro_batch", bytes.saved},
        {"activation_bytes_per_micro_batch_recompute", bytes.recomputed}});
  }
  // Per pipeline stage, then per pipeline rank (which may run several).
  llvm::json::Array stages, ranks;
  for (auto [stage, times] : llvm::zip(setup.layout.stages, costs.stageTimes()))
    stages.push_back(
        llvm::json::Object{{"layers", llvm::json::Array(stage.layers)},
                           {"mtp_modules", llvm::json::Array(stage.mtpModules)},
                           {"forward_s", times.forward(true)},
                           {"backward_s", times.backward(true)}});
  for (auto [rank, rankMemory] : llvm::enumerate(memory.stages())) {
    const StageTimes &times = stepTime.stages()[rank];
    ranks.push_back(llvm::json::Object{
        {"stages", llvm::json::Array(setup.stagesOnRank(rank))},
        {"memory_bytes", rankMemory.total()},
        {"forward_s", times.forward(true)},
        {"backward_s", times.backward(true)}});
  }
  return llvm::json::Object{
      {"model", model.getSymName()},
      {"cluster", cluster.getSymName()},
      {"mode", stringifyRunMode(run.getMode())},
      {"schedule", scheduleKindName(run.getSchedule())},
      {"pp", setup.pp()},
      {"dp", setup.dp()},
      {"ep", setup.ep()},
      {"num_stages", setup.shape.stages},
      {"layout", setup.layout.toAttr(run.getContext()).toMegatron()},
      {"params_total", params.mainModel().total()},
      {"params_activated", params.activatedPerToken(true)},
      {"params_activated_without_embedding", params.activatedPerToken(false)},
      {"params_mtp", params.mtpModules().total()},
      {"flops_per_token_fwd", flops.mainModel().forward},
      {"flops_per_token_bwd", flops.mainModel().backward},
      {"kv_cache_bytes_per_token", kvCache.latentBytesPerToken(2)},
      {"kv_cache_bytes_per_token_mha", kvCache.multiHeadBytesPerToken(2)},
      {"kv_cache_bytes_per_token_fp8", kvCache.latentBytesPerToken(1)},
      {"params_by_layer", std::move(layers)},
      {"memory_per_gpu_bytes",
       llvm::json::Object{{"weights", largest.weights},
                          {"grads", largest.grads},
                          {"optimizer", largest.optimizer},
                          {"activations", largest.activations},
                          {"kv_cache", largest.kvCache},
                          {"total", largest.total()}}},
      {"comm_bytes_per_step",
       llvm::json::Object{{"pp", volume.pp},
                          {"ep_intra_node", volume.epIntraNode},
                          {"ep_inter_node", volume.epInterNode},
                          {"dp", volume.dp}}},
      {"step_time_s", stepTime.stepSeconds(true)},
      {"step_time_no_overlap_s", stepTime.stepSeconds(false)},
      {"tokens_per_s", stepTime.tokensPerSecond(true)},
      {"mfu", stepTime.mfu(true)},
      {"gpu_hours", stepTime.gpuHours(tokenBudget, true)},
      {"token_budget", tokenBudget},
      {"stages", std::move(stages)},
      {"ranks", std::move(ranks)}};
}
