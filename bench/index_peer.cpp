// bench/index_peer.cpp: the peer of bench/index_bench.sh — a key built by plain faiss 1.7.3 as
// Debian ships it: every row in RAM as float32, index->train on the first TRAIN_ROWS rows with
// faiss's own training defaults, index->add, default search parameters (no tuning), faiss's
// default threads (OpenMP and OpenBLAS on every core), polysemous training off.
//   index_peer FOLDER KEY TRAIN_ROWS OUT
// Its own binary, apart from index_bench: it must not link index/faiss_distance_overrides.cpp
// (nothing here references index/faiss_index.cpp, which pulls it in), so faiss runs its own
// distance functions (the baseline build's scalar loops; `nm index_peer` shows no
// faiss_distance_kernels_isa).
#include <faiss/IndexIVFPQ.h>
#include <faiss/IndexPreTransform.h>
#include <faiss/index_factory.h>
#include <faiss/index_io.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "index/embedding_source.h"

namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

int peer(const std::string& folder, const std::string& key, int64_t train_rows,
         const std::string& out) {
  const double start = now_seconds();
  const auto source = clipret::index::EmbeddingSource::open(folder);
  std::vector<float> all(source.rows() * source.dim());
  source.read_rows(0, source.rows(), all.data());
  std::unique_ptr<faiss::Index> index(
      faiss::index_factory(source.dim(), key.c_str(), faiss::METRIC_INNER_PRODUCT));
  faiss::Index* inner = index.get();
  while (auto* pre = dynamic_cast<faiss::IndexPreTransform*>(inner)) inner = pre->index;
  if (auto* pq = dynamic_cast<faiss::IndexIVFPQ*>(inner)) pq->do_polysemous_training = false;
  const double loaded = now_seconds();
  if (!index->is_trained) index->train(std::min(train_rows, source.rows()), all.data());
  const double trained = now_seconds();
  index->add(source.rows(), all.data());
  const double added = now_seconds();
  faiss::write_index(index.get(), out.c_str());
  std::printf("peer %s: load %.1f s, train %.1f s, add %.1f s, total %.1f s\n", key.c_str(),
              loaded - start, trained - loaded, added - trained, now_seconds() - start);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
#ifndef NDEBUG
  std::fprintf(stderr, "refusing to benchmark a build with assertions\n");
  return 1;
#endif
  if (argc != 5) {
    std::fprintf(stderr, "usage: index_peer FOLDER KEY TRAIN_ROWS OUT\n");
    return 2;
  }
  return peer(argv[1], argv[2], std::stoll(argv[3]), argv[4]);
}
