//===- OutputFile.h - tool outputs that appear whole or not at all -*- C++
//-*-===//
//
// Every compiler tool writes its outputs through writeFileAtomically: the
// bytes go to a temporary file beside the target (so the rename cannot cross
// file systems), which replaces the target only when the writer succeeded
// and every byte reached the file. A failed run, a full disk or a signal
// leaves the previous output untouched and no temporary behind; an IO
// failure is an ordinary error, never LLVM's fatal "IO failure on output
// stream". (The runtime, which never links LLVM, has dsc::io::AtomicFile.)
//
//===----------------------------------------------------------------------===//

#ifndef DSC_SUPPORT_OUTPUTFILE_H
#define DSC_SUPPORT_OUTPUTFILE_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/LogicalResult.h"
#include "llvm/Support/raw_ostream.h"

namespace dsc {

/// Writes `path` ("-": standard output) through `write`. A failing `write`
/// (it has reported why) or an IO error leaves `path` as it was; the error
/// returned for IO names the file and the cause.
llvm::Error writeFileAtomically(
    llvm::StringRef path,
    llvm::function_ref<llvm::LogicalResult(llvm::raw_ostream &)> write);

/// The error writeFileAtomically returns when the writer itself failed, so
/// callers can tell it from IO errors (whose message still needs printing).
class WriterFailed : public llvm::ErrorInfo<WriterFailed> {
public:
  static char ID;
  void log(llvm::raw_ostream &os) const override;
  std::error_code convertToErrorCode() const override {
    return llvm::inconvertibleErrorCode();
  }
};

} // namespace dsc

#endif // DSC_SUPPORT_OUTPUTFILE_H
