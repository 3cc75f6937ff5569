// index/row_sample.h: uniform random subsets of a block of rows (training samples).
#pragma once

#include <cstdint>
#include <vector>

namespace clipret::index {

// `count` of the n rows of `x` (d floats each), chosen uniformly at random without
// replacement (a partial Fisher-Yates shuffle seeded with `seed`), copied in their drawn order.
std::vector<float> random_rows(const float* x, int64_t n, int64_t d, int64_t count, uint64_t seed);

}  // namespace clipret::index
