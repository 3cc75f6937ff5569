#include "model/cpu/int8_quantize.h"

#include <algorithm>
#include <cmath>

namespace clipret::model::cpu {
namespace {

constexpr float kActivationLevels = 255.0f;

}  // namespace

void quantize_weight_rows(const float* w, size_t out, size_t in, int weight_max, int8_t* q,
                          float* scale, int32_t* row_sum) {
  const auto level = static_cast<float>(weight_max);
  for (size_t j = 0; j < out; ++j) {
    const float* row = w + j * in;
    int8_t* dst = q + j * in;
    float top = 0.0f;
    for (size_t p = 0; p < in; ++p) top = std::max(top, std::fabs(row[p]));
    scale[j] = top / level;
    const float inverse = top > 0.0f ? level / top : 0.0f;
    int32_t sum = 0;
    for (size_t p = 0; p < in; ++p) {
      const float v = std::clamp(std::nearbyint(row[p] * inverse), -level, level);
      dst[p] = static_cast<int8_t>(v);
      sum += dst[p];
    }
    row_sum[j] = sum;
  }
}

ActivationRange activation_range(float lowest, float highest) {
  const float low = std::min(0.0f, lowest), high = std::max(0.0f, highest);
  const float span = high - low;
  if (!(span > 0.0f)) return {0.0f, 0.0f, 0};
  const float inverse = kActivationLevels / span;
  const float zero = std::clamp(std::nearbyint(-low * inverse), 0.0f, kActivationLevels);
  return {span / kActivationLevels, inverse, static_cast<int32_t>(zero)};
}

void quantize_activation_rows(const float* a, size_t m, size_t k, size_t lda, uint8_t* q,
                              size_t ldq, float* scale, int32_t* zero) {
  for (size_t i = 0; i < m; ++i) {
    const float* row = a + i * lda;
    uint8_t* dst = q + i * ldq;
    float lowest = 0.0f, highest = 0.0f;
    for (size_t p = 0; p < k; ++p) {
      lowest = std::min(lowest, row[p]);
      highest = std::max(highest, row[p]);
    }
    const ActivationRange range = activation_range(lowest, highest);
    scale[i] = range.scale;
    zero[i] = range.zero;
    const auto offset = static_cast<float>(range.zero);
    for (size_t p = 0; p < k; ++p) {
      const float v = std::nearbyint(row[p] * range.inverse) + offset;
      dst[p] = static_cast<uint8_t>(std::clamp(v, 0.0f, kActivationLevels));
    }
  }
}

size_t packed_int8_size(size_t n, size_t k, size_t group) {
  return (n + group - 1) / group * group * ((k + 3) / 4 * 4);
}

void pack_int8_weight(const int8_t* q, size_t n, size_t k, size_t group, int8_t* packed) {
  const size_t steps = (k + 3) / 4;
  const size_t groups = (n + group - 1) / group;
  for (size_t g = 0; g < groups; ++g) {
    for (size_t p = 0; p < steps; ++p) {
      int8_t* vector = packed + (g * steps + p) * 4 * group;
      for (size_t c = 0; c < group; ++c) {
        for (size_t b = 0; b < 4; ++b) {
          const size_t row = group * g + c, column = 4 * p + b;
          vector[c * 4 + b] = row < n && column < k ? q[row * k + column] : int8_t{0};
        }
      }
    }
  }
}

}  // namespace clipret::model::cpu
