//===- Error.cpp - dsc_io errors ------------------------------------------===//

#include "dsc/io/Error.h"
#include <cstring>

namespace dsc::io {

std::string systemErrorText(int err) { return std::strerror(err); }

} // namespace dsc::io
