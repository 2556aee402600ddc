//===- TokensTool.h - the dsc-tokens command line ---------------*- C++ -*-===//
//
// dsc-tokens encodes text files into token files with the byte-level
// tokenizer, decodes them back and describes them. The command logic is a
// function (streams in, exit code out) so tests run it without a process.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_IO_TOOLS_TOKENSTOOL_H
#define DSC_IO_TOOLS_TOKENSTOOL_H

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace dsc::io {

/// The vocabulary dsc-tokens encode uses unless --vocab says otherwise:
/// the byte tokenizer's 259 ids rounded up to a power of two.
inline constexpr uint32_t kDefaultTokensVocab = 512;

/// Runs `dsc-tokens ARGS...` (args without the program name). Normal output
/// goes to `out`; a failure prints one line "dsc-tokens: error: ..." to
/// `err`, writes no output file and returns 1.
int runTokensTool(const std::vector<std::string> &args, std::ostream &out,
                  std::ostream &err);

} // namespace dsc::io

#endif // DSC_IO_TOOLS_TOKENSTOOL_H
