#include "index/row_sample.h"

#include <algorithm>
#include <numeric>
#include <random>

#include "core/error.h"

namespace clipret::index {

std::vector<float> random_rows(const float* x, int64_t n, int64_t d, int64_t count, uint64_t seed) {
  CLIPRET_CHECK(count >= 0 && count <= n, Internal, "random_rows: %lld of %lld rows",
                static_cast<long long>(count), static_cast<long long>(n));
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), int64_t{0});
  std::mt19937_64 rng(seed);
  for (int64_t i = 0; i < count; ++i) {
    std::uniform_int_distribution<int64_t> pick(i, n - 1);
    std::swap(order[static_cast<size_t>(i)], order[static_cast<size_t>(pick(rng))]);
  }
  std::vector<float> rows(static_cast<size_t>(count * d));
  for (int64_t i = 0; i < count; ++i) std::copy_n(x + order[i] * d, d, rows.data() + i * d);
  return rows;
}

}  // namespace clipret::index
