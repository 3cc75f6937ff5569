// index/list_kmeans.h: the k-means of an IVF's lists, one iteration at a time (a progress bar
// with an estimate, and a stop once the objective no longer improves), flat or in two levels.
#pragma once

#include <cstdint>
#include <vector>

namespace clipret::index {

struct ListKmeansOptions {
  int max_iterations = 10;
  double min_improvement = 0.0;  // stop when an iteration improves the objective by less
  // Two levels: round(sqrt(k)) groups first, then each group's points split into its share of
  // the k lists (proportional to its size). The first level trains on 256 rows per group (as
  // faiss subsamples) and assigns every row once; each second-level iteration costs
  // n * sqrt(k) distances instead of n * k: 128x fewer at 16,384 lists.
  bool two_level = false;
  bool spherical = false;  // inner product: centroids normalised, as IndexIVF does for it
  int seed = 1234;         // faiss's ClusteringParameters default
  bool show_progress = true;
};

// k centroids (k x d, row-major) of the n x d rows `x`, by faiss's Clustering with an L2
// assigner (with spherical centroids, L2 and inner-product assignment agree). Needs n >= k.
std::vector<float> train_list_centroids(const float* x, int64_t n, int64_t d, int64_t k,
                                        const ListKmeansOptions& options);

}  // namespace clipret::index
