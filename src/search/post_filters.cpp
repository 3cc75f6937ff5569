#include "search/post_filters.h"

#include <faiss/IndexFlat.h>
#include <faiss/impl/AuxIndexStructures.h>

#include <cmath>
#include <vector>

#include "core/error.h"
#include "core/npy_reader.h"

namespace clipret::search {

std::vector<size_t> duplicate_positions(const float* vectors, size_t n, size_t dim,
                                        float threshold) {
  if (n < 2) return {};
  // Same computation as the original: a flat inner-product index over the results and a range
  // search of every result (self included) with radius `threshold` (faiss keeps scores >
  // radius for inner products).
  faiss::IndexFlatIP index(static_cast<faiss::Index::idx_t>(dim));
  index.add(static_cast<faiss::Index::idx_t>(n), vectors);
  faiss::RangeSearchResult neighbours(static_cast<faiss::Index::idx_t>(n));
  index.range_search(static_cast<faiss::Index::idx_t>(n), vectors, threshold, &neighbours);

  // Components in rank order: the first unseen position starts a component, and it is the one
  // kept (the original's connected_components keeps g[0]).
  std::vector<char> seen(n, 0);
  std::vector<size_t> dropped;
  std::vector<size_t> stack;
  for (size_t start = 0; start < n; ++start) {
    if (seen[start]) continue;
    seen[start] = 1;
    stack.assign(1, start);
    while (!stack.empty()) {
      const size_t node = stack.back();
      stack.pop_back();
      if (node != start) dropped.push_back(node);
      for (size_t j = neighbours.lims[node]; j < neighbours.lims[node + 1]; ++j) {
        const auto other = static_cast<size_t>(neighbours.labels[j]);
        if (other < n && !seen[other]) {
          seen[other] = 1;
          stack.push_back(other);
        }
      }
    }
  }
  return dropped;
}

ViolencePrompts load_violence_prompts(const std::string& path) {
  const core::NpyReader npy = core::NpyReader::open(path);
  CLIPRET_CHECK(npy.shape().size() == 2 && npy.rows() >= 2, InvalidInput,
                "%s: the violence prompts must be a matrix of at least 2 rows (prompts x dim)",
                path.c_str());
  ViolencePrompts prompts;
  prompts.prompts = npy.rows();
  prompts.dim = npy.row_elements();
  prompts.matrix.resize(prompts.prompts * prompts.dim);
  npy.read_rows_f32(0, npy.rows(), prompts.matrix.data());
  return prompts;
}

std::vector<size_t> violent_positions(const float* vectors, size_t n, size_t dim,
                                      const ViolencePrompts& prompts) {
  CLIPRET_CHECK(prompts.dim == dim, InvalidInput,
                "the violence prompts have dimension %zu but the index vectors %zu", prompts.dim,
                dim);
  std::vector<size_t> dropped;
  for (size_t r = 0; r < n; ++r) {
    size_t best = 0;
    float best_score = -INFINITY;
    for (size_t p = 0; p < prompts.prompts; ++p) {
      float score = 0;
      const float* prompt = prompts.matrix.data() + p * dim;
      for (size_t j = 0; j < dim; ++j) score += vectors[r * dim + j] * prompt[j];
      if (score > best_score) {
        best_score = score;
        best = p;
      }
    }
    if (best == 1) dropped.push_back(r);
  }
  return dropped;
}

}  // namespace clipret::search
