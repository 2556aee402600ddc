//===- ClusterImport.cpp - cluster descriptions ---------------------------===//
//
// Presets are written in the file format itself, so both go through one
// reader. Figures: ../shared/reference/DEEPSEEK.md §2 and §5; H100/H200
// NVLink 4 gives 450 GB/s per direction per GPU; InfiniBand NDR 400 Gb/s
// (50 GB/s) per GPU. Latencies are typical values, not measurements.
//
//===----------------------------------------------------------------------===//

#include "dsc/Import/ClusterImport.h"
#include "dsc/IR/DscOps.h"
#include "dsc/Import/JSONKeys.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace dsc;

namespace {
struct Preset {
  llvm::StringLiteral name;
  llvm::StringLiteral json;
};
} // namespace

static const Preset kPresets[] = {
    {"h800x2048", R"({"name": "h800x2048", "nodes": 256, "gpus_per_node": 8,
  "gpu": {"name": "H800", "sms": 132, "bf16_tflops": 989, "fp8_tflops": 1979,
          "hbm_gb": 80, "hbm_gbps": 3350},
  "nvlink": {"gbps": 160, "latency_us": 2},
  "infiniband": {"gbps": 50, "latency_us": 5},
  "comm_sms": 20})"},
    {"h100x8", R"({"name": "h100x8", "nodes": 1, "gpus_per_node": 8,
  "gpu": {"name": "H100", "sms": 132, "bf16_tflops": 989, "fp8_tflops": 1979,
          "hbm_gb": 80, "hbm_gbps": 3350},
  "nvlink": {"gbps": 450, "latency_us": 2},
  "infiniband": {"gbps": 50, "latency_us": 5},
  "comm_sms": 20})"},
    {"h100x1", R"({"name": "h100x1", "nodes": 1, "gpus_per_node": 1,
  "gpu": {"name": "H100", "sms": 132, "bf16_tflops": 989, "fp8_tflops": 1979,
          "hbm_gb": 80, "hbm_gbps": 3350},
  "nvlink": {"gbps": 450, "latency_us": 2},
  "infiniband": {"gbps": 50, "latency_us": 5},
  "comm_sms": 20})"},
    {"h200x8", R"({"name": "h200x8", "nodes": 1, "gpus_per_node": 8,
  "gpu": {"name": "H200", "sms": 132, "bf16_tflops": 989, "fp8_tflops": 1979,
          "hbm_gb": 141, "hbm_gbps": 4800},
  "nvlink": {"gbps": 450, "latency_us": 2},
  "infiniband": {"gbps": 50, "latency_us": 5},
  "comm_sms": 20})"},
};

ArrayRef<StringRef> dsc::clusterPresetNames() {
  static const SmallVector<StringRef> names = llvm::to_vector(llvm::map_range(
      kPresets, [](const Preset &p) -> StringRef { return p.name; }));
  return names;
}

namespace {
/// Builds the cluster op from a parsed file, locating errors at its keys.
class ClusterBuilder {
public:
  ClusterBuilder(const JSONFile &file, OpBuilder &builder)
      : file(file), b(builder), keys(file.object(), "", file, error) {}

  FailureOr<ClusterOp> build();

private:
  Location keyLoc(StringRef key) {
    auto line = file.keyLines.find(key);
    return FileLineColLoc::get(b.getContext(), file.fileName,
                               line == file.keyLines.end() ? 1 : line->second,
                               1);
  }
  GPUAttr readGPU();
  LinkAttr readLink(StringRef key);

  const JSONFile &file;
  OpBuilder &b;
  std::string error;
  JSONKeyReader keys;
};
} // namespace

GPUAttr ClusterBuilder::readGPU() {
  const llvm::json::Object *object = keys.nestedObject("gpu");
  if (!object) {
    keys.fail("gpu", "an object with name, sms, bf16_tflops, fp8_tflops, "
                     "hbm_gb and hbm_gbps");
    return {};
  }
  JSONKeyReader gpu(*object, "gpu.", file, error);
  std::string name = gpu.string("name", std::nullopt);
  int64_t sms = gpu.integer("sms");
  double bf16 = gpu.positive("bf16_tflops"), fp8 = gpu.positive("fp8_tflops");
  double hbm = gpu.positive("hbm_gb"), hbmBandwidth = gpu.positive("hbm_gbps");
  if (!error.empty())
    return {};
  return GPUAttr::getChecked(
      [&] { return emitError(keyLoc("gpu")); }, b.getContext(), StringRef(name),
      sms, APFloat(bf16), APFloat(fp8), APFloat(hbm), APFloat(hbmBandwidth));
}

LinkAttr ClusterBuilder::readLink(StringRef key) {
  const llvm::json::Object *object = keys.nestedObject(key);
  if (!object) {
    keys.fail(key, "an object with gbps and latency_us");
    return {};
  }
  JSONKeyReader link(*object, (key + ".").str(), file, error);
  double gbps = link.positive("gbps");
  double latency = link.number("latency_us", 0.0);
  if (!error.empty())
    return {};
  return LinkAttr::getChecked([&] { return emitError(keyLoc(key)); },
                              b.getContext(), APFloat(gbps), APFloat(latency));
}

FailureOr<ClusterOp> ClusterBuilder::build() {
  std::string name = keys.string("name", std::nullopt);
  int64_t nodes = keys.integer("nodes", std::nullopt, 1, 1 << 20);
  int64_t gpusPerNode = keys.integer("gpus_per_node", std::nullopt, 1, 1024);
  int64_t commSms = keys.integer("comm_sms", 0, /*minimum=*/0);
  GPUAttr gpu = readGPU();
  LinkAttr nvlink = readLink("nvlink");
  LinkAttr infiniband = readLink("infiniband");
  if (!error.empty())
    return emitError(UnknownLoc::get(b.getContext()), error);
  if (!gpu || !nvlink || !infiniband)
    return failure(); // the attribute verifier has reported it
  auto cluster = ClusterOp::create(b, keyLoc("name"), name, nodes, gpusPerNode,
                                   gpu, nvlink, infiniband, commSms);
  if (failed(verify(cluster))) {
    cluster->erase();
    return failure();
  }
  return cluster;
}

FailureOr<ClusterOp> dsc::importCluster(StringRef nameOrPath,
                                        OpBuilder &builder) {
  static constexpr StringLiteral kWhat = "a cluster description";
  const Preset *preset = llvm::find_if(
      kPresets, [&](const Preset &p) { return p.name == nameOrPath; });
  llvm::Expected<JSONFile> file =
      preset != std::end(kPresets)
          ? parseJSONFile(preset->json, ("preset " + preset->name).str(), kWhat)
          : readJSONFile(nameOrPath, kWhat);
  if (!file) {
    std::string message = llvm::toString(file.takeError());
    if (!nameOrPath.ends_with(".json"))
      message +=
          "; built-in clusters: " + llvm::join(clusterPresetNames(), ", ");
    return emitError(UnknownLoc::get(builder.getContext()), message);
  }
  return ClusterBuilder(*file, builder).build();
}
