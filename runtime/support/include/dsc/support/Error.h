//===- Error.h - the error every runtime library reports --------*- C++ -*-===//
//
// One exception type crosses the runtime's library boundaries: dsc::Error,
// a message that names where and what (the file, the tensor, the rank and
// instruction) and a code that says what kind of failure it is, so a caller
// can tell a bad input from a dead peer without parsing text. The
// libraries' own names (io::Error, comm::CommError and CommTimeout,
// exec::ExecError and CommTimeoutError) derive from it and keep their
// catch sites working; dsc_plan's bool + message functions have throwing
// forms that report with it.
//
// Header-only, plain C++17: every runtime library (and the compiler's plan
// writer) may use it without linking anything.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_SUPPORT_ERROR_H
#define DSC_SUPPORT_ERROR_H

#include <stdexcept>
#include <string>

namespace dsc {

enum class ErrorCode {
  Unknown,
  /// A plan, argument or piece of data the callee refuses (a shape its
  /// kernels cannot run, a token id out of range, a bad option).
  InvalidArgument,
  /// A file or tensor that is not there.
  NotFound,
  /// Stored bytes that are corrupt, truncated or inconsistent (a checksum,
  /// a safetensors header, a checkpoint of another plan).
  DataLoss,
  /// Memory or another resource that cannot be had.
  ResourceExhausted,
  /// A peer, the network or the file system failed (an MPI error, a failed
  /// write).
  Unavailable,
  /// A blocking call that made no progress within its deadline (a
  /// communication timeout); the operation may still be in flight.
  DeadlineExceeded,
  /// A broken invariant of the runtime itself.
  Internal,
};

/// "invalid argument", "deadline exceeded", ...
inline const char *errorCodeName(ErrorCode code) {
  switch (code) {
  case ErrorCode::Unknown:
    return "unknown";
  case ErrorCode::InvalidArgument:
    return "invalid argument";
  case ErrorCode::NotFound:
    return "not found";
  case ErrorCode::DataLoss:
    return "data loss";
  case ErrorCode::ResourceExhausted:
    return "resource exhausted";
  case ErrorCode::Unavailable:
    return "unavailable";
  case ErrorCode::DeadlineExceeded:
    return "deadline exceeded";
  case ErrorCode::Internal:
    return "internal";
  }
  return "unknown";
}

class Error : public std::runtime_error {
public:
  explicit Error(const std::string &message,
                 ErrorCode code = ErrorCode::Unknown)
      : std::runtime_error(message), code_(code) {}

  ErrorCode code() const noexcept { return code_; }

private:
  ErrorCode code_;
};

} // namespace dsc

#endif // DSC_SUPPORT_ERROR_H
