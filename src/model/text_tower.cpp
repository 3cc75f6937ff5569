#include "model/text_tower.h"

#include <algorithm>
#include <vector>

#include "core/error.h"
#include "model/transformer.h"

namespace clipret::model {

size_t text_pool_position(const int32_t* ids, size_t length) {
  return static_cast<size_t>(std::max_element(ids, ids + length) - ids);
}

void encode_texts(Backend& backend, const TextConfig& config, int64_t embed_dim,
                  const TextWeights& weights, const int32_t* ids, size_t n, bool truncate,
                  float* out) {
  if (n == 0) return;
  const size_t width = static_cast<size_t>(config.transformer.width);
  const size_t context = static_cast<size_t>(config.context_length);
  const size_t embed = static_cast<size_t>(embed_dim);

  std::vector<size_t> pool(n);
  size_t seq = truncate ? 1 : context;
  for (size_t b = 0; b < n; ++b) {
    const int32_t* row = ids + b * context;
    for (size_t t = 0; t < context; ++t) {
      CLIPRET_CHECK(row[t] >= 0 && row[t] < config.vocab_size, InvalidInput,
                    "text %zu: token id %d at position %zu is outside the vocabulary [0, %lld)", b,
                    row[t], t, static_cast<long long>(config.vocab_size));
    }
    pool[b] = text_pool_position(row, context);
    seq = std::max(seq, pool[b] + 1);
  }

  std::vector<int32_t> gather(n * seq);
  for (size_t b = 0; b < n; ++b) {
    std::copy(ids + b * context, ids + b * context + seq, gather.begin() + b * seq);
  }
  Buffer x = backend.alloc(n * seq * width);
  backend.gather_rows(weights.token_embedding.data(), static_cast<size_t>(config.vocab_size), width,
                      gather.data(), gather.size(), x.data());
  backend.add_broadcast(x.data(), n, seq * width, weights.position_embedding.data());

  run_transformer(backend, config.transformer, weights.layers, x.data(), n, seq, true);

  // ln_final is per row, so applying it after pooling equals applying it to every token.
  std::vector<int32_t> pooled_rows(n);
  for (size_t b = 0; b < n; ++b) pooled_rows[b] = static_cast<int32_t>(b * seq + pool[b]);
  Buffer pooled = backend.alloc(n * width);
  backend.gather_rows(x.data(), n * seq, width, pooled_rows.data(), n, pooled.data());
  backend.layer_norm(pooled.data(), n, width, weights.ln_final_weight.data(),
                     weights.ln_final_bias.data(), config.transformer.layer_norm_eps,
                     pooled.data());
  Buffer projected = backend.alloc(n * embed);
  linear(backend, pooled.data(), n, width, weights.projection, nullptr, embed, projected.data());
  backend.download(projected, 0, n * embed, out);
}

}  // namespace clipret::model
