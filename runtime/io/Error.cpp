//===- Error.cpp - dsc_io errors ------------------------------------------===//

#include "dsc/io/Error.h"
#include <cerrno>
#include <cstring>

namespace dsc::io {

std::string systemErrorText(int err) { return std::strerror(err); }

ErrorCode systemErrorCode(int err) {
  switch (err) {
  case ENOENT:
  case ENOTDIR:
    return ErrorCode::NotFound;
  case ENOMEM:
  case ENOSPC:
  case EDQUOT:
    return ErrorCode::ResourceExhausted;
  default:
    return ErrorCode::Unavailable;
  }
}

} // namespace dsc::io
