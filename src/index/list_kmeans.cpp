#include "index/list_kmeans.h"

#include <faiss/Clustering.h>
#include <faiss/IndexFlat.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "core/error.h"
#include "core/log.h"
#include "core/progress_bar.h"
#include "index/row_sample.h"

namespace clipret::index {

namespace {

// faiss's Clustering trains on at most this many points per centroid (it subsamples above).
constexpr int64_t kFaissMaxPointsPerCentroid = 256;

faiss::ClusteringParameters one_iteration(const ListKmeansOptions& options) {
  faiss::ClusteringParameters cp;
  cp.niter = 1;
  cp.spherical = options.spherical;
  cp.seed = options.seed;
  // The caller sampled the rows already (100 per list at most): no second subsampling, and
  // faiss's "please provide at least 39 points" warning is left to the memory plan's rule.
  cp.max_points_per_centroid = 1 << 30;
  cp.min_points_per_centroid = 1;
  return cp;
}

// One k-means of `k` centroids, iteration by iteration; `on_iteration` is told after each one.
template <typename OnIteration>
std::vector<float> run_kmeans(const float* x, int64_t n, int64_t d, int64_t k,
                              const ListKmeansOptions& options, OnIteration on_iteration) {
  faiss::Clustering clustering(static_cast<int>(d), static_cast<int>(k), one_iteration(options));
  faiss::IndexFlatL2 assigner(d);
  double previous = HUGE_VAL;
  for (int iteration = 0; iteration < options.max_iterations; ++iteration) {
    // With centroids from the last call, faiss's Clustering continues from them.
    clustering.train(n, x, assigner);
    const double objective = clustering.iteration_stats.back().obj;
    on_iteration(iteration, objective);
    const bool converged = previous < HUGE_VAL && previous > 0 &&
                           (previous - objective) / previous < options.min_improvement;
    previous = objective;
    if (converged) break;
  }
  return std::move(clustering.centroids);
}

// Shares of `k` for groups of the given sizes, proportional to them (largest remainders), each
// at most its size and at least 1 for a non-empty group.
std::vector<int64_t> split_lists(const std::vector<int64_t>& sizes, int64_t k) {
  const int64_t n = std::accumulate(sizes.begin(), sizes.end(), int64_t{0});
  std::vector<int64_t> shares(sizes.size());
  std::vector<std::pair<double, size_t>> remainders;
  int64_t given = 0;
  for (size_t g = 0; g < sizes.size(); ++g) {
    if (sizes[g] == 0) continue;
    const double exact = static_cast<double>(k) * static_cast<double>(sizes[g]) / n;
    shares[g] = std::clamp<int64_t>(static_cast<int64_t>(exact), 1, sizes[g]);
    given += shares[g];
    remainders.push_back({exact - static_cast<double>(shares[g]), g});
  }
  std::sort(remainders.begin(), remainders.end(), std::greater<>());
  // Hand out (or take back) the difference, largest remainders first, within each group's size.
  while (given != k) {
    bool moved = false;
    for (const auto& [remainder, g] : remainders) {
      if (given < k && shares[g] < sizes[g]) {
        ++shares[g];
        ++given;
        moved = true;
      } else if (given > k && shares[g] > 1) {
        --shares[g];
        --given;
        moved = true;
      }
      if (given == k) break;
    }
    CLIPRET_CHECK(moved, Internal, "k-means: cannot split %lld lists over %lld rows",
                  static_cast<long long>(k), static_cast<long long>(n));
  }
  return shares;
}

// Work counted in millions of distances, rounded (a bar of billions reads badly).
uint64_t millions(int64_t distances) {
  return static_cast<uint64_t>((distances + 500000) / 1000000);
}

std::vector<float> flat_kmeans(const float* x, int64_t n, int64_t d, int64_t k,
                               const ListKmeansOptions& options) {
  core::ProgressBar bar({.label = "k-means of " + std::to_string(k) + " lists",
                         .unit = "iterations",
                         .total = static_cast<uint64_t>(options.max_iterations),
                         .enabled = options.show_progress});
  auto centroids = run_kmeans(x, n, d, k, options, [&](int iteration, double objective) {
    CLIPRET_LOG_DEBUG("k-means iteration %d: objective %.6g", iteration, objective);
    bar.add(1);
  });
  bar.finish();
  return centroids;
}

std::vector<float> two_level_kmeans(const float* x, int64_t n, int64_t d, int64_t k,
                                    const ListKmeansOptions& options) {
  const auto groups = std::max<int64_t>(1, std::llround(std::sqrt(static_cast<double>(k))));
  // The first level has only sqrt(k) centroids: as faiss would, it trains on 256 rows per
  // centroid, then every row is assigned to a group once.
  const int64_t first_rows = std::min(n, groups * kFaissMaxPointsPerCentroid);
  // Progress counts distance computations, in millions: the first level's iterations and its
  // one assignment of all rows, then each group's rows times its lists.
  const auto first_level_work = millions(first_rows * groups * options.max_iterations + n * groups);
  const auto second_level_work = millions(n * (k / groups) * options.max_iterations);
  core::ProgressBar bar({.label = "k-means of " + std::to_string(k) + " lists (2 levels)",
                         .unit = "M distances",
                         .total = first_level_work + second_level_work,
                         .enabled = options.show_progress});
  std::vector<float> coarse;
  {
    std::vector<float> sample;
    const float* first_x = x;
    if (first_rows < n) {
      sample = random_rows(x, n, d, first_rows, static_cast<uint64_t>(options.seed));
      first_x = sample.data();
    }
    coarse = run_kmeans(first_x, first_rows, d, groups, options,
                        [&](int, double) { bar.add(millions(first_rows * groups)); });
  }
  std::vector<faiss::Index::idx_t> group_of(static_cast<size_t>(n));
  {
    faiss::IndexFlatL2 assigner(d);
    assigner.add(groups, coarse.data());
    std::vector<float> distances(static_cast<size_t>(n));
    assigner.search(n, x, 1, distances.data(), group_of.data());
    bar.add(millions(n * groups));
  }
  std::vector<std::vector<int64_t>> members(static_cast<size_t>(groups));
  for (int64_t i = 0; i < n; ++i) members[static_cast<size_t>(group_of[i])].push_back(i);
  std::vector<int64_t> sizes(members.size());
  for (size_t g = 0; g < members.size(); ++g) sizes[g] = static_cast<int64_t>(members[g].size());
  const std::vector<int64_t> shares = split_lists(sizes, k);
  // The first level's bar estimate assumed equal groups; the real work is known now.
  uint64_t work = bar.count();
  for (size_t g = 0; g < members.size(); ++g) {
    work += millions(sizes[g] * shares[g] * options.max_iterations);
  }
  bar.set_total(work);

  std::vector<float> centroids;
  centroids.reserve(static_cast<size_t>(k * d));
  std::vector<float> rows;
  for (size_t g = 0; g < members.size(); ++g) {
    if (shares[g] == 0) continue;
    const int64_t m = sizes[g];
    rows.resize(static_cast<size_t>(m * d));
    for (int64_t i = 0; i < m; ++i) {
      std::copy_n(x + members[g][i] * d, d, rows.data() + i * d);
    }
    int iterations = 0;
    std::vector<float> part;
    if (shares[g] == m) {
      part = rows;  // one list per row
    } else {
      part = run_kmeans(rows.data(), m, d, shares[g], options, [&](int, double) {
        ++iterations;
        bar.add(millions(m * shares[g]));
      });
    }
    // A group that converged early is done: count the iterations it did not need.
    bar.add(millions(m * shares[g] * (options.max_iterations - iterations)));
    centroids.insert(centroids.end(), part.begin(), part.end());
  }
  bar.set_total(bar.count());  // per-group rounding to millions: end at exactly 100 %
  bar.finish();
  return centroids;
}

}  // namespace

std::vector<float> train_list_centroids(const float* x, int64_t n, int64_t d, int64_t k,
                                        const ListKmeansOptions& options) {
  CLIPRET_CHECK(n >= k && k > 0, InvalidInput,
                "k-means of %lld lists needs at least as many training vectors, got %lld",
                static_cast<long long>(k), static_cast<long long>(n));
  CLIPRET_CHECK(options.max_iterations > 0, Internal, "k-means: no iterations");
  if (options.two_level && k >= 4) return two_level_kmeans(x, n, d, k, options);
  return flat_kmeans(x, n, d, k, options);
}

}  // namespace clipret::index
