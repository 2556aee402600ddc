//===- ExpertLoads.cpp - expert-load statistics ---------------------------===//

#include "dsc/Placement/ExpertLoads.h"
#include "dsc/Support/JSON.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include <cmath>
#include <random>

using namespace llvm;
using namespace dsc;

static Error fail(const Twine &message) {
  return createStringError(inconvertibleErrorCode(), message);
}

/// Every layer has the same, non-zero number of experts; `where(i)` says
/// where layer i is in the file.
static Error checkLayers(const ExpertLoads &loads, StringRef fileName,
                         function_ref<std::string(size_t)> where) {
  if (loads.layers.empty())
    return fail(fileName + ": no layers of expert loads");
  size_t experts = loads.layers.front().size();
  for (auto [index, layer] : enumerate(loads.layers))
    if (layer.empty() || layer.size() != experts)
      return fail(where(index) + ": " + Twine(layer.size()) +
                  " loads, but the first layer has " + Twine(experts) +
                  "; every layer needs one load per expert");
  return Error::success();
}

static Expected<double> checkLoad(double value, const std::string &where) {
  if (!std::isfinite(value) || value < 0)
    return fail(where +
                ": a load must be a finite number >= 0 (a token "
                "count), got " +
                formatv("{0}", format("%g", value)).str());
  return value;
}

static Expected<ExpertLoads> parseLoadsJSON(StringRef text,
                                            StringRef fileName) {
  Expected<json::Value> root = parseJSON(text, fileName);
  if (!root)
    return root.takeError();
  const json::Object *object = root->getAsObject();
  const json::Array *layers = object ? object->getArray("loads") : nullptr;
  if (!layers)
    return fail(fileName + ": expected {\"loads\": [[...], ...]}, one array "
                           "of expert loads per layer");
  ExpertLoads loads;
  for (auto [l, layer] : enumerate(*layers)) {
    const json::Array *values = layer.getAsArray();
    if (!values)
      return fail(fileName + ": key 'loads': layer " + Twine(l) +
                  " must be an array of numbers");
    std::vector<double> row;
    for (auto [e, value] : enumerate(*values)) {
      std::optional<double> number = value.getAsNumber();
      std::string where = (fileName + ": key 'loads': layer " + Twine(l) +
                           ", expert " + Twine(e))
                              .str();
      if (!number)
        return fail(where + ": expected a number");
      Expected<double> load = checkLoad(*number, where);
      if (!load)
        return load.takeError();
      row.push_back(*load);
    }
    loads.layers.push_back(std::move(row));
  }
  auto where = [&](size_t l) {
    return (fileName + ": key 'loads': layer " + Twine(l)).str();
  };
  if (Error error = checkLayers(loads, fileName, where))
    return std::move(error);
  return loads;
}

static Expected<ExpertLoads> parseLoadsCSV(StringRef text, StringRef fileName) {
  ExpertLoads loads;
  std::vector<size_t> lineOfLayer;
  SmallVector<StringRef> lines;
  text.split(lines, '\n');
  for (auto [index, line] : enumerate(lines)) {
    StringRef content = line.split('#').first.trim();
    if (content.empty())
      continue;
    SmallVector<StringRef> fields;
    content.split(fields, ',');
    std::vector<double> row;
    std::string where = (fileName + ":" + Twine(index + 1)).str();
    for (StringRef field : fields) {
      double value;
      if (field.trim().getAsDouble(value))
        return fail(where + ": '" + field.trim() +
                    "' is not a number; a CSV line holds one layer's "
                    "comma-separated expert loads");
      Expected<double> load = checkLoad(value, where);
      if (!load)
        return load.takeError();
      row.push_back(*load);
    }
    loads.layers.push_back(std::move(row));
    lineOfLayer.push_back(index + 1);
  }
  auto where = [&](size_t l) {
    return (fileName + ":" + Twine(lineOfLayer[l])).str();
  };
  if (Error error = checkLayers(loads, fileName, where))
    return std::move(error);
  return loads;
}

Expected<ExpertLoads> dsc::parseExpertLoads(StringRef text,
                                            StringRef fileName) {
  if (text.ltrim().starts_with("{"))
    return parseLoadsJSON(text, fileName);
  return parseLoadsCSV(text, fileName);
}

Expected<ExpertLoads> dsc::readExpertLoads(StringRef path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
      MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/true);
  if (!buffer)
    return createStringError(buffer.getError(), "%s: cannot read: %s",
                             path.str().c_str(),
                             buffer.getError().message().c_str());
  return parseExpertLoads((*buffer)->getBuffer(), path);
}

ExpertLoads dsc::generateExpertLoads(int64_t layers, int64_t experts,
                                     LoadDistribution distribution, double s,
                                     unsigned seed, double tokens) {
  ExpertLoads loads;
  for (int64_t l = 0; l < layers; ++l) {
    std::vector<double> weights(experts, 1.0);
    if (distribution == LoadDistribution::Zipf)
      for (int64_t e = 0; e < experts; ++e)
        weights[e] = 1.0 / std::pow(e + 1, s);
    std::shuffle(weights.begin(), weights.end(), std::mt19937(seed + l));
    double total = 0;
    for (double w : weights)
      total += w;
    std::vector<double> row;
    for (double w : weights)
      row.push_back(std::round(tokens * w / total));
    loads.layers.push_back(std::move(row));
  }
  return loads;
}

void dsc::writeExpertLoadsJSON(const ExpertLoads &loads, raw_ostream &os) {
  json::Array layers;
  for (const std::vector<double> &layer : loads.layers)
    layers.push_back(json::Array(layer));
  os << formatv("{0}", json::Value(json::Object{{"loads", std::move(layers)}}))
     << "\n";
}
