// bench/index_bench.cpp: the pieces of bench/index_bench.sh (not a Google Benchmark program:
// each step is one long run, timed and measured by the script under GNU time).
//   index_bench gen FOLDER ROWS DIM FILES        clustered float16 embeddings, like CLIP's
//   index_bench kmeans FOLDER ROWS LISTS         k-means of the lists, OpenBLAS on 1 thread vs all
//   index_bench rules FOLDER KEY TRAIN_ROWS RULES  our trainer with other training rules
//                                                (faiss | ours | name=value,...: opq_rounds,
//                                                opq_rows, pq_rows, kmeans_iterations,
//                                                min_improvement, two_level), then adding,
//                                                tuning to 10 ms and recall@10: one row of a
//                                                sweep deciding index/training_rules.cpp
//   index_bench autofaiss-key ROWS DIM BUDGET    the key autofaiss chooses (without our measured
//                                                replacement), which the peer builds
//   index_bench eval FOLDER INDEX[@PARAMS]...    recall@10 against exact search (1,000 queries
//                                                drawn from the data) and single-query latency;
//                                                @defaults: faiss's default search parameters,
//                                                @nprobe=64,...: those (ParameterSpace syntax)
#include <faiss/AutoTune.h>
#include <faiss/Clustering.h>
#include <faiss/IVFlib.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/IndexPreTransform.h>
#include <faiss/index_factory.h>
#include <faiss/index_io.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/float16.h"
#include "core/npy_writer.h"
#include "index/embedding_source.h"
#include "index/faiss_index.h"
#include "index/faiss_threads.h"
#include "index/index_key.h"
#include "index/index_metrics.h"
#include "index/index_selection.h"
#include "index/index_trainer.h"
#include "index/index_tuning.h"
#include "index/memory_string.h"
#include "index/training_rules.h"

namespace {

using clipret::index::EmbeddingSource;

constexpr int64_t kQueries = 1000;
constexpr int64_t kRecallK = 10;
constexpr int64_t kLatencySearches = 2000;

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Centres plus noise in a 64-dimensional latent space, mapped linearly to `dim` and
// normalised: clustered like CLIP embeddings, neither trivial nor uniformly random.
int gen(const std::string& folder, int64_t rows, int64_t dim, int files) {
  constexpr int64_t kLatent = 64;
  constexpr int64_t kClusters = 1000;
  constexpr double kNoise = 0.5;
  std::mt19937_64 rng(42);
  std::normal_distribution<float> normal;
  std::vector<float> map(kLatent * dim);
  for (auto& v : map) v = normal(rng);
  std::vector<float> centres(kClusters * kLatent);
  for (auto& v : centres) v = normal(rng);
  std::uniform_int_distribution<int64_t> pick(0, kClusters - 1);
  std::filesystem::create_directories(folder);
  for (int f = 0; f < files; ++f) {
    const int64_t begin = rows * f / files;
    const int64_t end = rows * (f + 1) / files;
    std::vector<uint16_t> half((end - begin) * dim);
    std::vector<float> z(kLatent);
    std::vector<float> x(dim);
    for (int64_t r = begin; r < end; ++r) {
      const int64_t c = pick(rng);
      for (int64_t j = 0; j < kLatent; ++j) z[j] = centres[c * kLatent + j] + kNoise * normal(rng);
      std::fill(x.begin(), x.end(), 0.0f);
      for (int64_t j = 0; j < kLatent; ++j) {
        for (int64_t i = 0; i < dim; ++i) x[i] += z[j] * map[j * dim + i];
      }
      double norm = 0;
      for (float v : x) norm += double(v) * v;
      for (int64_t i = 0; i < dim; ++i) x[i] = static_cast<float>(x[i] / std::sqrt(norm));
      clipret::core::float32_to_float16(x.data(), dim, half.data() + (r - begin) * dim);
    }
    char name[64];
    std::snprintf(name, sizeof name, "/img_emb_%03d.npy", f);
    clipret::core::write_npy(folder + name, clipret::core::NpyDtype::kFloat16,
                             {uint64_t(end - begin), uint64_t(dim)}, half.data());
  }
  return 0;
}

// faiss's k-means of an IVF's lists (10 iterations, as IndexIVF trains them) over the first
// rows, once with OpenBLAS on one thread (`clip-retrieval index` before the change to
// WideBlasForKmeans) and once on every core.
int kmeans(const std::string& folder, int64_t rows, int64_t lists) {
  const auto source = EmbeddingSource::open(folder);
  rows = std::min(rows, source.rows());
  std::vector<float> x(rows * source.dim());
  source.read_rows(0, rows, x.data());
  for (const bool wide : {false, true}) {
    std::vector<float> centroids;
    const double start = now_seconds();
    {
      std::unique_ptr<clipret::index::WideBlasForKmeans> blas;
      if (wide) blas = std::make_unique<clipret::index::WideBlasForKmeans>();
      faiss::ClusteringParameters cp;
      cp.niter = 10;
      faiss::Clustering clustering(static_cast<int>(source.dim()), static_cast<int>(lists), cp);
      faiss::IndexFlatIP assign(source.dim());
      clustering.train(rows, x.data(), assign);
    }
    std::printf("k-means of %lld lists over %lld x %lld, OpenBLAS %s: %.1f s\n",
                static_cast<long long>(lists), static_cast<long long>(rows),
                static_cast<long long>(source.dim()), wide ? "on every core" : "on one thread",
                now_seconds() - start);
  }
  return 0;
}

clipret::index::TrainingRules parse_rules(const std::string& key, const std::string& text) {
  using clipret::index::TrainingRules;
  if (text == "faiss") return clipret::index::faiss_training_rules();
  TrainingRules rules = clipret::index::training_rules(clipret::index::parse_index_key(key));
  if (text == "ours") return rules;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = text.find(',', begin);
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(begin, end - begin);
    const size_t eq = item.find('=');
    const std::string name = item.substr(0, eq);
    const double value = std::stod(item.substr(eq + 1));
    if (name == "opq_rounds")
      rules.opq_rounds = static_cast<int>(value);
    else if (name == "opq_rows")
      rules.opq_rows = static_cast<int64_t>(value);
    else if (name == "pq_rows")
      rules.pq_rows = static_cast<int64_t>(value);
    else if (name == "opq_first")
      rules.opq_first_pq_iterations = static_cast<int>(value);
    else if (name == "pq_iterations")
      rules.pq_iterations = static_cast<int>(value);
    else if (name == "kmeans_iterations")
      rules.kmeans_iterations = static_cast<int>(value);
    else if (name == "min_improvement")
      rules.kmeans_min_improvement = value;
    else if (name == "two_level")
      rules.two_level_min_lists = static_cast<int64_t>(value);
    else
      throw std::runtime_error("unknown rule " + name);
    begin = end + 1;
  }
  return rules;
}

int rules(const std::string& folder, const std::string& key, int64_t train_rows,
          const std::string& rules_text) {
  const auto source = EmbeddingSource::open(folder);
  const auto rules = parse_rules(key, rules_text);
  std::printf(
      "rules %s: opq_rounds %d opq_rows %lld pq_rows %lld kmeans_iterations %d "
      "min_improvement %g two_level %lld opq_first %d pq_iterations %d\n",
      rules_text.c_str(), rules.opq_rounds, static_cast<long long>(rules.opq_rows),
      static_cast<long long>(rules.pq_rows), rules.kmeans_iterations, rules.kmeans_min_improvement,
      static_cast<long long>(rules.two_level_min_lists), rules.opq_first_pq_iterations,
      rules.pq_iterations);
  const double start = now_seconds();
  auto index = clipret::index::train_new_index(source, key, true, train_rows, 42, rules);
  const double trained = now_seconds();
  clipret::index::add_embeddings(index.get(), source, 0, source.rows(), {});
  const double added = now_seconds();
  const int64_t nq = std::min(kQueries, source.rows());
  std::vector<float> queries(nq * source.dim());
  source.read_rows_at(source.sample_ids(nq, 12345), queries.data());
  clipret::index::apply_index_param(index.get(), clipret::index::default_index_param(key));
  const std::string param =
      clipret::index::tune_index_param(index.get(), key, queries.data(), nq, {10.0, 20});
  const double tuned = now_seconds();
  const auto truth =
      clipret::index::exact_neighbors(source, queries.data(), nq, kRecallK, true, 1 << 16);
  std::vector<float> d(nq * kRecallK);
  std::vector<faiss::Index::idx_t> found(nq * kRecallK);
  index->search(nq, queries.data(), kRecallK, d.data(), found.data());
  const double recall = clipret::index::recall_at(std::vector<int64_t>(found.begin(), found.end()),
                                                  truth, nq, kRecallK, kRecallK);
  const auto latency =
      clipret::index::measure_latency(index.get(), queries.data(), nq, kLatencySearches, 30.0);
  std::printf(
      "RESULT %s %s: train %.1f s, add %.1f s, tune %.1f s (%s), recall@10 %.4f, "
      "median %.3f ms\n",
      key.c_str(), rules_text.c_str(), trained - start, added - trained, tuned - added,
      param.c_str(), recall, latency.median_ms);
  // Recall at fixed probes too: the tuned value follows the latency, which the machine's load
  // moves; these compare training rules alone.
  if (key.find("IVF") != std::string::npos) {
    for (const int nprobe : {16, 64, 256}) {
      std::string fixed = "nprobe=" + std::to_string(nprobe);
      if (key.find("_HNSW") != std::string::npos)
        fixed += ",efSearch=" + std::to_string(2 * nprobe);
      clipret::index::apply_index_param(index.get(), fixed);
      index->search(nq, queries.data(), kRecallK, d.data(), found.data());
      std::printf("RESULT %s %s: %s recall@10 %.4f\n", key.c_str(), rules_text.c_str(),
                  fixed.c_str(),
                  clipret::index::recall_at(std::vector<int64_t>(found.begin(), found.end()), truth,
                                            nq, kRecallK, kRecallK));
    }
  }
  return 0;
}

// faiss's own search defaults, as a freshly built index has them: nprobe 1, efSearch 16 (also
// of an HNSW coarse quantizer), no polysemous filtering.
void reset_to_faiss_defaults(faiss::Index* index) {
  faiss::Index* inner = index;
  while (auto* pre = dynamic_cast<faiss::IndexPreTransform*>(inner)) inner = pre->index;
  if (auto* hnsw = dynamic_cast<faiss::IndexHNSW*>(inner)) hnsw->hnsw.efSearch = 16;
  if (auto* ivf = dynamic_cast<faiss::IndexIVF*>(inner)) {
    ivf->nprobe = 1;
    if (auto* q = dynamic_cast<faiss::IndexHNSW*>(ivf->quantizer)) q->hnsw.efSearch = 16;
  }
  if (auto* pq = dynamic_cast<faiss::IndexIVFPQ*>(inner)) pq->polysemous_ht = 0;
}

// INDEX@defaults is searched with faiss's defaults instead of its stored parameters (what the
// same index gives without tuning), INDEX@nprobe=64,efSearch=128 with those parameters.
int eval(const std::string& folder, const std::vector<std::string>& paths) {
  const auto source = EmbeddingSource::open(folder);
  const int64_t nq = std::min(kQueries, source.rows());
  std::vector<float> queries(nq * source.dim());
  source.read_rows_at(source.sample_ids(nq, 12345), queries.data());
  const double t0 = now_seconds();
  const auto truth =
      clipret::index::exact_neighbors(source, queries.data(), nq, kRecallK, true, 1 << 16);
  std::printf("exact search of %lld queries: %.1f s\n", static_cast<long long>(nq),
              now_seconds() - t0);
  for (const auto& arg : paths) {
    const size_t at = arg.rfind('@');
    const std::string path = arg.substr(0, at);
    const std::string params = at == std::string::npos ? "" : arg.substr(at + 1);
    std::unique_ptr<faiss::Index> index(faiss::read_index(path.c_str()));
    if (params == "defaults") {
      reset_to_faiss_defaults(index.get());
    } else if (!params.empty()) {
      faiss::ParameterSpace().set_index_parameters(index.get(), params.c_str());
    }
    std::vector<float> d(nq * kRecallK);
    std::vector<faiss::Index::idx_t> found(nq * kRecallK);
    index->search(nq, queries.data(), kRecallK, d.data(), found.data());
    const double recall = clipret::index::recall_at(
        std::vector<int64_t>(found.begin(), found.end()), truth, nq, kRecallK, kRecallK);
    const auto latency =
        clipret::index::measure_latency(index.get(), queries.data(), nq, kLatencySearches, 30.0);
    std::printf("%s: recall@10 %.4f, single query median %.3f ms, mean %.3f ms, p99 %.3f ms\n",
                arg.c_str(), recall, latency.median_ms, latency.mean_ms, latency.p99_ms);
  }
  return 0;
}

int autofaiss_key(int64_t rows, int64_t dim, const std::string& budget) {
  clipret::index::SelectionInput in;
  in.vectors = rows;
  in.dim = dim;
  in.max_index_bytes = clipret::index::parse_memory_string(budget, "max_index_memory_usage");
  in.measured_replacements = false;
  const auto keys = clipret::index::select_index_keys(in);
  if (keys.empty()) return 1;
  std::printf("%s\n", keys.front().c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
#ifndef NDEBUG
  std::fprintf(stderr, "refusing to benchmark a build with assertions\n");
  return 1;
#endif
  const std::vector<std::string> a(argv + 1, argv + argc);
  // The settings of `clip-retrieval index` (and of the back, which serves the index), so both
  // indices are searched alike by eval. The peer is bench/index_peer.cpp.
  clipret::index::set_faiss_threads(
      static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  if (a.size() == 5 && a[0] == "gen")
    return gen(a[1], std::stoll(a[2]), std::stoll(a[3]), std::stoi(a[4]));
  if (a.size() == 4 && a[0] == "kmeans") return kmeans(a[1], std::stoll(a[2]), std::stoll(a[3]));
  if (a.size() == 5 && a[0] == "rules") return rules(a[1], a[2], std::stoll(a[3]), a[4]);
  if (a.size() == 4 && a[0] == "autofaiss-key")
    return autofaiss_key(std::stoll(a[1]), std::stoll(a[2]), a[3]);
  if (a.size() >= 3 && a[0] == "eval") return eval(a[1], {a.begin() + 2, a.end()});
  std::fprintf(
      stderr,
      "usage: index_bench gen|kmeans|rules|autofaiss-key|eval ... (see bench/index_bench.cpp)\n");
  return 2;
}
