// bench/clip_model_bench.cpp: CLIP forward-pass throughput on the CPU (images/s, texts/s).
//
//   cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DCLIPRET_BUILD_BENCH=ON
//   cmake --build build-bench --target clip_model_bench && build-bench/bench/clip_model_bench
//
// ViT-B/32 sizes with random weights (the arithmetic does not depend on the values), batch 32,
// 2 OpenBLAS threads; the clip_tiny_hf fixture; and, as the peer, the same model with every
// gemm replaced by a plain loop (NaiveGemmBackend), to show what the BLAS path is worth.
#include <memory>
#include <random>
#include <vector>

#include "bench_main.h"
#include "model/clip_model.h"
#include "model/cpu/cpu_backend.h"

namespace {

using clipret::model::Backend;
using clipret::model::ClipModel;
using clipret::model::ClipModelOptions;
using clipret::model::CpuBackend;
using clipret::model::Transpose;

constexpr int kThreads = 2;
constexpr size_t kBatch = 32;
constexpr uint64_t kSeed = 1;
constexpr int32_t kStartToken = 49406;
constexpr int32_t kEndToken = 49407;

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
        .threads = kThreads, .max_batch = kBatch, .truncate_text = truncate_text};
    model = std::make_unique<ClipModel>(
        ClipModel::with_random_weights(clipret::model::vit_b32_config(), kSeed, options));
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
}

void run_texts(benchmark::State& state, ClipModel& model, size_t n, size_t tokens) {
  const std::vector<int32_t> ids = random_ids(model, n, tokens);
  std::vector<float> out(n * model.embed_dim());
  for (auto _ : state) {
    model.encode_text(ids.data(), n, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
  state.SetLabel("texts/s = items_per_second");
}

void BM_VitB32Image(benchmark::State& state) {
  run_images(state, vit_b32(true), static_cast<size_t>(state.range(0)));
}
void BM_VitB32ImageNaiveGemm(benchmark::State& state) {
  run_images(state, vit_b32_naive(), static_cast<size_t>(state.range(0)));
}
// range(0): tokens per text including start and end; range(1): truncation on/off.
void BM_VitB32Text(benchmark::State& state) {
  run_texts(state, vit_b32(state.range(1) != 0), kBatch, static_cast<size_t>(state.range(0)));
}
void BM_VitB32TextNaiveGemm(benchmark::State& state) {
  run_texts(state, vit_b32_naive(), kBatch, static_cast<size_t>(state.range(0)));
}
void BM_TinyImage(benchmark::State& state) {
  run_images(state, tiny(), kBatch);
}
void BM_TinyText(benchmark::State& state) {
  run_texts(state, tiny(), kBatch, 12);
}

BENCHMARK(BM_VitB32Image)->Arg(kBatch)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_VitB32Text)
    ->Args({12, 1})
    ->Args({12, 0})
    ->Args({77, 1})
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
