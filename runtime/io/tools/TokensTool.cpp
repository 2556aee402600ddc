//===- TokensTool.cpp - the dsc-tokens command line -----------------------===//

#include "TokensTool.h"
#include "dsc/io/AtomicFile.h"
#include "dsc/io/ByteTokenizer.h"
#include "dsc/io/Error.h"
#include "dsc/io/MappedFile.h"
#include "dsc/io/TokenFile.h"
#include <algorithm>

namespace dsc::io {

namespace {

const char *kUsage =
    "usage: dsc-tokens encode TEXT... -o FILE.tok [--vocab N]\n"
    "       dsc-tokens decode FILE.tok [-o FILE]\n"
    "       dsc-tokens info FILE.tok\n"
    "Byte-level tokens: ids 0-255 are bytes, 256 ends a document (one per\n"
    "TEXT), 257 and 258 are reserved (begin-of-document, padding). The\n"
    "vocabulary (default 512, at least 259) sets the id width: 2 bytes up\n"
    "to 65536, else 4. Format: runtime/io/README.md.\n";

struct Options {
  std::string command;
  std::vector<std::string> inputs;
  std::string output;
  bool hasOutput = false;
  uint32_t vocab = kDefaultTokensVocab;
};

uint32_t parseVocab(const std::string &text) {
  uint64_t value = 0;
  bool valid = !text.empty() && text.size() <= 10;
  for (char c : text) {
    if (c < '0' || c > '9') {
      valid = false;
      break;
    }
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (!valid || value > UINT32_MAX)
    throw Error("--vocab '" + text + "' is not an integer in [" +
                std::to_string(kByteTokenizerMinVocab) + ", 4294967295]");
  if (value < kByteTokenizerMinVocab)
    throw Error("--vocab " + text + " is smaller than the byte tokenizer's " +
                std::to_string(kByteTokenizerMinVocab) +
                " ids (256 bytes and 3 special tokens)");
  return static_cast<uint32_t>(value);
}

Options parseArgs(const std::vector<std::string> &args) {
  Options options;
  options.command = args[0];
  bool vocabGiven = false;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string &arg = args[i];
    auto value = [&](const std::string &name) -> std::string {
      if (i + 1 >= args.size())
        throw Error(name + " needs a value");
      return args[++i];
    };
    if (arg == "-o") {
      if (options.hasOutput)
        throw Error("-o given twice");
      options.output = value("-o");
      options.hasOutput = true;
      if (options.output.empty())
        throw Error("-o needs a file name");
    } else if (arg == "--vocab") {
      options.vocab = parseVocab(value("--vocab"));
      vocabGiven = true;
    } else if (arg.rfind("--vocab=", 0) == 0) {
      options.vocab = parseVocab(arg.substr(8));
      vocabGiven = true;
    } else if (arg.size() > 1 && arg[0] == '-') {
      throw Error("unknown option '" + arg + "' (see dsc-tokens --help)");
    } else {
      options.inputs.push_back(arg);
    }
  }
  if (vocabGiven && options.command != "encode")
    throw Error("--vocab applies to encode only");
  return options;
}

int encode(const Options &options, std::ostream &out) {
  if (options.inputs.empty())
    throw Error("encode needs at least one TEXT file");
  if (!options.hasOutput)
    throw Error("encode needs -o FILE.tok");
  std::vector<uint32_t> ids;
  size_t bytes = 0;
  for (const std::string &input : options.inputs) {
    MappedFile text = MappedFile::open(input);
    appendEncodedBytes(
        std::string_view(reinterpret_cast<const char *>(text.data()),
                         text.size()),
        ids);
    bytes += text.size();
  }
  writeTokenFile(options.output, ids, options.vocab);
  out << "wrote " << options.output << ": " << ids.size() << " tokens ("
      << bytes << " bytes of text in " << options.inputs.size()
      << (options.inputs.size() == 1 ? " document" : " documents")
      << "), vocabulary " << options.vocab << ", "
      << tokenWidthFor(options.vocab) << "-byte ids\n";
  return 0;
}

int decode(const Options &options, std::ostream &out) {
  if (options.inputs.size() != 1)
    throw Error("decode needs exactly one FILE.tok");
  TokenFile file = TokenFile::open(options.inputs[0]);
  std::vector<uint32_t> ids = file.readAll();
  std::string text;
  try {
    text = decodeBytes(ids);
  } catch (const Error &e) {
    throw Error(file.path() + ": " + e.what());
  }
  if (options.hasOutput) {
    AtomicFileWriter writer(options.output);
    writer.write(text.data(), text.size());
    writer.commit();
  } else {
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    if (!out)
      throw Error("cannot write the decoded text to standard output");
  }
  return 0;
}

int info(const Options &options, std::ostream &out) {
  if (options.inputs.size() != 1)
    throw Error("info needs exactly one FILE.tok");
  if (options.hasOutput)
    throw Error("info takes no -o");
  TokenFile file = TokenFile::open(options.inputs[0]);
  size_t documents = 0, specials = 0;
  uint32_t maxId = 0;
  for (size_t i = 0; i < file.size(); ++i) {
    uint32_t id = file[i];
    maxId = std::max(maxId, id);
    if (id == kEndOfDocument)
      ++documents;
    else if (id >= 256)
      ++specials;
  }
  out << "file: " << file.path() << "\n"
      << "format: DSCTOKv1, " << file.width() << "-byte ids\n"
      << "vocabulary: " << file.vocabSize() << "\n"
      << "tokens: " << file.size() << "\n"
      << "documents: " << documents << " (end-of-document tokens)\n"
      << "other special tokens: " << specials << "\n";
  if (file.size() > 0)
    out << "largest id: " << maxId << "\n";
  return 0;
}

} // namespace

int runTokensTool(const std::vector<std::string> &args, std::ostream &out,
                  std::ostream &err) {
  if (args.empty()) {
    err << kUsage;
    return 1;
  }
  if (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    out << kUsage;
    return 0;
  }
  try {
    Options options = parseArgs(args);
    if (options.command == "encode")
      return encode(options, out);
    if (options.command == "decode")
      return decode(options, out);
    if (options.command == "info")
      return info(options, out);
    throw Error("unknown command '" + options.command +
                "' (expected encode, decode or info)");
  } catch (const std::exception &e) {
    // One line, whatever the message holds, so scripts can grep it.
    std::string message = e.what();
    std::replace(message.begin(), message.end(), '\n', ' ');
    err << "dsc-tokens: error: " << message << "\n";
    return 1;
  }
}

} // namespace dsc::io
