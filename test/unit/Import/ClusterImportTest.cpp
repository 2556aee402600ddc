//===- ClusterImportTest.cpp - cluster presets and files ------------------===//

#include "dsc/Import/ClusterImport.h"
#include "dsc/IR/DscOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"

using namespace dsc;

namespace {

class ClusterImport : public ::testing::Test {
protected:
  ClusterImport()
      : module(mlir::ModuleOp::create(mlir::UnknownLoc::get(&context))),
        builder(module->getBody(), module->getBody()->end()),
        handler(&context, [this](mlir::Diagnostic &diag) {
          llvm::raw_string_ostream(errors)
              << diag.getLocation() << ": " << diag.str() << "\n";
        }) {
    context.getOrLoadDialect<DscDialect>();
  }

  /// Imports `json` written to a temporary file.
  mlir::FailureOr<ClusterOp> importText(llvm::StringRef json) {
    llvm::SmallString<128> path;
    llvm::sys::fs::createTemporaryFile("cluster", "json", path);
    {
      std::error_code ec;
      llvm::raw_fd_ostream os(path, ec);
      os << json;
    }
    mlir::FailureOr<ClusterOp> cluster = importCluster(path, builder);
    llvm::sys::fs::remove(path);
    return cluster;
  }

  mlir::MLIRContext context;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  mlir::OpBuilder builder;
  std::string errors;
  mlir::ScopedDiagnosticHandler handler;
};

TEST_F(ClusterImport, DeepSeekTrainingCluster) {
  mlir::FailureOr<ClusterOp> cluster = importCluster("h800x2048", builder);
  ASSERT_TRUE(mlir::succeeded(cluster)) << errors;
  EXPECT_EQ(cluster->getSymName(), "h800x2048");
  EXPECT_EQ(cluster->getNumGPUs(), 2048);
  EXPECT_EQ(cluster->getGpu().getName(), "H800");
  EXPECT_EQ(cluster->getGpu().getSms(), 132);
  EXPECT_DOUBLE_EQ(cluster->getGpu().getFp8Tflops().convertToDouble(), 1979);
  EXPECT_DOUBLE_EQ(cluster->getNvlink().getGbps().convertToDouble(), 160);
  EXPECT_DOUBLE_EQ(cluster->getInfiniband().getGbps().convertToDouble(), 50);
  EXPECT_EQ(cluster->getCommSms(), 20);
}

TEST_F(ClusterImport, EveryPresetBuilds) {
  ASSERT_EQ(clusterPresetNames().size(), 4u);
  for (llvm::StringRef name : clusterPresetNames())
    EXPECT_TRUE(mlir::succeeded(importCluster(name, builder))) << name.str();
  auto h200 = *importCluster("h200x8", builder);
  EXPECT_DOUBLE_EQ(h200.getGpu().getHbmGb().convertToDouble(), 141);
  EXPECT_DOUBLE_EQ(h200.getGpu().getHbmGbps().convertToDouble(), 4800);
  // One GPU: the one-rank runs dsc compile writes plans for.
  EXPECT_EQ((*importCluster("h100x1", builder)).getNumGPUs(), 1);
}

TEST_F(ClusterImport, FromFile) {
  mlir::FailureOr<ClusterOp> cluster = importText(R"({
    "name": "lab", "nodes": 2, "gpus_per_node": 4,
    "gpu": {"name": "H100", "sms": 132, "bf16_tflops": 989,
            "fp8_tflops": 1979, "hbm_gb": 80, "hbm_gbps": 3350},
    "nvlink": {"gbps": 450}, "infiniband": {"gbps": 25, "latency_us": 3}})");
  ASSERT_TRUE(mlir::succeeded(cluster)) << errors;
  EXPECT_EQ(cluster->getNumGPUs(), 8);
  EXPECT_EQ(cluster->getCommSms(), 0);
  EXPECT_DOUBLE_EQ(cluster->getNvlink().getLatencyUs().convertToDouble(), 0);
}

TEST_F(ClusterImport, Errors) {
  EXPECT_TRUE(mlir::failed(importCluster("a100x8", builder)));
  EXPECT_NE(errors.find("a100x8: cannot read: No such file or directory; "
                        "built-in clusters: h800x2048, h100x8, h100x1, h200x8"),
            std::string::npos)
      << errors;

  errors.clear();
  EXPECT_TRUE(mlir::failed(importText(R"({"name": "x", "nodes": 1,
    "gpus_per_node": 8, "gpu": {"name": "G", "sms": 132, "bf16_tflops": 1,
    "fp8_tflops": 2, "hbm_gb": 80, "hbm_gbps": -1},
    "nvlink": {"gbps": 1}, "infiniband": {"gbps": 1}})")));
  EXPECT_NE(errors.find("key 'gpu.hbm_gbps': expected a positive number, "
                        "got -1"),
            std::string::npos)
      << errors;

  errors.clear();
  EXPECT_TRUE(mlir::failed(importText(R"({"name": "x", "nodes": 1,
    "gpus_per_node": 8, "gpu": {"name": "G", "sms": 16, "bf16_tflops": 1,
    "fp8_tflops": 2, "hbm_gb": 80, "hbm_gbps": 1},
    "nvlink": {"gbps": 1}, "infiniband": {"gbps": 1},
    "comm_sms": 16})")));
  EXPECT_NE(errors.find("'comm_sms' (16) must be from 0 to 15"),
            std::string::npos)
      << errors;

  errors.clear();
  EXPECT_TRUE(mlir::failed(importText(R"({"name": "x", "nodes": 1})")));
  EXPECT_NE(errors.find("key 'gpus_per_node': expected an integer from 1 "
                        "to 1024 (the key is required)"),
            std::string::npos)
      << errors;
}

} // namespace
