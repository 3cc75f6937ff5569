// bench/tokenizer_bench.cpp: CLIP tokenizer throughput (texts/s) on caption-like text.
//
//   cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DCLIPRET_BUILD_BENCH=ON
//   cmake --build build-bench --target tokenizer_bench && build-bench/bench/tokenizer_bench
//
// Warm: the shared merge cache already holds the words (steady state over a large dataset).
// Cold: cache disabled, every word goes through BPE (worst case, a long-tailed vocabulary).
#include <string>
#include <vector>

#include "bench_main.h"
#include "text/clip_tokenizer.h"
#include "text/text_cleaner.h"

namespace {

using clipret::text::ClipTokenizer;
using clipret::text::ClipTokenizerOptions;

// Alt-text shapes seen in LAION-style data: short product titles, sentences, stock-photo
// captions, some markup, numbers, non-ASCII and the occasional long one.
const char* const kTemplates[] = {
    "a photo of a cat sitting on a wooden table",
    "Vintage 1950s Red Dress with White Polka Dots - Size M",
    "Beautiful sunset over the ocean with palm trees silhouette stock photo",
    "Men's Running Shoes Lightweight Breathable Sneakers (Black/White, US 10)",
    "The Eiffel Tower at night, Paris, France",
    "Close-up of fresh strawberries in a bowl &amp; mint leaves",
    "Modern living room interior with grey sofa and plants. 3D rendering",
    "“Keep calm and carry on” poster",
    "Café au lait in a ceramic cup — morning routine",
    "1080p HD wallpaper: mountains, lake, reflection #nature #landscape",
    "Portrait of a smiling young woman with curly hair, isolated on white background",
    "Set of 12 colorful watercolor hand-painted flowers clipart PNG",
    "東京の夜景 Tokyo night view from Shibuya Sky",
    "Dog playing fetch in the park on a sunny afternoon",
    "How to make the perfect sourdough bread at home: a step-by-step guide",
    "2019 Ford F-150 XLT 4x4 SuperCrew 5.5' Box",
    "Abstract geometric pattern seamless vector background in blue and gold",
    "Wedding ceremony decorations with white roses and candles",
    "Little boy reading a book under a tree in autumn",
    "Stainless Steel Kitchen Knife Set with Block, 15 Pieces",
};

std::vector<std::string> make_captions(size_t n) {
  std::vector<std::string> captions;
  captions.reserve(n);
  const size_t templates = std::size(kTemplates);
  for (size_t i = 0; i < n; ++i) {
    std::string caption = kTemplates[i % templates];
    // A per-caption suffix widens the vocabulary the way ids, names and numbers do.
    if (i % 3 == 0) {
      caption += " IMG_";
      caption += std::to_string(1000 + (i * 7919) % 9000);
    }
    if (i % 5 == 0) caption += " by photographer" + std::to_string(i % 97);
    captions.push_back(std::move(caption));
  }
  return captions;
}

const ClipTokenizer& shared_tokenizer(bool cached) {
  static const ClipTokenizer warm = ClipTokenizer::load(CLIPRET_TOKENIZER_VOCAB);
  static const ClipTokenizer cold =
      ClipTokenizer::load(CLIPRET_TOKENIZER_VOCAB, ClipTokenizerOptions{.cache_capacity = 0});
  return cached ? warm : cold;
}

void BM_TokenizeBatch(benchmark::State& state) {
  const bool cached = state.range(0) != 0;
  const std::vector<std::string> captions = make_captions(1024);
  const ClipTokenizer& tokenizer = shared_tokenizer(cached);
  tokenizer.tokenize_batch(captions);  // warm-up fills the cache
  for (auto _ : state) {
    auto batch = tokenizer.tokenize_batch(captions);
    benchmark::DoNotOptimize(batch.ids.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * captions.size()));
  state.SetLabel(cached ? "warm cache" : "no cache");
}
BENCHMARK(BM_TokenizeBatch)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->UseRealTime();
// Two threads sharing one tokenizer (and its cache), as inference workers do.
BENCHMARK(BM_TokenizeBatch)->Arg(1)->Threads(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_CleanText(benchmark::State& state) {
  const std::vector<std::string> captions = make_captions(1024);
  for (auto _ : state) {
    for (const std::string& caption : captions) {
      auto cleaned = clipret::text::clean_text(caption);
      benchmark::DoNotOptimize(cleaned.data());
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * captions.size()));
}
BENCHMARK(BM_CleanText)->Unit(benchmark::kMillisecond);

}  // namespace

CLIPRET_BENCH_MAIN()
