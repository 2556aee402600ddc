//===- ModelConfig.cpp - read a HuggingFace config.json -------------------===//

#include "dsc/Import/ModelConfig.h"
#include "dsc/Import/JSONKeys.h"

using namespace llvm;
using namespace dsc;

bool ModelConfig::isMoELayer(int64_t index) const {
  return nRoutedExperts > 0 && index >= firstKDenseReplace &&
         moeLayerFreq > 0 && index % moeLayerFreq == 0;
}

static void readRopeScaling(JSONKeyReader &keys, const JSONFile &file,
                            ModelConfig &config, std::string &error) {
  const json::Object *scaling = keys.nestedObject("rope_scaling");
  if (!scaling)
    return;
  JSONKeyReader rope(*scaling, "rope_scaling.", file, error);
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

static constexpr StringLiteral kWhat = "a HuggingFace config.json";

static Expected<ModelConfig> readConfig(Expected<JSONFile> file) {
  if (!file)
    return file.takeError();
  const json::Object *object = &file->object();

  ModelConfig config;
  config.fileName = file->fileName;
  config.keyLines = file->keyLines;
  std::string error;
  JSONKeyReader keys(*object, "", *file, error);

  config.modelType =
      keys.string("model_type", std::nullopt, {"deepseek_v2", "deepseek_v3"});
  bool v3 = config.modelType == "deepseek_v3";
  config.torchDtype = keys.string("torch_dtype", "bfloat16",
                                  {"bfloat16", "float16", "float32"});
  keys.string("hidden_act", "silu", {"silu"});
  if (keys.boolean("tie_word_embeddings", false))
    keys.fail("tie_word_embeddings",
              "false (DeepSeek models keep the output head separate)");
  if (keys.boolean("attention_bias", false))
    keys.fail("attention_bias", "false (MLA projections have no bias)");

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
  readRopeScaling(keys, *file, config, error);

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

Expected<ModelConfig> dsc::parseModelConfig(StringRef json,
                                            StringRef fileName) {
  return readConfig(parseJSONFile(json, fileName, kWhat));
}

Expected<ModelConfig> dsc::readModelConfig(StringRef path) {
  return readConfig(readJSONFile(path, kWhat));
}
