//===- OutputFile.cpp - tool outputs that appear whole or not at all ------===//

#include "dsc/Support/OutputFile.h"
#include "llvm/Support/FileSystem.h"
#include <cerrno>
#include <unistd.h>

using namespace llvm;

char dsc::WriterFailed::ID;

void dsc::WriterFailed::log(raw_ostream &os) const {
  os << "the output was not written (see above)";
}

static Error cannot(StringRef what, StringRef path, std::error_code code) {
  return createStringError(code,
                           "%s: cannot %s: %s; the previous file, if "
                           "any, is kept",
                           path.str().c_str(), what.str().c_str(),
                           code.message().c_str());
}

/// Flushes `os` and returns its error, if any, clearing it so the stream's
/// destructor does not abort the process.
static std::error_code takeStreamError(raw_fd_ostream &os) {
  os.flush();
  std::error_code code = os.error();
  os.clear_error();
  return code;
}

Error dsc::writeFileAtomically(
    StringRef path, function_ref<LogicalResult(raw_ostream &)> write) {
  if (path == "-") {
    if (failed(write(outs())))
      return make_error<WriterFailed>();
    if (std::error_code code = takeStreamError(outs()))
      return createStringError(code, "standard output: cannot write: %s",
                               code.message().c_str());
    return Error::success();
  }
  // Beside the target, so the final rename stays on one file system; LLVM
  // removes the temporary on a signal too.
  Expected<sys::fs::TempFile> temp =
      sys::fs::TempFile::create(path + ".tmp-%%%%%%");
  if (!temp)
    return cannot("create a file beside it (does its directory exist and "
                  "is it writable?)",
                  path, errorToErrorCode(temp.takeError()));
  Error result = Error::success();
  {
    raw_fd_ostream os(temp->FD, /*shouldClose=*/false);
    if (failed(write(os))) {
      takeStreamError(os);
      result = make_error<WriterFailed>();
    } else if (std::error_code code = takeStreamError(os)) {
      result = cannot("write", path, code);
    }
  }
  // A full disk may only show when the data reaches it.
  if (!result && ::fsync(temp->FD) != 0)
    result =
        cannot("write", path, std::error_code(errno, std::generic_category()));
  if (result) {
    consumeError(temp->discard());
    return result;
  }
  if (Error kept = temp->keep(path))
    return cannot("replace it", path, errorToErrorCode(std::move(kept)));
  return Error::success();
}
