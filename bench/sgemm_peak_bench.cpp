// bench/sgemm_peak_bench.cpp: this machine's float32 matrix-multiply peak (GFLOP/s), the yardstick
// for the model benchmark's GFLOP/s (bench/clip_model_bench.cpp).
//
//   cmake --build build-bench --target sgemm_peak_bench && build-bench/bench/sgemm_peak_bench
//
// First the core's own limit: fused multiply-adds alone (BM_FmaPeak, one thread, 12 independent
// accumulators, AVX2 and AVX-512), which no kernel can pass. Then OpenBLAS cblas_sgemm on large
// square matrices with 1 and 2 threads, then the shapes the CLIP towers multiply (row-major
// x * W^T, as model/transformer.cpp calls it), to show how far below the peak their sizes run.
#include <cblas.h>
#include <immintrin.h>

#include <random>
#include <vector>

#include "bench_main.h"
#include "core/compute_threads.h"
#include "model/cpu/cpu_backend.h"

namespace {

std::vector<float> random_matrix(size_t count, unsigned seed) {
  std::mt19937 engine(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> values(count);
  for (float& v : values) v = dist(engine);
  return values;
}

// Multiply-adds per call: 12 chains of `steps` dependent FMAs, each register a vector of floats.
// The inputs come through an empty asm so the compiler cannot fold them, and every accumulator
// reaches the result, so none of the chains can be dropped.
constexpr int kFmaChains = 12;

__attribute__((target("avx512f,fma"))) float fma_chains_avx512(long steps) {
  __m512 x = _mm512_set1_ps(1e-9f), y = _mm512_set1_ps(1e-9f);
  asm volatile("" : "+v"(x), "+v"(y));
  __m512 acc[kFmaChains];
  for (__m512& a : acc) a = x;
  for (long i = 0; i < steps; ++i) {
#pragma GCC unroll 12
    for (__m512& a : acc) a = _mm512_fmadd_ps(x, y, a);
  }
  __m512 total = acc[0];
  for (int j = 1; j < kFmaChains; ++j) total = _mm512_add_ps(total, acc[j]);
  alignas(64) float lanes[16];
  _mm512_store_ps(lanes, total);
  return lanes[0];
}

__attribute__((target("avx2,fma"))) float fma_chains_avx2(long steps) {
  __m256 x = _mm256_set1_ps(1e-9f), y = _mm256_set1_ps(1e-9f);
  asm volatile("" : "+v"(x), "+v"(y));
  __m256 acc[kFmaChains];
  for (__m256& a : acc) a = x;
  for (long i = 0; i < steps; ++i) {
#pragma GCC unroll 12
    for (__m256& a : acc) a = _mm256_fmadd_ps(x, y, a);
  }
  __m256 total = acc[0];
  for (int j = 1; j < kFmaChains; ++j) total = _mm256_add_ps(total, acc[j]);
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, total);
  return lanes[0];
}

// range(0): vector width in floats (16: AVX-512, 8: AVX2). One thread.
void BM_FmaPeak(benchmark::State& state) {
  const int width = static_cast<int>(state.range(0));
  __builtin_cpu_init();
  const bool supported =
      __builtin_cpu_supports("fma") &&
      (width == 16 ? __builtin_cpu_supports("avx512f") != 0 : __builtin_cpu_supports("avx2") != 0);
  if (!supported) {
    state.SkipWithError("not supported on this CPU");
    return;
  }
  constexpr long kSteps = 1 << 20;
  for (auto _ : state) {
    benchmark::DoNotOptimize(width == 16 ? fma_chains_avx512(kSteps) : fma_chains_avx2(kSteps));
  }
  state.counters["GFLOP/s"] = benchmark::Counter(
      2.0 * width * kFmaChains * kSteps * static_cast<double>(state.iterations()) / 1e9,
      benchmark::Counter::kIsRate);
}

// c (m x n) = a (m x k) * b^T with b stored n x k, on `threads` OpenBLAS threads.
void run_sgemm(benchmark::State& state, int m, int n, int k, int threads) {
  const std::vector<float> a = random_matrix(static_cast<size_t>(m) * k, 1);
  const std::vector<float> b = random_matrix(static_cast<size_t>(n) * k, 2);
  std::vector<float> c(static_cast<size_t>(m) * n);
  const clipret::core::ScopedBlasThreads blas(threads);
  for (auto _ : state) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1.0f, a.data(), k, b.data(), k,
                0.0f, c.data(), n);
    benchmark::DoNotOptimize(c.data());
  }
  const double flops = 2.0 * m * n * k;
  state.counters["GFLOP/s"] = benchmark::Counter(
      flops * static_cast<double>(state.iterations()) / 1e9, benchmark::Counter::kIsRate);
}

// range(0): n (square n x n x n); range(1): threads.
void BM_SgemmSquare(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  run_sgemm(state, n, n, n, static_cast<int>(state.range(1)));
}

// range: m, n, k, threads.
void BM_SgemmShape(benchmark::State& state) {
  run_sgemm(state, static_cast<int>(state.range(0)), static_cast<int>(state.range(1)),
            static_cast<int>(state.range(2)), static_cast<int>(state.range(3)));
}

BENCHMARK(BM_FmaPeak)
    ->ArgName("floats")
    ->Arg(8)
    ->Arg(16)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_SgemmSquare)
    ->ArgNames({"n", "threads"})
    ->ArgsProduct({{2048, 4096}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
// ViT-B/32 image batch 32 (1,600 rows): qkv, fc1, fc2; text query of 12 ids: qkv, fc1, fc2.
BENCHMARK(BM_SgemmShape)
    ->ArgNames({"m", "n", "k", "threads"})
    ->Args({1600, 2304, 768, 2})
    ->Args({1600, 3072, 768, 2})
    ->Args({1600, 768, 3072, 2})
    ->Args({12, 1536, 512, 2})
    ->Args({12, 2048, 512, 2})
    ->Args({12, 512, 2048, 2})
    ->Args({12, 2048, 512, 1})
    ->Args({2048, 12, 512, 2})
    ->Args({2048, 12, 512, 1})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

}  // namespace

CLIPRET_BENCH_MAIN()
