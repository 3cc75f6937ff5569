// bench/index_peer.cpp: the peer of bench/index_bench.sh — a key built by plain faiss 1.7.3 as
// Debian ships it: every row in RAM as float32, index->train on the first TRAIN_ROWS rows with
// faiss's own training defaults, index->add, default search parameters (no tuning), faiss's
// default threads (OpenMP and OpenBLAS on every core), polysemous training off.
//   index_peer FOLDER KEY TRAIN_ROWS OUT
// Its own binary, apart from index_bench, linked to faiss itself rather than `clipret_faiss`, so
// faiss runs its own distance functions (Debian's baseline build: scalar loops; `nm index_peer`
// shows no faiss_distance_kernels_isa). Rows are read with core's npy reader for that reason.
#include <faiss/IndexIVFPQ.h>
#include <faiss/IndexPreTransform.h>
#include <faiss/index_factory.h>
#include <faiss/index_io.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/npy_reader.h"

namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Every .npy under `folder` in sorted path order (as `clip-retrieval index` reads them), as
// float32 rows; sets *dim.
std::vector<float> read_all_rows(const std::string& folder, int64_t* dim) {
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(folder)) {
    if (entry.is_regular_file() && entry.path().extension() == ".npy") {
      paths.push_back(entry.path().string());
    }
  }
  std::sort(paths.begin(), paths.end());
  std::vector<float> rows;
  for (const auto& path : paths) {
    const auto file = clipret::core::NpyReader::open(path);
    *dim = static_cast<int64_t>(file.row_elements());
    const size_t at = rows.size();
    rows.resize(at + file.rows() * file.row_elements());
    file.read_rows_f32(0, file.rows(), rows.data() + at);
  }
  return rows;
}

int peer(const std::string& folder, const std::string& key, int64_t train_rows,
         const std::string& out) {
  const double start = now_seconds();
  int64_t dim = 0;
  const std::vector<float> all = read_all_rows(folder, &dim);
  const int64_t rows = dim > 0 ? static_cast<int64_t>(all.size()) / dim : 0;
  std::unique_ptr<faiss::Index> index(
      faiss::index_factory(dim, key.c_str(), faiss::METRIC_INNER_PRODUCT));
  faiss::Index* inner = index.get();
  while (auto* pre = dynamic_cast<faiss::IndexPreTransform*>(inner)) inner = pre->index;
  if (auto* pq = dynamic_cast<faiss::IndexIVFPQ*>(inner)) pq->do_polysemous_training = false;
  const double loaded = now_seconds();
  if (!index->is_trained) index->train(std::min(train_rows, rows), all.data());
  const double trained = now_seconds();
  index->add(rows, all.data());
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
