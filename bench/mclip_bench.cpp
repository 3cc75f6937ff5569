// The multilingual text encoders on the CPU (bench/mclip_bench.sh): one query's latency (batch 1,
// 12 tokens) and texts/s at batch 64 (8 to 40 tokens each), for the random full-size models and
// token ids bench/mclip_peer.py gen wrote to $CLIPRET_MCLIP_BENCH_DIR (PyTorch times the same).
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench_main.h"
#include "model/sentence_encoder.h"

namespace {

using clipret::model::SentenceEncoder;

std::string bench_dir() {
  const char* dir = std::getenv("CLIPRET_MCLIP_BENCH_DIR");
  return dir != nullptr ? dir : "/tmp/mclip_bench";
}

struct Loaded {
  std::unique_ptr<SentenceEncoder> encoder;
  std::vector<int32_t> query;
  std::vector<std::vector<int32_t>> batch;
};

// Models load once per process (XLM-R large is 2.2 GB of float32).
Loaded& loaded(const std::string& kind) {
  static std::map<std::string, Loaded> models;
  auto it = models.find(kind);
  if (it != models.end()) return it->second;
  std::ifstream in(bench_dir() + "/ids.json");
  const auto ids = nlohmann::json::parse(in);
  clipret::model::SentenceEncoderOptions options;
  options.max_batch = 64;
  Loaded model;
  model.encoder =
      std::make_unique<SentenceEncoder>(SentenceEncoder::load(bench_dir() + "/" + kind, options));
  model.query = ids.at(kind).at("query").get<std::vector<int32_t>>();
  model.batch = ids.at(kind).at("batch").get<std::vector<std::vector<int32_t>>>();
  return models.emplace(kind, std::move(model)).first->second;
}

void run(benchmark::State& state, const std::string& kind, bool batch) {
  Loaded& model = loaded(kind);
  const std::vector<std::vector<int32_t>> texts =
      batch ? model.batch : std::vector<std::vector<int32_t>>{model.query};
  std::vector<float> out(texts.size() * static_cast<size_t>(model.encoder->embed_dim()));
  for (auto _ : state) {
    model.encoder->encode(texts, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["texts_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * texts.size()), benchmark::Counter::kIsRate);
}

void BM_DistilBertQuery(benchmark::State& state) {
  run(state, "distilbert", false);
}
void BM_DistilBertBatch64(benchmark::State& state) {
  run(state, "distilbert", true);
}
void BM_XlmrLargeQuery(benchmark::State& state) {
  run(state, "xlmr", false);
}
void BM_XlmrLargeBatch64(benchmark::State& state) {
  run(state, "xlmr", true);
}

}  // namespace

BENCHMARK(BM_DistilBertQuery)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(5);
BENCHMARK(BM_DistilBertBatch64)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(10);
BENCHMARK(BM_XlmrLargeQuery)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(5);
BENCHMARK(BM_XlmrLargeBatch64)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(10);

// OpenBLAS and the model's own kernels run on every core, as in `back` by default.
CLIPRET_BENCH_MAIN()
