#include "core/l2_normalize.h"

#include <cmath>

namespace clipret::core {

void l2_normalize_rows(float* rows, size_t n, size_t dim) {
  for (size_t r = 0; r < n; ++r) {
    float* row = rows + r * dim;
    double sum = 0;
    for (size_t j = 0; j < dim; ++j) sum += static_cast<double>(row[j]) * row[j];
    if (sum <= 0) continue;
    const float scale = static_cast<float>(1.0 / std::sqrt(sum));
    for (size_t j = 0; j < dim; ++j) row[j] *= scale;
  }
}

}  // namespace clipret::core
