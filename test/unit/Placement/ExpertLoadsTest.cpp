//===- ExpertLoadsTest.cpp - expert-load statistics -----------------------===//

#include "dsc/Placement/ExpertLoads.h"
#include "gtest/gtest.h"
#include <cmath>
#include <numeric>

using namespace dsc;

namespace {

std::string errorOf(llvm::StringRef text) {
  llvm::Expected<ExpertLoads> loads = parseExpertLoads(text, "l.txt");
  return loads ? "" : llvm::toString(loads.takeError());
}

TEST(ExpertLoads, ParsesJSONAndCSV) {
  llvm::Expected<ExpertLoads> json =
      parseExpertLoads(R"({"loads": [[1, 2, 3], [4, 5, 6]]})", "l.json");
  ASSERT_TRUE(static_cast<bool>(json)) << llvm::toString(json.takeError());
  EXPECT_EQ(json->layers,
            (std::vector<std::vector<double>>{{1, 2, 3}, {4, 5, 6}}));

  llvm::Expected<ExpertLoads> csv =
      parseExpertLoads("# layer loads\n1, 2, 3\n\n4,5,6 # last\n", "l.csv");
  ASSERT_TRUE(static_cast<bool>(csv)) << llvm::toString(csv.takeError());
  EXPECT_EQ(csv->layers, json->layers);
}

TEST(ExpertLoads, Errors) {
  EXPECT_EQ(errorOf("1,2,3\n4,x,6\n"),
            "l.txt:2: 'x' is not a number; a CSV line holds one layer's "
            "comma-separated expert loads");
  EXPECT_EQ(errorOf("1,2,3\n4,5\n"),
            "l.txt:2: 2 loads, but the first layer has 3; every layer needs "
            "one load per expert");
  EXPECT_EQ(errorOf("1,-2,3\n"), "l.txt:1: a load must be a finite number >= "
                                 "0 (a token count), got -2");
  EXPECT_EQ(errorOf(R"({"loads": [[1, 2], [3, "a"]]})"),
            "l.txt: key 'loads': layer 1, expert 1: expected a number");
  EXPECT_EQ(errorOf(R"({"loads": [[1, 2], [3]]})"),
            "l.txt: key 'loads': layer 1: 1 loads, but the first layer has "
            "2; every layer needs one load per expert");
  EXPECT_NE(errorOf(R"({"layers": []})").find("expected {\"loads\""),
            std::string::npos);
  EXPECT_EQ(errorOf("# nothing\n"), "l.txt: no layers of expert loads");
}

TEST(ExpertLoads, GeneratesZipfAndUniform) {
  ExpertLoads zipf =
      generateExpertLoads(3, 16, LoadDistribution::Zipf, 1.2, 7, 1e6);
  ASSERT_EQ(zipf.layers.size(), 3u);
  for (const std::vector<double> &layer : zipf.layers) {
    ASSERT_EQ(layer.size(), 16u);
    double total = std::accumulate(layer.begin(), layer.end(), 0.0);
    EXPECT_NEAR(total, 1e6, 16);
    // Zipf(1.2): the largest load is 1 / H(16, 1.2) of the tokens.
    double harmonic = 0;
    for (int k = 1; k <= 16; ++k)
      harmonic += 1 / std::pow(k, 1.2);
    EXPECT_NEAR(*std::max_element(layer.begin(), layer.end()), 1e6 / harmonic,
                1);
  }
  // A seed per layer: the layers are permuted differently, and the same
  // seed gives the same loads.
  EXPECT_NE(zipf.layers[0], zipf.layers[1]);
  EXPECT_EQ(
      zipf.layers,
      generateExpertLoads(3, 16, LoadDistribution::Zipf, 1.2, 7, 1e6).layers);
  ExpertLoads uniform =
      generateExpertLoads(1, 4, LoadDistribution::Uniform, 0, 1, 100);
  EXPECT_EQ(uniform.layers[0], std::vector<double>(4, 25));
}

TEST(ExpertLoads, WritesWhatItReads) {
  ExpertLoads loads{{{1, 2.5}, {3, 4}}};
  std::string text;
  llvm::raw_string_ostream os(text);
  writeExpertLoadsJSON(loads, os);
  llvm::Expected<ExpertLoads> back = parseExpertLoads(text, "x.json");
  ASSERT_TRUE(static_cast<bool>(back));
  EXPECT_EQ(back->layers, loads.layers);
}

} // namespace
