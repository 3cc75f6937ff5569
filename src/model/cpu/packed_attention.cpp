#include "model/cpu/packed_attention.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "model/cpu/softmax.h"

namespace clipret::model::cpu {

void attend_one_head(const float* qkv, size_t heads, size_t head_dim, size_t start, size_t seq,
                     size_t head, float* out) {
  const size_t width = heads * head_dim;
  const size_t ld = 3 * width;
  const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
  const float* q = qkv + start * ld + head * head_dim;
  const float* k = q + width;
  const float* v = q + 2 * width;
  float* o = out + start * width + head * head_dim;

  thread_local std::vector<float> scratch;
  scratch.resize(seq * head_dim + seq * seq);
  // K transposed (head_dim x seq), so each row of scores is a sum of scaled K rows over the
  // head's dimensions: loops over keys vectorise without reassociating a dot product.
  float* kt = scratch.data();
  float* scores = kt + seq * head_dim;
  for (size_t j = 0; j < seq; ++j) {
    for (size_t d = 0; d < head_dim; ++d) kt[d * seq + j] = k[j * ld + d];
  }
  for (size_t i = 0; i < seq; ++i) {
    float* row = scores + i * seq;
    std::fill(row, row + seq, 0.0f);
    const float* qi = q + i * ld;
    for (size_t d = 0; d < head_dim; ++d) {
      const float qd = qi[d] * scale;
      const float* kd = kt + d * seq;
      for (size_t j = 0; j < seq; ++j) row[j] += qd * kd[j];
    }
    softmax_in_place(row, seq);
    float* oi = o + i * width;
    std::fill(oi, oi + head_dim, 0.0f);
    for (size_t j = 0; j < seq; ++j) {
      const float p = row[j];
      const float* vj = v + j * ld;
      for (size_t d = 0; d < head_dim; ++d) oi[d] += p * vj[d];
    }
  }
}

}  // namespace clipret::model::cpu
