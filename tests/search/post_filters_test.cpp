#include "search/post_filters.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>

#include "core/error.h"
#include "core/l2_normalize.h"
#include "core/npy_writer.h"
#include "test_util.h"

namespace clipret::search {
namespace {

std::vector<float> random_unit_rows(size_t n, size_t dim, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> gauss;
  std::vector<float> v(n * dim);
  for (float& x : v) x = gauss(rng);
  core::l2_normalize_rows(v.data(), n, dim);
  return v;
}

double dot(const float* a, const float* b, size_t dim) {
  double s = 0;
  for (size_t j = 0; j < dim; ++j) s += double(a[j]) * b[j];
  return s;
}

TEST(DuplicatePositions, KeepsTheBestRankedOfEachComponent) {
  const size_t dim = 8;
  std::vector<float> v = random_unit_rows(6, dim, 7);
  // 3 ≈ 0, 5 ≈ 3 (a chain 0-3-5 even if 0 and 5 are further apart), 4 ≈ 1.
  auto copy_near = [&](size_t to, size_t from, float noise) {
    for (size_t j = 0; j < dim; ++j) v[to * dim + j] = v[from * dim + j] + (j == 0 ? noise : 0);
    core::l2_normalize_rows(v.data() + to * dim, 1, dim);
  };
  copy_near(3, 0, 0.2f);
  copy_near(5, 3, 0.2f);
  copy_near(4, 1, 0.05f);
  ASSERT_GT(dot(&v[0], &v[3 * dim], dim), 0.94);
  ASSERT_GT(dot(&v[3 * dim], &v[5 * dim], dim), 0.94);
  std::vector<size_t> dropped = duplicate_positions(v.data(), 6, dim);
  std::sort(dropped.begin(), dropped.end());
  EXPECT_EQ(dropped, (std::vector<size_t>{3, 4, 5}));
}

TEST(DuplicatePositions, MatchesBruteForceComponents) {
  const size_t n = 200;
  const size_t dim = 4;  // low dimension: many pairs above 0.94
  const std::vector<float> v = random_unit_rows(n, dim, 11);
  // Independent truth: union-find over all pairs with similarity > 0.94; keep each root's
  // smallest position.
  std::vector<size_t> parent(n);
  for (size_t i = 0; i < n; ++i) parent[i] = i;
  std::function<size_t(size_t)> find = [&](size_t x) {
    return parent[x] == x ? x : parent[x] = find(parent[x]);
  };
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) {
      if (dot(&v[i * dim], &v[j * dim], dim) > 0.94) parent[find(i)] = find(j);
    }
  }
  std::set<size_t> expected;
  std::set<size_t> seen_roots;
  for (size_t i = 0; i < n; ++i) {
    if (!seen_roots.insert(find(i)).second) expected.insert(i);
  }
  const std::vector<size_t> dropped = duplicate_positions(v.data(), n, dim);
  EXPECT_EQ(std::set<size_t>(dropped.begin(), dropped.end()), expected);
  EXPECT_FALSE(expected.empty());
}

TEST(ViolentPositions, DropsRowsWhoseBestPromptIsOne) {
  const size_t dim = 3;
  ViolencePrompts prompts;
  prompts.prompts = 3;
  prompts.dim = dim;
  prompts.matrix = {1, 0, 0, /*violent*/ 0, 1, 0, 0, 0, 1};
  const std::vector<float> rows = {0.9f, 0.1f, 0,      // prompt 0
                                   0.1f, 0.9f, 0,      // prompt 1
                                   0,    0.5f, 0.6f,   // prompt 2
                                   0,    0.7f, 0.6f};  // prompt 1
  EXPECT_EQ(violent_positions(rows.data(), 4, dim, prompts), (std::vector<size_t>{1, 3}));
}

TEST(ViolencePrompts, LoadsAMatrixAndRejectsOthers) {
  testing::TempDir dir;
  const std::vector<float> m = {1, 0, 0, 1};
  core::write_npy(dir.file("p.npy"), core::NpyDtype::kFloat32, {2, 2}, m.data());
  const ViolencePrompts prompts = load_violence_prompts(dir.file("p.npy"));
  EXPECT_EQ(prompts.prompts, 2u);
  EXPECT_EQ(prompts.matrix, m);
  core::write_npy(dir.file("v.npy"), core::NpyDtype::kFloat32, {4}, m.data());
  EXPECT_THROW(load_violence_prompts(dir.file("v.npy")), Error);
  EXPECT_THROW(load_violence_prompts(dir.file("missing.npy")), Error);
}

}  // namespace
}  // namespace clipret::search
