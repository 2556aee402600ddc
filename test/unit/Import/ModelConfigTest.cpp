//===- ModelConfigTest.cpp - reading HuggingFace config.json --------------===//

#include "dsc/Import/ModelConfig.h"
#include "gtest/gtest.h"
#include <string>

using namespace dsc;

namespace {

std::string errorOf(llvm::StringRef json) {
  llvm::Expected<ModelConfig> config = parseModelConfig(json, "cfg.json");
  if (config)
    return "";
  return llvm::toString(config.takeError());
}

constexpr const char *kMinimalV3 = R"({
  "model_type": "deepseek_v3",
  "vocab_size": 32, "hidden_size": 8, "intermediate_size": 16,
  "num_hidden_layers": 2, "num_attention_heads": 2,
  "kv_lora_rank": 4, "qk_nope_head_dim": 2, "qk_rope_head_dim": 2,
  "v_head_dim": 2
})";

TEST(ModelConfig, ReadsDeepSeekV3) {
  llvm::Expected<ModelConfig> config =
      readModelConfig(DSC_SOURCE_DIR "/examples/deepseek-v3/config.json");
  ASSERT_TRUE(static_cast<bool>(config)) << llvm::toString(config.takeError());
  EXPECT_EQ(config->modelType, "deepseek_v3");
  EXPECT_EQ(config->hiddenSize, 7168);
  EXPECT_EQ(config->numHiddenLayers, 61);
  EXPECT_EQ(config->firstKDenseReplace, 3);
  EXPECT_EQ(config->qLoraRank, 1536);
  EXPECT_EQ(config->nRoutedExperts, 256);
  EXPECT_EQ(config->numExpertsPerTok, 8);
  EXPECT_EQ(config->nGroup, 8);
  EXPECT_EQ(config->topkGroup, 4);
  EXPECT_EQ(config->scoringFunc, "sigmoid");
  EXPECT_EQ(config->topkMethod, "noaux_tc");
  EXPECT_TRUE(config->normTopkProb);
  EXPECT_DOUBLE_EQ(config->routedScalingFactor, 2.5);
  EXPECT_EQ(config->numNextnPredictLayers, 1);
  ASSERT_TRUE(config->yarn.has_value());
  EXPECT_DOUBLE_EQ(config->yarn->factor, 40.0);
  EXPECT_EQ(config->yarn->originalMaxPositionEmbeddings, 4096);
  // Line of the key in the file, used to locate diagnostics.
  EXPECT_EQ(config->keyLines.at("model_type"), 3u);
}

TEST(ModelConfig, MoELayerRule) {
  ModelConfig config;
  config.nRoutedExperts = 8;
  config.firstKDenseReplace = 2;
  config.moeLayerFreq = 2;
  EXPECT_FALSE(config.isMoELayer(0));
  EXPECT_FALSE(config.isMoELayer(1));
  EXPECT_TRUE(config.isMoELayer(2));
  EXPECT_FALSE(config.isMoELayer(3));
  EXPECT_TRUE(config.isMoELayer(4));
  config.nRoutedExperts = 0; // a dense model
  EXPECT_FALSE(config.isMoELayer(4));
}

TEST(ModelConfig, DefaultsAndNulls) {
  std::string json = kMinimalV3;
  json.insert(json.size() - 1, R"(, "q_lora_rank": null,
    "n_routed_experts": 4, "num_experts_per_tok": 2,
    "moe_intermediate_size": 4, "rope_scaling": null})");
  json.erase(json.rfind('}', json.size() - 2), 1);
  llvm::Expected<ModelConfig> config = parseModelConfig(json, "cfg.json");
  ASSERT_TRUE(static_cast<bool>(config)) << llvm::toString(config.takeError());
  EXPECT_EQ(config->qLoraRank, 0);
  EXPECT_FALSE(config->yarn.has_value());
  EXPECT_EQ(config->scoringFunc, "sigmoid"); // deepseek_v3 defaults
  EXPECT_EQ(config->topkMethod, "noaux_tc");
  EXPECT_EQ(config->numNextnPredictLayers, 0);
  EXPECT_DOUBLE_EQ(config->rmsNormEps, 1e-6);
}

TEST(ModelConfig, DeepSeekV2Defaults) {
  std::string json = kMinimalV3;
  json.replace(json.find("deepseek_v3"), 11, "deepseek_v2");
  json.insert(json.rfind('}'), R"(, "n_routed_experts": 4,
    "num_experts_per_tok": 2, "moe_intermediate_size": 4)");
  llvm::Expected<ModelConfig> config = parseModelConfig(json, "cfg.json");
  ASSERT_TRUE(static_cast<bool>(config)) << llvm::toString(config.takeError());
  EXPECT_EQ(config->scoringFunc, "softmax");
  EXPECT_EQ(config->topkMethod, "greedy");
}

TEST(ModelConfig, Errors) {
  EXPECT_EQ(errorOf("{ not json"),
            "cfg.json: not valid JSON: [1:3, byte=3]: Expected object key");
  EXPECT_NE(errorOf("[1, 2]").find("expected a JSON object"),
            std::string::npos);

  std::string missing = kMinimalV3;
  missing.replace(missing.find("\"hidden_size\": 8, "), 18, "");
  EXPECT_EQ(errorOf(missing), "cfg.json: key 'hidden_size': expected an "
                              "integer from 1 to 16777216 (the key is "
                              "required)");

  std::string wrongType = kMinimalV3;
  wrongType.replace(wrongType.find("\"hidden_size\": 8"), 16,
                    "\"hidden_size\": \"8\"");
  EXPECT_EQ(errorOf(wrongType), "cfg.json:3: key 'hidden_size': expected an "
                                "integer from 1 to 16777216, got the string "
                                "\"8\"");

  std::string negative = kMinimalV3;
  negative.replace(negative.find("\"num_hidden_layers\": 2"), 22,
                   "\"num_hidden_layers\": -1");
  EXPECT_NE(errorOf(negative).find("key 'num_hidden_layers': expected an "
                                   "integer from 1 to 4096, got -1"),
            std::string::npos);

  std::string llama = kMinimalV3;
  llama.replace(llama.find("deepseek_v3"), 11, "llama");
  EXPECT_EQ(errorOf(llama), "cfg.json:2: key 'model_type': expected one of "
                            "\"deepseek_v2\", \"deepseek_v3\", got the "
                            "string \"llama\"");

  std::string linearRope = kMinimalV3;
  linearRope.insert(linearRope.rfind('}'),
                    R"(, "rope_scaling": {"type": "linear", "factor": 2})");
  EXPECT_NE(errorOf(linearRope)
                .find("key 'rope_scaling.type': expected one "
                      "of \"yarn\""),
            std::string::npos);

  std::string gelu = kMinimalV3;
  gelu.insert(gelu.rfind('}'), R"(, "hidden_act": "gelu")");
  EXPECT_NE(errorOf(gelu).find("key 'hidden_act'"), std::string::npos);

  std::string tied = kMinimalV3;
  tied.insert(tied.rfind('}'), R"(, "tie_word_embeddings": true)");
  EXPECT_NE(errorOf(tied).find("key 'tie_word_embeddings': expected false"),
            std::string::npos);

  std::string moeWithoutTopk = kMinimalV3;
  moeWithoutTopk.insert(moeWithoutTopk.rfind('}'),
                        R"(, "n_routed_experts": 4)");
  EXPECT_NE(errorOf(moeWithoutTopk).find("key 'num_experts_per_tok'"),
            std::string::npos);
}

TEST(ModelConfig, UnreadableFile) {
  llvm::Expected<ModelConfig> config =
      readModelConfig("/nonexistent/config.json");
  ASSERT_FALSE(static_cast<bool>(config));
  EXPECT_NE(llvm::toString(config.takeError())
                .find("/nonexistent/config.json: cannot read"),
            std::string::npos);
}

} // namespace
