//===- DscAttrs.h - dsc hyper-parameter attributes --------------*- C++ -*-===//

#ifndef DSC_IR_DSCATTRS_H
#define DSC_IR_DSCATTRS_H

#include "dsc/IR/DscDialect.h"
#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"

#include "dsc/IR/DscEnums.h"

namespace dsc {
/// Decoder blocks and MTP modules per pipeline stage.
struct PipelineStageCounts {
  llvm::SmallVector<int64_t> blocks, mtp;
};

/// Parses Megatron's `--pipeline-model-parallel-layout` syntax (see
/// #dsc.layout); the error names the offending position or part.
mlir::FailureOr<PipelineStageCounts>
parseMegatronLayout(llvm::StringRef text,
                    llvm::function_ref<mlir::InFlightDiagnostic()> emitError);

/// The counts in Megatron's syntax, e.g. `Et*3|t*4|t*4mL`.
std::string printMegatronLayout(llvm::ArrayRef<int64_t> blocks,
                                llvm::ArrayRef<int64_t> mtp);
} // namespace dsc

#define GET_ATTRDEF_CLASSES
#include "dsc/IR/DscAttrs.h.inc"

#endif // DSC_IR_DSCATTRS_H
