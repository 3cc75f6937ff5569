// bench/make_back_bench_index.cpp: an index folder for benchmarking `back` (bench/back_bench.sh):
// N random unit vectors of dimension D in image.index (faiss, inner product) and N metadata rows
// (url, caption, image_path) in metadata/metadata_<k>.parquet.
//
//   build-bench/bench/make_back_bench_index FOLDER [N=1000000] [D=512] [KEY=IVF1024,PQ64x8]
//       [NPROBE=16]
//
// Random vectors on the sphere are the worst case for IVF recall, not for speed: the timings
// are what this folder is for. Vectors are generated and added in chunks (2 GB for 1M x 512 is
// never held at once); the index is trained on the first 64k.
#include <faiss/IndexIVF.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/index_factory.h>
#include <faiss/index_io.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "parquet/parquet_writer.h"

namespace {

std::vector<float> random_unit_rows(size_t n, size_t dim, std::mt19937_64& rng) {
  std::normal_distribution<float> gauss;
  std::vector<float> v(n * dim);
  for (float& x : v) x = gauss(rng);
  for (size_t r = 0; r < n; ++r) {
    double s = 0;
    for (size_t j = 0; j < dim; ++j) s += double(v[r * dim + j]) * v[r * dim + j];
    const float scale = static_cast<float>(1 / std::sqrt(s));
    for (size_t j = 0; j < dim; ++j) v[r * dim + j] *= scale;
  }
  return v;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FOLDER [N] [D] [KEY] [NPROBE]\n", argv[0]);
    return 2;
  }
  const std::string folder = argv[1];
  const size_t n = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1000000;
  const size_t dim = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 512;
  const std::string key = argc > 4 ? argv[4] : "IVF1024,PQ64x8";
  const size_t nprobe = argc > 5 ? std::strtoull(argv[5], nullptr, 10) : 16;
  namespace fs = std::filesystem;
  fs::create_directories(fs::path(folder) / "metadata");
  std::mt19937_64 rng(42);

  const auto start = std::chrono::steady_clock::now();
  std::unique_ptr<faiss::Index> index(
      faiss::index_factory(static_cast<int>(dim), key.c_str(), faiss::METRIC_INNER_PRODUCT));
  if (auto* pq = dynamic_cast<faiss::IndexIVFPQ*>(index.get())) {
    pq->do_polysemous_training = false;  // as autofaiss; polysemous training is very slow here
  }
  const size_t train_rows = std::min<size_t>(n, 65536);
  {
    const std::vector<float> train = random_unit_rows(train_rows, dim, rng);
    index->train(static_cast<faiss::Index::idx_t>(train_rows), train.data());
  }
  std::fprintf(stderr, "trained %s on %zu vectors in %.1f s\n", key.c_str(), train_rows,
               seconds_since(start));
  const size_t chunk = 100000;
  for (size_t begin = 0; begin < n; begin += chunk) {
    const size_t rows = std::min(chunk, n - begin);
    const std::vector<float> v = random_unit_rows(rows, dim, rng);
    index->add(static_cast<faiss::Index::idx_t>(rows), v.data());
    std::fprintf(stderr, "added %zu / %zu (%.1f s)\n", begin + rows, n, seconds_since(start));
  }
  if (auto* ivf = dynamic_cast<faiss::IndexIVF*>(index.get())) ivf->nprobe = nprobe;
  faiss::write_index(index.get(), (fs::path(folder) / "image.index").c_str());

  // Metadata, 250k rows per file (the file boundaries exercise the global row numbering).
  using namespace clipret::parquet;
  const Schema schema = {{"url", string_type(), false},
                         {"caption", string_type(), true},
                         {"image_path", string_type(), false}};
  const size_t per_file = 250000;
  for (size_t file = 0; file * per_file < n; ++file) {
    Table table(schema);
    const size_t end = std::min(n, (file + 1) * per_file);
    for (size_t r = file * per_file; r < end; ++r) {
      const std::string id = std::to_string(r);
      table.column(0).append_bytes("https://images.example.com/photos/" + id + ".jpg");
      table.column(1).append_bytes("a photo of item " + id + " taken outdoors on a sunny day");
      table.column(2).append_bytes("/nonexistent/images/" + id + ".jpg");
    }
    write_parquet_file((fs::path(folder) / "metadata" /
                        ("metadata_" + std::to_string(file) + ".parquet"))
                           .string(),
                       table);
  }
  std::fprintf(stderr, "wrote %s: %zu vectors, %zu metadata rows (%.1f s)\n", folder.c_str(), n, n,
               seconds_since(start));
  return 0;
}
