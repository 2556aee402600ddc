//===- NumericsBenchmark.cpp - FP8 quantization throughput ----------------===//
//
// The CPU numerics library: block quantization of a 4096 x 7168 FP32 tensor
// (a V3 activation micro-batch) per 1 x 128 tile and per 128 x 128 block,
// reported as input GB/s; and the reference GEMM's rate at one V3 shape.
//
//===----------------------------------------------------------------------===//

#include "dsc/numerics/ReferenceGemm.h"
#include <benchmark/benchmark.h>
#include <random>

using namespace dsc::numerics;

static std::vector<float> randomValues(size_t count) {
  std::vector<float> values(count);
  std::mt19937 rng(1);
  std::normal_distribution<float> normal;
  for (float &v : values)
    v = normal(rng);
  return values;
}

static void BM_Quantize(benchmark::State &state) {
  int64_t rows = 4096, cols = 7168;
  TileShape tile{state.range(0), 128};
  std::vector<float> x = randomValues(rows * cols);
  for (auto _ : state) {
    QuantizedTensor q = quantize(x.data(), rows, cols, tile);
    benchmark::DoNotOptimize(q.codes.data());
  }
  state.SetBytesProcessed(state.iterations() * rows * cols * sizeof(float));
}
BENCHMARK(BM_Quantize)->Arg(1)->Arg(128)->Unit(benchmark::kMillisecond);

static void BM_Dequantize(benchmark::State &state) {
  int64_t rows = 4096, cols = 7168;
  std::vector<float> x = randomValues(rows * cols);
  QuantizedTensor q = quantize(x.data(), rows, cols, {1, 128});
  for (auto _ : state) {
    std::vector<float> back = dequantize(q);
    benchmark::DoNotOptimize(back.data());
  }
  state.SetBytesProcessed(state.iterations() * rows * cols * sizeof(float));
}
BENCHMARK(BM_Dequantize)->Unit(benchmark::kMillisecond);

// M = 64, N = 128, K = 7168 (V3's 7168 x 2112 shape, N scaled down).
static void BM_ReferenceGemm(benchmark::State &state) {
  int64_t m = 64, n = 128, k = 7168;
  std::vector<float> a = randomValues(m * k), b = randomValues(n * k);
  QuantizedTensor qa = quantize(a.data(), m, k, {1, 128});
  QuantizedTensor qb = quantize(b.data(), n, k, {128, 128});
  for (auto _ : state) {
    std::vector<float> c = fp8Gemm(qa, qb);
    benchmark::DoNotOptimize(c.data());
  }
  state.counters["GFLOPS"] = benchmark::Counter(
      2.0 * m * n * k * state.iterations() / 1e9, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ReferenceGemm)->Unit(benchmark::kMillisecond);
