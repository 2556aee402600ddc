//===- PipelineLayout.cpp - #dsc.layout, Megatron's layout syntax ---------===//

#include "dsc/IR/DscAttrs.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace dsc;

namespace {
/// Expands Megatron's layout grammar into one letter per part and `|` per
/// stage end:
///   sequence := item*      item := ('(' sequence ')' | E | t | m | L | '|')
///                                  ('*' count)?
/// with ',' and blanks ignored.
class LayoutExpander {
public:
  LayoutExpander(StringRef text, function_ref<InFlightDiagnostic()> emitError)
      : text(text), emitError(emitError) {}

  FailureOr<std::string> expand() {
    FailureOr<std::string> parts = sequence(/*nested=*/false);
    if (failed(parts))
      return failure();
    return parts;
  }

private:
  // Enough for any real model; keeps `(t*1000)*1000` from eating memory.
  static constexpr size_t kMaxParts = 1 << 20;

  InFlightDiagnostic error(size_t at) {
    return emitError() << "layout \"" << text << "\" at position " << at
                       << ": ";
  }
  void skipCosmetic() {
    while (pos < text.size() && (text[pos] == ',' || llvm::isSpace(text[pos])))
      ++pos;
  }

  FailureOr<std::string> sequence(bool nested) {
    std::string out;
    for (skipCosmetic(); pos < text.size(); skipCosmetic()) {
      char c = text[pos];
      std::string item;
      if (c == ')') {
        if (nested)
          return out;
        return error(pos) << "')' without '('", failure();
      }
      if (c == '(') {
        size_t open = pos++;
        FailureOr<std::string> inner = sequence(/*nested=*/true);
        if (failed(inner))
          return failure();
        if (pos >= text.size())
          return error(open) << "'(' is never closed", failure();
        ++pos;
        item = std::move(*inner);
      } else if (StringRef("Etm L|").contains(c) && c != ' ') {
        item = std::string(1, c);
        ++pos;
      } else {
        return error(pos) << "unexpected '" << c
                          << "'; use E (embedding), t (decoder block), m "
                             "(MTP module), L (head and loss), | (stage end), "
                             "*n and (...)",
               failure();
      }
      skipCosmetic();
      int64_t count = 1;
      if (pos < text.size() && text[pos] == '*') {
        size_t star = pos++;
        size_t digits = pos;
        while (pos < text.size() && llvm::isDigit(text[pos]))
          ++pos;
        if (text.slice(digits, pos).getAsInteger(10, count))
          return error(star) << "'*' needs a count", failure();
      }
      if (item.size() * count + out.size() > kMaxParts)
        return error(pos) << "expands to more than " << kMaxParts << " parts",
               failure();
      for (int64_t i = 0; i < count; ++i)
        out += item;
    }
    if (nested)
      return out; // the caller reports the missing ')'
    return out;
  }

  StringRef text;
  function_ref<InFlightDiagnostic()> emitError;
  size_t pos = 0;
};
} // namespace

FailureOr<PipelineStageCounts>
dsc::parseMegatronLayout(StringRef text,
                         function_ref<InFlightDiagnostic()> emitError) {
  FailureOr<std::string> parts = LayoutExpander(text, emitError).expand();
  if (failed(parts))
    return failure();
  SmallVector<StringRef> stages;
  StringRef(*parts).split(stages, '|');
  PipelineStageCounts counts;
  auto fail = [&](const Twine &message) {
    emitError() << "layout \"" << text << "\": " << message;
    return failure();
  };
  // The parts must come in the model's order: E, t..., m..., L.
  enum Rank { Embedding, Block, MTP, Head };
  int seen = Embedding;
  bool haveEmbedding = false, haveHead = false;
  for (auto [index, stage] : llvm::enumerate(stages)) {
    int64_t blockCount = 0, mtpCount = 0;
    for (char part : stage) {
      int rank = part == 'E'   ? Embedding
                 : part == 't' ? Block
                 : part == 'm' ? MTP
                               : Head;
      if (rank < seen || (rank == Embedding && haveEmbedding) ||
          (rank == Head && haveHead))
        return fail(Twine("'") + Twine(part) + "' on stage " + Twine(index) +
                    " is out of the model's order E, t..., m..., L (each of "
                    "E and L once)");
      seen = rank;
      if (rank == Embedding) {
        if (index != 0)
          return fail("'E' (the embedding) must be on the first stage, not "
                      "stage " +
                      Twine(index));
        haveEmbedding = true;
      }
      if (rank == Head) {
        if (index + 1 != stages.size())
          return fail("'L' (head and loss) must be on the last stage, not "
                      "stage " +
                      Twine(index) + " of " + Twine(stages.size()));
        haveHead = true;
      }
      blockCount += rank == Block;
      mtpCount += rank == MTP;
    }
    counts.blocks.push_back(blockCount);
    counts.mtp.push_back(mtpCount);
  }
  if (!haveEmbedding || !haveHead)
    return fail("needs 'E' (the embedding) on the first stage and 'L' (head "
                "and loss) on the last");
  return counts;
}

std::string dsc::printMegatronLayout(ArrayRef<int64_t> blocks,
                                     ArrayRef<int64_t> mtp) {
  std::string text;
  auto append = [&](char part, int64_t count) {
    if (count == 0)
      return;
    text += part;
    if (count > 1)
      text += "*" + std::to_string(count);
  };
  int64_t last = static_cast<int64_t>(blocks.size()) - 1;
  for (int64_t s = 0; s <= last; ++s) {
    if (s == 0)
      text += 'E';
    append('t', blocks[s]);
    append('m', mtp[s]);
    if (s == last)
      text += 'L';
    else
      text += '|';
  }
  return text;
}
