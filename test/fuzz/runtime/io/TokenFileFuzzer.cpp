//===- TokenFileFuzzer.cpp - fuzz the token file reader -------------------===//
//
// dsc-run's training data: TokenFile::open validates the header, the tail
// and every id; whatever it accepts must read back without a fault.
//
//===----------------------------------------------------------------------===//

#include "FuzzInput.h"
#include "dsc/io/Error.h"
#include "dsc/io/TokenFile.h"
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static dsc::fuzz::ScratchFile scratch(".tok");
  try {
    dsc::io::TokenFile tokens =
        dsc::io::TokenFile::open(scratch.write(data, size));
    std::vector<uint32_t> ids = tokens.readAll();
    if (ids.size() != tokens.size())
      __builtin_trap();
    for (uint32_t id : ids)
      if (id >= tokens.vocabSize())
        __builtin_trap();
    // A window that runs past the end is refused, not read.
    std::vector<uint32_t> window(2);
    tokens.read(tokens.size() > 0 ? tokens.size() - 1 : 0, 2, window.data());
  } catch (const dsc::io::Error &) {
  }
  return 0;
}
