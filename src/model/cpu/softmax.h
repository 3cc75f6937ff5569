// model/cpu/softmax.h: the attention rows' softmax, shared by both attention paths of the CPU
// backend so that they round alike.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace clipret::model::cpu {

// row[j] = exp(row[j] - max) / sum over j < count, in place.
inline void softmax_in_place(float* row, size_t count) {
  const float max = *std::max_element(row, row + count);
  float sum = 0.0f;
  for (size_t j = 0; j < count; ++j) {
    row[j] = std::exp(row[j] - max);
    sum += row[j];
  }
  const float inv = 1.0f / sum;
  for (size_t j = 0; j < count; ++j) row[j] *= inv;
}

}  // namespace clipret::model::cpu
