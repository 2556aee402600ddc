//===- ModelConfig.cpp - read a HuggingFace config.json -------------------===//

#include "dsc/Import/ModelConfig.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include <cmath>

using namespace llvm;
using namespace dsc;

bool ModelConfig::isMoELayer(int64_t index) const {
  return nRoutedExperts > 0 && index >= firstKDenseReplace &&
         moeLayerFreq > 0 && index % moeLayerFreq == 0;
}

namespace {
/// Reads typed keys of one JSON object, keeping the first error. `null`
/// counts as absent, as in HuggingFace configs.
class KeyReader {
public:
  KeyReader(const json::Object &object, StringRef prefix, ModelConfig &config,
            std::string &error)
      : object(object), prefix(prefix), config(config), error(error) {}

  /// A required integer (no fallback) or an optional one, in
  /// [minimum, maximum]. Sizes become tensor dimensions, so they are bounded
  /// here rather than left to overflow.
  int64_t integer(StringRef key, std::optional<int64_t> fallback = {},
                  int64_t minimum = 1, int64_t maximum = int64_t(1) << 24) {
    const json::Value *value = find(key);
    std::string expected = "an integer from " + std::to_string(minimum) +
                           " to " + std::to_string(maximum);
    if (!value)
      return missing(key, fallback, expected);
    std::optional<int64_t> result = value->getAsInteger();
    if (result && *result >= minimum && *result <= maximum)
      return *result;
    fail(key, expected, value);
    return minimum;
  }

  double number(StringRef key, std::optional<double> fallback = {}) {
    const json::Value *value = find(key);
    if (!value)
      return missing(key, fallback, "a number");
    if (std::optional<double> result = value->getAsNumber())
      if (std::isfinite(*result))
        return *result;
    fail(key, "a finite number", value);
    return 0;
  }

  bool boolean(StringRef key, bool fallback) {
    const json::Value *value = find(key);
    if (!value)
      return fallback;
    if (std::optional<bool> result = value->getAsBoolean())
      return *result;
    fail(key, "true or false", value);
    return fallback;
  }

  /// A string that must be one of `allowed` (when given).
  std::string string(StringRef key, std::optional<StringRef> fallback,
                     ArrayRef<StringRef> allowed = {}) {
    const json::Value *value = find(key);
    if (!value) {
      std::optional<std::string> text;
      if (fallback)
        text = fallback->str();
      return missing(key, text, "a string");
    }
    std::optional<StringRef> result = value->getAsString();
    if (!result) {
      fail(key, "a string", value);
      return "";
    }
    if (!allowed.empty() && !llvm::is_contained(allowed, *result)) {
      fail(key, "one of \"" + join(allowed, "\", \"") + "\"", value);
      return "";
    }
    return result->str();
  }

  /// A nested object, or null when absent.
  const json::Object *nestedObject(StringRef key) {
    const json::Value *value = find(key);
    if (!value)
      return nullptr;
    if (const json::Object *result = value->getAsObject())
      return result;
    fail(key, "an object or null", value);
    return nullptr;
  }

  /// Records an error about `key`.
  void fail(StringRef key, const Twine &expected, const json::Value *got) {
    if (!error.empty())
      return;
    std::string place = config.fileName;
    auto line = config.keyLines.find(key);
    if (prefix.empty() && line != config.keyLines.end())
      place += ":" + std::to_string(line->second);
    error = (place + ": key '" + prefix + key + "': expected " + expected +
             (got ? ", got " + describe(*got) : std::string()))
                .str();
  }

private:
  const json::Value *find(StringRef key) {
    const json::Value *value = object.get(key);
    return value && value->kind() != json::Value::Null ? value : nullptr;
  }

  template <typename T>
  T missing(StringRef key, std::optional<T> fallback, const Twine &kind) {
    if (fallback)
      return *fallback;
    fail(key, kind + " (the key is required)", nullptr);
    return T();
  }

  static std::string describe(const json::Value &value) {
    std::string text;
    raw_string_ostream os(text);
    os << value;
    switch (value.kind()) {
    case json::Value::String:
      return "the string " + text;
    case json::Value::Object:
      return "an object";
    case json::Value::Array:
      return "an array";
    default:
      return text;
    }
  }

  const json::Object &object;
  std::string prefix;
  ModelConfig &config;
  std::string &error;
};
} // namespace

/// Line (1-based) of the first `"key":` in `text`, for each key of `object`.
static void locateKeys(StringRef text, const json::Object &object,
                       ModelConfig &config) {
  for (const auto &entry : object) {
    std::string quoted = "\"" + entry.first.str() + "\"";
    size_t at = text.find(quoted);
    if (at != StringRef::npos)
      config.keyLines[entry.first.str()] = text.take_front(at).count('\n') + 1;
  }
}

static void readRopeScaling(KeyReader &keys, ModelConfig &config,
                            std::string &error) {
  const json::Object *scaling = keys.nestedObject("rope_scaling");
  if (!scaling)
    return;
  KeyReader rope(*scaling, "rope_scaling.", config, error);
  std::string type = scaling->get("type")
                         ? rope.string("type", "yarn", {"yarn"})
                         : rope.string("rope_type", "yarn", {"yarn"});
  YarnConfig yarn;
  yarn.factor = rope.number("factor");
  yarn.originalMaxPositionEmbeddings = rope.integer(
      "original_max_position_embeddings", std::nullopt, 1, int64_t(1) << 40);
  yarn.betaFast = rope.number("beta_fast", 32.0);
  yarn.betaSlow = rope.number("beta_slow", 1.0);
  yarn.mscale = rope.number("mscale", 1.0);
  yarn.mscaleAllDim = rope.number("mscale_all_dim", 0.0);
  config.yarn = yarn;
}

Expected<ModelConfig> dsc::parseModelConfig(StringRef json,
                                            StringRef fileName) {
  Expected<json::Value> root = json::parse(json);
  if (!root)
    return createStringError(inconvertibleErrorCode(), "%s: not valid JSON: %s",
                             fileName.str().c_str(),
                             toString(root.takeError()).c_str());
  const json::Object *object = root->getAsObject();
  if (!object)
    return createStringError(inconvertibleErrorCode(),
                             "%s: expected a JSON object (a HuggingFace "
                             "config.json) at the top level",
                             fileName.str().c_str());

  ModelConfig config;
  config.fileName = fileName.str();
  locateKeys(json, *object, config);
  std::string error;
  KeyReader keys(*object, "", config, error);

  config.modelType =
      keys.string("model_type", std::nullopt, {"deepseek_v2", "deepseek_v3"});
  bool v3 = config.modelType == "deepseek_v3";
  config.torchDtype = keys.string("torch_dtype", "bfloat16",
                                  {"bfloat16", "float16", "float32"});
  keys.string("hidden_act", "silu", {"silu"});
  if (keys.boolean("tie_word_embeddings", false))
    keys.fail("tie_word_embeddings",
              "false (DeepSeek models keep the output head separate)",
              object->get("tie_word_embeddings"));
  if (keys.boolean("attention_bias", false))
    keys.fail("attention_bias", "false (MLA projections have no bias)",
              object->get("attention_bias"));

  config.vocabSize = keys.integer("vocab_size");
  config.hiddenSize = keys.integer("hidden_size");
  config.intermediateSize = keys.integer("intermediate_size");
  config.numHiddenLayers =
      keys.integer("num_hidden_layers", std::nullopt, 1, /*maximum=*/4096);
  config.firstKDenseReplace =
      keys.integer("first_k_dense_replace", 0, /*minimum=*/0);
  config.moeLayerFreq = keys.integer("moe_layer_freq", 1);
  config.maxPositionEmbeddings = keys.integer("max_position_embeddings", 4096,
                                              1, /*maximum=*/int64_t(1) << 40);
  config.rmsNormEps = keys.number("rms_norm_eps", 1e-6);
  config.numNextnPredictLayers =
      keys.integer("num_nextn_predict_layers", 0, /*minimum=*/0, 64);

  config.numAttentionHeads = keys.integer("num_attention_heads");
  config.qLoraRank = keys.integer("q_lora_rank", 0, /*minimum=*/0);
  config.kvLoraRank = keys.integer("kv_lora_rank");
  config.qkNopeHeadDim = keys.integer("qk_nope_head_dim");
  config.qkRopeHeadDim = keys.integer("qk_rope_head_dim");
  config.vHeadDim = keys.integer("v_head_dim");
  config.ropeTheta = keys.number("rope_theta", 10000.0);
  readRopeScaling(keys, config, error);

  config.nRoutedExperts =
      keys.integer("n_routed_experts", 0, /*minimum=*/0, /*maximum=*/65536);
  if (config.nRoutedExperts != 0) {
    config.nSharedExperts = keys.integer("n_shared_experts", 0, /*minimum=*/0);
    config.numExpertsPerTok = keys.integer("num_experts_per_tok");
    config.moeIntermediateSize = keys.integer("moe_intermediate_size");
    // Defaults follow the HuggingFace DeepseekV2/V3 config classes.
    config.scoringFunc = keys.string("scoring_func", v3 ? "sigmoid" : "softmax",
                                     {"sigmoid", "softmax"});
    config.topkMethod =
        keys.string("topk_method", v3 ? "noaux_tc" : "greedy",
                    {"greedy", "group_limited_greedy", "noaux_tc"});
    config.nGroup = keys.integer("n_group", 1);
    config.topkGroup = keys.integer("topk_group", 1);
    config.routedScalingFactor = keys.number("routed_scaling_factor", 1.0);
    config.normTopkProb = keys.boolean("norm_topk_prob", false);
    config.auxLossAlpha = keys.number("aux_loss_alpha", 0.0001);
  }

  if (!error.empty())
    return createStringError(inconvertibleErrorCode(), error);
  return config;
}

Expected<ModelConfig> dsc::readModelConfig(StringRef path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
      MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/true);
  if (!buffer)
    return createStringError(buffer.getError(), "%s: cannot read: %s",
                             path.str().c_str(),
                             buffer.getError().message().c_str());
  return parseModelConfig((*buffer)->getBuffer(), path);
}
