//===- NodeLimitedRoutingTest.cpp - tokens reach at most topk_group nodes -===//
//
// DeepSeek-V3's node-limited routing (§2.2): with the expert groups placed
// on nodes, a token routed to its best `topk_group` groups reaches at most
// that many nodes. Checked on a compiled expert-parallel plan: EP4 over two
// nodes of two GPUs, the hierarchical placement with 4 redundant slots, and
// each rank's routing (the CPU route kernel, then slot_route over the
// candidate table the plan gives that rank) mapped to the nodes of the ep
// group's ranks.
//
//===----------------------------------------------------------------------===//

#include "RunFixture.h"
#include "dsc/Pipelines/Pipelines.h"
#include "dsc/Target/PlanEmitter.h"
#include "dsc/kernels/cpu/ExpertExchange.h"
#include "dsc/kernels/cpu/MoE.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <random>
#include <set>

namespace dsc {
namespace {

namespace k = kernels::cpu;

/// Writes `text` to a fresh temporary file; its path.
std::string temporaryFile(llvm::StringRef suffix, llvm::StringRef text) {
  llvm::SmallString<128> path;
  EXPECT_FALSE(llvm::sys::fs::createTemporaryFile("dsc-node-limited", suffix,
                                                  path));
  std::error_code error;
  llvm::raw_fd_ostream os(path, error);
  EXPECT_FALSE(error);
  os << text;
  return path.str().str();
}

class NodeLimitedRouting : public ExampleModel {};

TEST_F(NodeLimitedRouting, TokensReachAtMostTopkGroupNodes) {
  // The tiny model with one group of four experts per token (of four
  // groups): each token must stay on the node holding its group.
  auto config = llvm::MemoryBuffer::getFile(DSC_SOURCE_DIR
                                            "/examples/tiny/config.json");
  ASSERT_TRUE(bool(config));
  llvm::Expected<llvm::json::Value> json =
      llvm::json::parse((*config)->getBuffer());
  ASSERT_TRUE(bool(json));
  (*json->getAsObject())["topk_group"] = 1;
  std::string text;
  llvm::raw_string_ostream(text) << *json;
  std::string configPath = temporaryFile("json", text);
  std::string clusterPath = temporaryFile(
      "json",
      R"({"name": "two-by-two", "nodes": 2, "gpus_per_node": 2,
          "gpu": {"name": "H100", "sms": 132, "bf16_tflops": 989,
                  "fp8_tflops": 1979, "hbm_gb": 80, "hbm_gbps": 3350},
          "nvlink": {"gbps": 450, "latency_us": 2},
          "infiniband": {"gbps": 50, "latency_us": 5}, "comm_sms": 20})");
  module = loadModel(configPath, &context);
  ASSERT_TRUE(module);
  ModelOp model = *module->getOps<ModelOp>().begin();

  mlir::OpBuilder b(module->getBody(), module->getBody()->end());
  mlir::FailureOr<ClusterOp> cluster = importCluster(clusterPath, b);
  ASSERT_TRUE(mlir::succeeded(cluster));
  auto mesh = MeshOp::create(b, b.getUnknownLoc(), "mesh",
                             cluster->getSymName(), 1, 4, 4);
  auto run = RunOp::create(b, b.getUnknownLoc(), "run", model.getSymName(),
                           mesh.getSymName(), RunMode::training, 32, 1, 1, 0,
                           Precision::bf16, MomentType::fp32, false,
                           ScheduleKind::one_f_one_b, nullptr, nullptr,
                           nullptr, false);
  mlir::PassManager manager(&context);
  DscExpertPlacementOptions placement;
  placement.ep = 4;
  placement.nodes = 2;
  placement.redundant = 4;
  placement.policy = "hierarchical";
  manager.nest<ModelOp>().addPass(createDscExpertPlacement(placement));
  buildTrainingPipeline(manager);
  ASSERT_TRUE(mlir::succeeded(manager.run(*module)));
  mlir::FailureOr<plan::Plan> compiled = emitPlan(run, *module, {});
  ASSERT_TRUE(mlir::succeeded(compiled));

  MoEAttr moe;
  int64_t perMember = 0;
  model.walk([&](MoEOp op) {
    moe = op.getConfig();
    perMember = op.getPlacement()->getSlotsPerGPU();
  });
  ASSERT_EQ(perMember, 5); // (16 experts + 4 redundant) / 4 GPUs
  int64_t experts = moe.getNRoutedExperts();
  k::RouteAttrs attrs;
  attrs.method = k::TopkMethod::NoauxTc;
  attrs.nGroup = moe.getNGroup();
  attrs.topkGroup = moe.getTopkGroup();
  attrs.k = moe.getNumExpertsPerTok();
  ASSERT_EQ(attrs.topkGroup, 1);
  const int64_t tokens = 2048;
  std::mt19937 rng(7);
  std::normal_distribution<float> normal;
  int64_t checkedRanks = 0;
  std::set<int32_t> nodesUsed;
  for (const plan::Rank &rank : compiled->ranks) {
    const plan::Buffer *table = nullptr;
    for (const plan::Buffer &buffer : rank.buffers)
      if (buffer.role == plan::BufferRole::constant &&
          llvm::StringRef(buffer.name).starts_with("slot_candidates"))
        table = &buffer;
    ASSERT_NE(table, nullptr) << "rank " << rank.rank;
    // pp 1, dp = ep = 4: the ep group is ranks 0-3 in order.
    std::vector<int32_t> group = {0, 1, 2, 3};
    std::vector<float> logits(tokens * experts), weights(tokens * attrs.k),
        loads(experts);
    for (float &v : logits)
      v = normal(rng);
    std::vector<int32_t> chosen(tokens * attrs.k), slot(tokens * attrs.k);
    k::routeForward(logits.data(), nullptr, chosen.data(), weights.data(),
                    loads.data(), tokens, experts, attrs);
    k::slotRoute(chosen.data(), table->values.data(), slot.data(), tokens,
                 attrs.k, experts, table->shape[1]);
    for (int64_t t = 0; t < tokens; ++t) {
      std::set<int32_t> nodes;
      for (int64_t j = 0; j < attrs.k; ++j) {
        int32_t owner = group[slot[t * attrs.k + j] / perMember];
        nodes.insert(compiled->placement[owner].node);
      }
      ASSERT_LE(int64_t(nodes.size()), attrs.topkGroup)
          << "rank " << rank.rank << " token " << t;
      nodesUsed.insert(*nodes.begin());
    }
    ++checkedRanks;
  }
  EXPECT_EQ(checkedRanks, 4);
  // Not vacuous: the tokens of the ranks together reach both nodes.
  EXPECT_EQ(nodesUsed.size(), 2u);
}

} // namespace
} // namespace dsc
