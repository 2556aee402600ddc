//===- ClusterImport.h - cluster descriptions -------------------*- C++ -*-===//
//
// A `dsc.cluster` from a built-in preset or a JSON file:
//
//   {"name": "my-cluster", "nodes": 4, "gpus_per_node": 8,
//    "gpu": {"name": "H100", "sms": 132, "bf16_tflops": 989,
//            "fp8_tflops": 1979, "hbm_gb": 80, "hbm_gbps": 3350},
//    "nvlink": {"gbps": 450, "latency_us": 2},
//    "infiniband": {"gbps": 50, "latency_us": 5},
//    "comm_sms": 20}
//
// Bandwidths are per GPU, one direction, in GB/s (10^9 bytes per second).
//
//===----------------------------------------------------------------------===//

#ifndef DSC_IMPORT_CLUSTERIMPORT_H
#define DSC_IMPORT_CLUSTERIMPORT_H

#include "mlir/IR/Builders.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace dsc {
class ClusterOp;

/// Names of the built-in clusters: DeepSeek's training cluster `h800x2048`
/// (256 nodes of 8 H800), one node of 8 H100 `h100x8`, of 8 H200 `h200x8`.
llvm::ArrayRef<llvm::StringRef> clusterPresetNames();

/// Builds the cluster named by a preset or described by the JSON file at
/// `nameOrPath` at `builder`'s insertion point. Returns failure after
/// emitting a diagnostic that names the file, the key and the fix.
mlir::FailureOr<ClusterOp> importCluster(llvm::StringRef nameOrPath,
                                         mlir::OpBuilder &builder);

} // namespace dsc

#endif // DSC_IMPORT_CLUSTERIMPORT_H
