// bench/clip_model_bench.cpp: CLIP forward-pass throughput on the CPU (images/s, texts/s).
//
//   cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DCLIPRET_BUILD_BENCH=ON
//   cmake --build build-bench --target clip_model_bench && build-bench/bench/clip_model_bench
//
// ViT-B/32 sizes with random weights (the arithmetic does not depend on the values), batch 1,
// 32 and 64, 2 OpenBLAS threads; the clip_tiny_hf fixture; and, as the peer, the same model with
// every gemm replaced by a plain loop (NaiveGemmBackend), to show what the BLAS path is worth.
// The GFLOP/s counter counts the towers' multiply-adds (tower_flops below); compare it with
// bench/sgemm_peak_bench.cpp. VitB32TextQuery is the latency of one search query (batch 1),
// with the small-row kernel and without (OpenBLAS only), QueryLinear its products one by one;
// VitB32ImageAndText the model-only peer of the end-to-end run (bench/inference_e2e.sh).
#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "bench_main.h"
#include "core/bfloat16.h"
#include "core/compute_threads.h"
#include "model/clip_model.h"
#include "model/cpu/cpu_backend.h"
#include "model/cpu/small_gemm.h"

namespace {

using clipret::model::Backend;
using clipret::model::ClipConfig;
using clipret::model::ClipModel;
using clipret::model::ClipModelOptions;
using clipret::model::CpuBackend;
using clipret::model::CpuBackendOptions;
using clipret::model::TransformerConfig;
using clipret::model::Transpose;

constexpr int kThreads = 2;
constexpr size_t kBatch = 32;
constexpr size_t kMaxBatch = 64;
constexpr uint64_t kSeed = 1;
constexpr int32_t kStartToken = 49406;
constexpr int32_t kEndToken = 49407;

// Floating-point operations (2 per multiply-add) of one item through a transformer stack of
// `seq` tokens: the qkv, out, fc1 and fc2 gemms, and attention's Q K^T and P V (computed over
// all seq x seq pairs, the causal mask included, as CpuBackend::attention does).
double transformer_flops(const TransformerConfig& t, double seq) {
  const double w = static_cast<double>(t.width);
  const double mlp = static_cast<double>(t.mlp_width);
  const double gemms = 2.0 * seq * (3 * w * w + w * w + 2 * w * mlp);
  const double attention = 2.0 * 2.0 * seq * seq * w;
  return static_cast<double>(t.layers) * (gemms + attention);
}

// One image: patch embedding, the stack over class + patch tokens, the projection.
double image_flops(const ClipConfig& c) {
  const double patches = static_cast<double>(c.vision.grid() * c.vision.grid());
  const double width = static_cast<double>(c.vision.transformer.width);
  const double patch_values =
      static_cast<double>(c.vision.channels * c.vision.patch_size * c.vision.patch_size);
  return 2.0 * patches * width * patch_values +
         transformer_flops(c.vision.transformer, static_cast<double>(c.vision.tokens())) +
         2.0 * width * static_cast<double>(c.embed_dim);
}

// One text run over `seq` positions (the batch's longest up to its end token when truncating).
double text_flops(const ClipConfig& c, double seq) {
  return transformer_flops(c.text.transformer, seq) +
         2.0 * static_cast<double>(c.text.transformer.width * c.embed_dim);
}

void set_gflops(benchmark::State& state, double flops_per_iteration) {
  state.counters["GFLOP/s"] =
      benchmark::Counter(flops_per_iteration * static_cast<double>(state.iterations()) / 1e9,
                         benchmark::Counter::kIsRate);
}

// The CPU backend with its gemm replaced by a cache-friendly (i, p, j) triple loop.
class NaiveGemmBackend : public CpuBackend {
 public:
  void gemm(Transpose trans_a, Transpose trans_b, size_t m, size_t n, size_t k, float alpha,
            const float* a, size_t lda, const float* b, size_t ldb, float beta, float* c,
            size_t ldc) override {
    for (size_t i = 0; i < m; ++i) {
      float* row = c + i * ldc;
      for (size_t j = 0; j < n; ++j) row[j] = beta == 0.0f ? 0.0f : beta * row[j];
      for (size_t p = 0; p < k; ++p) {
        const float x = alpha * (trans_a == Transpose::kYes ? a[p * lda + i] : a[i * lda + p]);
        if (trans_b == Transpose::kNo) {
          const float* brow = b + p * ldb;
          for (size_t j = 0; j < n; ++j) row[j] += x * brow[j];
        } else {
          for (size_t j = 0; j < n; ++j) row[j] += x * b[j * ldb + p];
        }
      }
    }
  }
};

ClipModel& vit_b32(bool truncate_text) {
  static std::unique_ptr<ClipModel> models[2];
  std::unique_ptr<ClipModel>& model = models[truncate_text ? 1 : 0];
  if (!model) {
    const ClipModelOptions options{
        .threads = kThreads, .max_batch = kMaxBatch, .truncate_text = truncate_text};
    model = std::make_unique<ClipModel>(
        ClipModel::with_random_weights(clipret::model::vit_b32_config(), kSeed, options));
  }
  return *model;
}

// The same model (same seed) with the blocks' weights in bfloat16 (--precision bf16).
ClipModel& vit_b32_bf16() {
  static std::unique_ptr<ClipModel> model;
  if (!model) {
    const ClipModelOptions options{.threads = kThreads,
                                   .max_batch = kMaxBatch,
                                   .precision = clipret::model::WeightPrecision::kBf16};
    model = std::make_unique<ClipModel>(
        ClipModel::with_random_weights(clipret::model::vit_b32_config(), kSeed, options));
  }
  return *model;
}

// The same model (same seed) with int8 weights (--precision int8) on the int8 kernel of that
// name (supported_small_gemm_int8_kernels(): "avx512vnni", "avx2"), one model per kernel.
ClipModel& vit_b32_int8(const std::string& kernel) {
  static std::map<std::string, std::unique_ptr<ClipModel>> models;
  std::unique_ptr<ClipModel>& model = models[kernel];
  if (!model) {
    model = std::make_unique<ClipModel>(ClipModel::with_random_weights(
        clipret::model::vit_b32_config(), kSeed,
        std::make_unique<CpuBackend>(CpuBackendOptions{
            .precision = clipret::model::WeightPrecision::kInt8, .int8_kernel = kernel}),
        {.threads = kThreads, .max_batch = kMaxBatch}));
  }
  return *model;
}

// The int8 kernel at `index` of supported_small_gemm_int8_kernels(), or "" when there is none.
std::string int8_kernel_name(benchmark::State& state, int64_t index) {
  const auto& kernels = clipret::model::cpu::supported_small_gemm_int8_kernels();
  if (index < 0 || static_cast<size_t>(index) >= kernels.size()) {
    state.SkipWithError("no such int8 kernel on this CPU");
    return "";
  }
  return kernels[static_cast<size_t>(index)].name;
}

// The same model (same seed, same weights) on a backend that sends every product to OpenBLAS,
// as before the small-row kernel: the "before" of the text query, in the same run.
ClipModel& vit_b32_openblas_only() {
  static std::unique_ptr<ClipModel> model;
  if (!model) {
    model = std::make_unique<ClipModel>(ClipModel::with_random_weights(
        clipret::model::vit_b32_config(), kSeed,
        std::make_unique<CpuBackend>(CpuBackendOptions{.small_gemm = false}),
        {.threads = kThreads, .max_batch = kMaxBatch}));
  }
  return *model;
}

ClipModel& vit_b32_naive() {
  static std::unique_ptr<ClipModel> model;
  if (!model) {
    model = std::make_unique<ClipModel>(ClipModel::with_random_weights(
        clipret::model::vit_b32_config(), kSeed, std::make_unique<NaiveGemmBackend>(),
        {.threads = kThreads, .max_batch = kBatch}));
  }
  return *model;
}

ClipModel& tiny() {
  static std::unique_ptr<ClipModel> model;
  if (!model) {
    model = std::make_unique<ClipModel>(
        ClipModel::load(CLIPRET_TINY_CLIP_DIR, {.threads = kThreads, .max_batch = kBatch}));
  }
  return *model;
}

std::vector<float> random_pixels(const ClipModel& model, size_t n) {
  std::mt19937 engine(7);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  std::vector<float> pixels(n * 3 * model.image_size() * model.image_size());
  for (float& v : pixels) v = dist(engine);
  return pixels;
}

// n texts of `tokens` ids each: start, random word pieces, end, zero padding.
std::vector<int32_t> random_ids(const ClipModel& model, size_t n, size_t tokens) {
  std::mt19937 engine(11);
  std::uniform_int_distribution<int32_t> piece(1, kStartToken - 1);
  const size_t context = static_cast<size_t>(model.context_length());
  std::vector<int32_t> ids(n * context, 0);
  for (size_t b = 0; b < n; ++b) {
    int32_t* row = ids.data() + b * context;
    row[0] = kStartToken;
    for (size_t t = 1; t + 1 < tokens; ++t) row[t] = piece(engine);
    row[tokens - 1] = kEndToken;
  }
  return ids;
}

void run_images(benchmark::State& state, ClipModel& model, size_t n) {
  const std::vector<float> pixels = random_pixels(model, n);
  std::vector<float> out(n * model.embed_dim());
  for (auto _ : state) {
    model.encode_image(pixels.data(), n, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
  state.SetLabel("images/s = items_per_second");
  set_gflops(state, static_cast<double>(n) * image_flops(model.config()));
}

void run_texts(benchmark::State& state, ClipModel& model, size_t n, size_t tokens, bool truncated) {
  const std::vector<int32_t> ids = random_ids(model, n, tokens);
  std::vector<float> out(n * model.embed_dim());
  for (auto _ : state) {
    model.encode_text(ids.data(), n, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
  state.SetLabel("texts/s = items_per_second");
  const double seq = model.config().text.context_length;
  set_gflops(state, static_cast<double>(n) * text_flops(model.config(), truncated ? tokens : seq));
}

// range(0): batch; range(1) = 1: default backend, 0: OpenBLAS for every product.
void BM_VitB32Image(benchmark::State& state) {
  ClipModel& model = state.range(1) != 0 ? vit_b32(true) : vit_b32_openblas_only();
  run_images(state, model, static_cast<size_t>(state.range(0)));
}
// range(0): batch, bf16 weights.
void BM_VitB32ImageBf16(benchmark::State& state) {
  run_images(state, vit_b32_bf16(), static_cast<size_t>(state.range(0)));
}
// range(0): batch, int8 weights; range(1): the index in supported_small_gemm_int8_kernels()
// (0: avx512vnni, 1: avx2 on an AVX-512 VNNI CPU).
void BM_VitB32ImageInt8(benchmark::State& state) {
  const std::string kernel = int8_kernel_name(state, state.range(1));
  if (kernel.empty()) return;
  state.SetLabel(kernel);
  run_images(state, vit_b32_int8(kernel), static_cast<size_t>(state.range(0)));
}
void BM_VitB32ImageNaiveGemm(benchmark::State& state) {
  run_images(state, vit_b32_naive(), static_cast<size_t>(state.range(0)));
}
// range(0): tokens per text including start and end; range(1): truncation on/off; range(2):
// batch.
void BM_VitB32Text(benchmark::State& state) {
  const bool truncated = state.range(1) != 0;
  run_texts(state, vit_b32(truncated), static_cast<size_t>(state.range(2)),
            static_cast<size_t>(state.range(0)), truncated);
}
// One query of 12 ids (start, 10 word pieces, end), batch 1, on range(0) threads; range(1) = 1:
// the default backend (small-row products on the project's kernel), 0: OpenBLAS for every
// product (before the kernel), 2: the default backend with bf16 weights, 3 / 4: int8 weights on
// the first / second int8 kernel (avx512vnni, avx2).
void BM_VitB32TextQuery(benchmark::State& state) {
  std::string int8_kernel;
  if (state.range(1) >= 3) {
    int8_kernel = int8_kernel_name(state, state.range(1) - 3);
    if (int8_kernel.empty()) return;
    state.SetLabel(int8_kernel);
  }
  ClipModel& model = state.range(1) >= 3   ? vit_b32_int8(int8_kernel)
                     : state.range(1) == 2 ? vit_b32_bf16()
                     : state.range(1) != 0 ? vit_b32(true)
                                           : vit_b32_openblas_only();
  const int threads = static_cast<int>(state.range(0));
  auto& backend = static_cast<CpuBackend&>(model.backend());
  backend.set_threads(threads);
  {
    const clipret::core::ScopedBlasThreads blas(threads);
    run_texts(state, model, 1, 12, true);
  }
  backend.set_threads(kThreads);
}

// `rows` rows (a query: 12) times a text-tower weight, out x in, taking 12 distinct weights
// (one per layer, 4 to 48 MB: more than the caches, as in the tower) in turn, on `threads`
// threads: through CpuBackend (small_gemm: with the small-row kernel, or OpenBLAS only) or, with
// kernel_only, the kernel itself on one thread whatever the rows. Reports the weights'
// streaming rate (GB/s) besides GFLOP/s.
void run_query_linear(benchmark::State& state, size_t rows, size_t out, size_t in, int threads,
                      bool kernel_only, bool small_gemm) {
  constexpr size_t kLayers = 12;
  CpuBackend backend(CpuBackendOptions{.small_gemm = small_gemm, .threads = threads});
  const clipret::model::cpu::SmallGemmKernel* kernel =
      clipret::model::cpu::best_small_gemm_kernel();
  if (kernel_only && kernel == nullptr) {
    state.SkipWithError("no small-gemm kernel on this CPU");
    return;
  }
  std::mt19937 engine(3);
  std::normal_distribution<float> dist(0.0f, 0.02f);
  std::vector<float> weights(kLayers * out * in);
  for (float& v : weights) v = dist(engine);
  std::vector<float> x(rows * in);
  for (float& v : x) v = dist(engine);
  std::vector<float> y(rows * out);
  const clipret::core::ScopedBlasThreads blas(threads);
  size_t layer = 0;
  for (auto _ : state) {
    const float* w = weights.data() + layer * out * in;
    if (kernel_only) {
      kernel->gemm_nt(rows, out, in, 1.0f, x.data(), in, w, in, 0.0f, y.data(), out);
    } else {
      backend.gemm(Transpose::kNo, Transpose::kYes, rows, out, in, 1.0f, x.data(), in, w, in, 0.0f,
                   y.data(), out);
    }
    benchmark::DoNotOptimize(y.data());
    layer = (layer + 1) % kLayers;
  }
  const double per_call = static_cast<double>(out * in);
  state.counters["GB/s"] =
      benchmark::Counter(per_call * sizeof(float) * static_cast<double>(state.iterations()) / 1e9,
                         benchmark::Counter::kIsRate);
  set_gflops(state, 2.0 * static_cast<double>(rows) * per_call);
}

// A query's products one by one: range(0) x range(1) = out x in, range(2) threads, range(3) = 1:
// default backend, 0: OpenBLAS only.
void BM_QueryLinear(benchmark::State& state) {
  run_query_linear(state, 12, static_cast<size_t>(state.range(0)),
                   static_cast<size_t>(state.range(1)), static_cast<int>(state.range(2)), false,
                   state.range(3) != 0);
}

// Where the small-row kernel stops paying: range(0) rows times a 2048 x 512 weight (fc1) on one
// thread, range(1) = 1: the kernel called directly (whatever the rows), 0: OpenBLAS.
void BM_SmallGemmCrossover(benchmark::State& state) {
  const bool kernel = state.range(1) != 0;
  run_query_linear(state, static_cast<size_t>(state.range(0)), 2048, 512, 1, kernel, false);
}

// A query's product (12 rows) on one thread, the kernel called directly, with the weights in
// bfloat16: range(0) x range(1) = out x in, range(2) = the index in
// supported_small_gemm_bf16_kernels() (avx512bf16, avx512, avx2 on an AVX-512 BF16 CPU), or -1:
// the fp32 kernel on fp32 weights, for comparison. 12 distinct weights taken in turn, as above.
void BM_QueryLinearBf16(benchmark::State& state) {
  constexpr size_t kLayers = 12;
  constexpr size_t kRows = 12;
  const auto out = static_cast<size_t>(state.range(0));
  const auto in = static_cast<size_t>(state.range(1));
  const auto& kernels = clipret::model::cpu::supported_small_gemm_bf16_kernels();
  const clipret::model::cpu::SmallGemmKernel* fp32 = clipret::model::cpu::best_small_gemm_kernel();
  const int64_t index = state.range(2);
  if ((index >= 0 && static_cast<size_t>(index) >= kernels.size()) ||
      (index < 0 && fp32 == nullptr)) {
    state.SkipWithError("no such kernel on this CPU");
    return;
  }
  std::mt19937 engine(3);
  std::normal_distribution<float> dist(0.0f, 0.02f);
  std::vector<float> weights(kLayers * out * in);
  for (float& v : weights) v = dist(engine);
  std::vector<uint16_t> weights16(weights.size());
  clipret::core::float32_to_bfloat16(weights.data(), weights.size(), weights16.data());
  std::vector<float> x(kRows * in);
  for (float& v : x) v = dist(engine);
  std::vector<float> y(kRows * out);
  size_t layer = 0;
  for (auto _ : state) {
    if (index < 0) {
      fp32->gemm_nt(kRows, out, in, 1.0f, x.data(), in, weights.data() + layer * out * in, in, 0.0f,
                    y.data(), out);
    } else {
      kernels[static_cast<size_t>(index)].gemm_nt(kRows, out, in, 1.0f, x.data(), in,
                                                  weights16.data() + layer * out * in, in, 0.0f,
                                                  y.data(), out);
    }
    benchmark::DoNotOptimize(y.data());
    layer = (layer + 1) % kLayers;
  }
  state.SetLabel(index < 0 ? std::string(fp32->name) + " fp32"
                           : std::string(kernels[static_cast<size_t>(index)].name) + " bf16");
  set_gflops(state, 2.0 * static_cast<double>(kRows * out * in));
}

// range(0) images and range(0) captions of 12 ids per iteration: samples/s without I/O. Forward
// passes of at most ClipModelOptions{}.max_batch (32), as the inference CLI runs them.
void BM_VitB32ImageAndText(benchmark::State& state) {
  ClipModel& model = vit_b32(true);
  const size_t n = static_cast<size_t>(state.range(0));
  const size_t pass = std::min(n, ClipModelOptions{}.max_batch);
  const std::vector<float> pixels = random_pixels(model, n);
  const std::vector<int32_t> ids = random_ids(model, n, 12);
  const size_t image_values = pixels.size() / n;
  const size_t context = ids.size() / n;
  std::vector<float> out(n * model.embed_dim());
  for (auto _ : state) {
    for (size_t begin = 0; begin < n; begin += pass) {
      const size_t count = std::min(pass, n - begin);
      model.encode_image(pixels.data() + begin * image_values, count, out.data());
      model.encode_text(ids.data() + begin * context, count, out.data());
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
  state.SetLabel("samples/s = items_per_second");
  set_gflops(state, static_cast<double>(n) *
                        (image_flops(model.config()) + text_flops(model.config(), 12)));
}
void BM_VitB32TextNaiveGemm(benchmark::State& state) {
  run_texts(state, vit_b32_naive(), kBatch, static_cast<size_t>(state.range(0)), true);
}
void BM_TinyImage(benchmark::State& state) {
  run_images(state, tiny(), kBatch);
}
void BM_TinyText(benchmark::State& state) {
  run_texts(state, tiny(), kBatch, 12, true);
}

BENCHMARK(BM_VitB32Image)
    ->ArgNames({"batch", "kernel"})
    ->Args({1, 1})
    ->Args({32, 1})
    ->Args({64, 1})
    ->Args({1, 0})
    ->Args({32, 0})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_VitB32ImageBf16)
    ->ArgName("batch")
    ->Arg(1)
    ->Arg(32)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_VitB32ImageInt8)
    ->ArgNames({"batch", "kernel"})
    ->ArgsProduct({{1, 32}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_VitB32Text)
    ->ArgNames({"ids", "truncate", "batch"})
    ->Args({12, 1, 32})
    ->Args({12, 1, 64})
    ->Args({12, 0, 32})
    ->Args({77, 1, 32})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_VitB32TextQuery)
    ->ArgNames({"threads", "kernel"})
    ->Args({1, 1})
    ->Args({2, 1})
    ->Args({1, 2})
    ->Args({2, 2})
    ->Args({1, 3})
    ->Args({2, 3})
    ->Args({2, 4})
    ->Args({1, 0})
    ->Args({2, 0})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_QueryLinear)
    ->ArgNames({"out", "in", "threads", "kernel"})
    ->ArgsProduct({{1536}, {512}, {1, 2}, {1, 0}})
    ->ArgsProduct({{2048}, {512}, {1, 2}, {1, 0}})
    ->ArgsProduct({{512}, {2048}, {1, 2}, {1, 0}})
    ->ArgsProduct({{512}, {512}, {1, 2}, {1, 0}})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK(BM_QueryLinearBf16)
    ->ArgNames({"out", "in", "kernel"})
    ->ArgsProduct({{1536, 2048}, {512}, {-1, 0, 1, 2}})
    ->ArgsProduct({{512}, {2048}, {-1, 0, 1, 2}})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK(BM_SmallGemmCrossover)
    ->ArgNames({"rows", "kernel"})
    ->ArgsProduct({{1, 4, 8, 12, 16, 24, 32, 50, 64, 100, 200}, {1, 0}})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK(BM_VitB32ImageAndText)
    ->ArgName("batch")
    ->Arg(32)
    ->Arg(64)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_TinyImage)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_TinyText)->Unit(benchmark::kMillisecond)->UseRealTime();
// The peer: a few images only, one iteration (tens of seconds each).
BENCHMARK(BM_VitB32ImageNaiveGemm)
    ->Arg(2)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_VitB32TextNaiveGemm)
    ->Arg(12)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

CLIPRET_BENCH_MAIN()
