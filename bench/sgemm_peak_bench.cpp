// bench/sgemm_peak_bench.cpp: this machine's float32 matrix-multiply peak (GFLOP/s), the yardstick
// for the model benchmark's GFLOP/s (bench/clip_model_bench.cpp).
//
//   cmake --build build-bench --target sgemm_peak_bench && build-bench/bench/sgemm_peak_bench
//
// OpenBLAS cblas_sgemm on large square matrices with 1 and 2 threads (the peak), then the
// shapes the CLIP towers multiply (row-major x * W^T, as model/transformer.cpp calls it), to show
// how far below the peak their sizes run.
#include <cblas.h>

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
