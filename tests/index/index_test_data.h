// tests/index/index_test_data.h: clustered synthetic embeddings and brute-force neighbours.
//
// Rows are cluster centres plus noise in a low-dimensional space, mapped linearly into `dim`
// dimensions and L2-normalised, like CLIP embeddings (which lie near a low-dimensional
// manifold). Written as float16 .npy files as inference writes them; the truth is computed
// here by brute force in double precision over the float16-rounded values the index reads.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "core/float16.h"
#include "core/npy_header.h"
#include "core/npy_writer.h"

namespace clipret::testing {

struct Embeddings {
  int64_t rows = 0;
  int64_t dim = 0;
  std::vector<float> values;  // rows x dim, float16-rounded
  const float* row(int64_t r) const { return values.data() + r * dim; }
};

inline Embeddings clustered_embeddings(int64_t rows, int64_t dim, uint64_t seed = 7,
                                       int64_t clusters = 40, int64_t latent_dim = 8,
                                       double noise = 0.35) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::vector<double> map(static_cast<size_t>(latent_dim * dim));
  for (auto& v : map) v = normal(rng);
  std::vector<double> centres(static_cast<size_t>(clusters * latent_dim));
  for (auto& v : centres) v = normal(rng);
  std::uniform_int_distribution<int64_t> pick(0, clusters - 1);
  Embeddings e{rows, dim, std::vector<float>(static_cast<size_t>(rows * dim))};
  std::vector<double> z(static_cast<size_t>(latent_dim));
  std::vector<double> x(static_cast<size_t>(dim));
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t c = pick(rng);
    for (int64_t j = 0; j < latent_dim; ++j)
      z[j] = centres[c * latent_dim + j] + noise * normal(rng);
    double norm = 0;
    for (int64_t i = 0; i < dim; ++i) {
      x[i] = 0;
      for (int64_t j = 0; j < latent_dim; ++j) x[i] += z[j] * map[j * dim + i];
      norm += x[i] * x[i];
    }
    for (int64_t i = 0; i < dim; ++i) {
      const auto value = static_cast<float>(x[i] / std::sqrt(norm));
      e.values[r * dim + i] = core::float16_to_float32(core::float32_to_float16(value));
    }
  }
  return e;
}

// Writes rows [begin, end) as a float16 .npy file.
inline void write_float16_npy(const std::string& path, const Embeddings& e, int64_t begin,
                              int64_t end) {
  std::vector<uint16_t> half(static_cast<size_t>((end - begin) * e.dim));
  core::float32_to_float16(e.row(begin), half.size(), half.data());
  core::write_npy(path, core::NpyDtype::kFloat16,
                  {static_cast<uint64_t>(end - begin), static_cast<uint64_t>(e.dim)}, half.data());
}

// Splits the rows over `files` files img_emb_<i>.npy in `folder` (created).
inline void write_embedding_files(const std::string& folder, const Embeddings& e, int files,
                                  const std::string& prefix = "img_emb") {
  std::filesystem::create_directories(folder);
  for (int f = 0; f < files; ++f) {
    const int64_t begin = e.rows * f / files;
    const int64_t end = e.rows * (f + 1) / files;
    write_float16_npy(folder + "/" + prefix + "_" + std::to_string(f) + ".npy", e, begin, end);
  }
}

// Exact top-k ids of row `query` by inner product (ties broken by the smaller id).
inline std::vector<int64_t> brute_force_top_k(const Embeddings& e, const float* query, int64_t k) {
  std::vector<std::pair<double, int64_t>> scored(static_cast<size_t>(e.rows));
  for (int64_t r = 0; r < e.rows; ++r) {
    double s = 0;
    for (int64_t i = 0; i < e.dim; ++i) s += static_cast<double>(query[i]) * e.row(r)[i];
    scored[r] = {-s, r};
  }
  std::partial_sort(scored.begin(), scored.begin() + k, scored.end());
  std::vector<int64_t> ids;
  for (int64_t i = 0; i < k; ++i) ids.push_back(scored[i].second);
  return ids;
}

}  // namespace clipret::testing
