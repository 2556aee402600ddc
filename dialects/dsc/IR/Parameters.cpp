//===- Parameters.cpp - checkpoint names of model parameters --------------===//

#include "dsc/IR/Parameters.h"
#include "dsc/IR/DscOps.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace dsc;

bool dsc::isExpertTemplate(StringRef name) {
  return name.contains(kExpertIndexMarker);
}

std::string dsc::expandExpertName(StringRef name, int64_t expert) {
  size_t at = name.find(kExpertIndexMarker);
  if (at == StringRef::npos)
    return name.str();
  return (name.take_front(at) + Twine(expert) +
          name.drop_front(at + kExpertIndexMarker.size()))
      .str();
}

std::string dsc::scaleInvName(StringRef weight) {
  return (weight + kScaleInvSuffix).str();
}

SmallVector<int64_t> dsc::blockScaleShape(ArrayRef<int64_t> weight,
                                          ArrayRef<int64_t> block) {
  SmallVector<int64_t> shape(weight);
  size_t rank = shape.size();
  for (size_t i = 0; i < 2 && i < rank; ++i) {
    int64_t &dim = shape[rank - 2 + i];
    dim = (dim + block[i] - 1) / block[i];
  }
  return shape;
}

/// The tensor `name` as bound by `param`; `expert` selects a stacked slice.
static CheckpointTensor makeTensor(std::string name, ParameterOp param,
                                   std::optional<int64_t> expert,
                                   bool isAlias = false) {
  CheckpointTensor tensor;
  tensor.name = std::move(name);
  tensor.parameterName = param.getSymName().str();
  tensor.expert = expert;
  ArrayRef<int64_t> shape = param.getTensorType().getShape();
  tensor.shape.assign(expert ? shape.drop_front() : shape);
  tensor.elementType = param.getTensorType().getElementType();
  tensor.isAlias = isAlias;
  return tensor;
}

namespace {
/// A checkpoint name that binds to a parameter declared under another name.
struct Alias {
  std::string checkpointName;
  std::string parameterName;
};
} // namespace

/// DeepSeek's checkpoints store, for MTP module k, copies of the shared
/// embedding and output head under the module's own layer prefix.
static SmallVector<Alias> sharedParameterAliases(ModelOp model) {
  SmallVector<Alias> aliases;
  auto heads = model.getBody().front().getOps<LMHeadOp>();
  for (MTPOp mtp : model.getMTPModules()) {
    if (auto embedding = mtp.getEmbeddings().getDefiningOp<EmbeddingOp>())
      aliases.push_back({(mtp.getScope() + ".embed_tokens.weight").str(),
                         (embedding.getScope() + ".weight").str()});
    if (!heads.empty())
      aliases.push_back({(mtp.getScope() + ".shared_head.head.weight").str(),
                         ((*heads.begin()).getScope() + ".weight").str()});
  }
  return aliases;
}

void dsc::forEachCheckpointTensor(
    ModelOp model, function_ref<void(const CheckpointTensor &)> fn) {
  for (auto param : model.getBody().front().getOps<ParameterOp>()) {
    if (!param.isStackedExperts()) {
      fn(makeTensor(param.getSymName().str(), param, std::nullopt));
      continue;
    }
    for (int64_t e = 0, n = param.getTensorType().getDimSize(0); e < n; ++e)
      fn(makeTensor(expandExpertName(param.getSymName(), e), param, e));
  }
  for (const Alias &alias : sharedParameterAliases(model))
    if (auto param = SymbolTable::lookupNearestSymbolFrom<ParameterOp>(
            model, StringAttr::get(model.getContext(), alias.parameterName)))
      fn(makeTensor(alias.checkpointName, param, std::nullopt,
                    /*isAlias=*/true));
}

/// For `...experts.<n>.<rest>`: the template `...experts.{e}.<rest>` and n.
static std::optional<std::pair<std::string, int64_t>>
splitExpertIndex(StringRef name) {
  constexpr StringLiteral marker = ".experts.";
  size_t at = name.rfind(marker);
  if (at == StringRef::npos)
    return std::nullopt;
  StringRef rest = name.drop_front(at + marker.size());
  auto [digits, tail] = rest.split('.');
  int64_t expert;
  if (digits.empty() || tail.empty() || digits.getAsInteger(10, expert))
    return std::nullopt;
  std::string tmpl =
      (name.take_front(at + marker.size()) + kExpertIndexMarker + "." + tail)
          .str();
  return std::make_pair(std::move(tmpl), expert);
}

std::optional<CheckpointTensor> dsc::lookupCheckpointTensor(ModelOp model,
                                                            StringRef name) {
  auto lookup = [&](StringRef symbol) {
    return SymbolTable::lookupNearestSymbolFrom<ParameterOp>(
        model, StringAttr::get(model.getContext(), symbol));
  };
  if (!isExpertTemplate(name))
    if (ParameterOp param = lookup(name))
      return makeTensor(name.str(), param, std::nullopt);
  if (auto split = splitExpertIndex(name)) {
    ParameterOp param = lookup(split->first);
    if (param && split->second < param.getTensorType().getDimSize(0))
      return makeTensor(name.str(), param, split->second);
  }
  for (const Alias &alias : sharedParameterAliases(model))
    if (alias.checkpointName == name)
      if (ParameterOp param = lookup(alias.parameterName))
        return makeTensor(name.str(), param, std::nullopt, /*isAlias=*/true);
  return std::nullopt;
}
