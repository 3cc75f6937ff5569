#include "model/bert_encoder.h"

#include "core/error.h"
#include "model/transformer.h"

namespace clipret::model {

namespace {

void check_texts(const BertConfig& config, const int32_t* ids, const size_t* offsets, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    CLIPRET_CHECK(offsets[i + 1] > offsets[i], InvalidInput, "text %zu has no tokens", i);
    const size_t length = offsets[i + 1] - offsets[i];
    CLIPRET_CHECK(length <= static_cast<size_t>(config.max_tokens()), InvalidInput,
                  "text %zu has %zu tokens; the model takes at most %lld", i, length,
                  static_cast<long long>(config.max_tokens()));
    for (size_t t = offsets[i]; t < offsets[i + 1]; ++t) {
      CLIPRET_CHECK(ids[t] >= 0 && ids[t] < config.vocab_size, InvalidInput,
                    "text %zu: token id %d at position %zu is outside the vocabulary [0, %lld)", i,
                    ids[t], t - offsets[i], static_cast<long long>(config.vocab_size));
    }
  }
}

// Word + position (+ segment 0) embeddings, then the embedding LayerNorm, into x.
void embed_tokens(Backend& backend, const BertConfig& config, const BertWeights& weights,
                  const int32_t* ids, const size_t* offsets, size_t n, float* x) {
  const size_t width = static_cast<size_t>(config.transformer.width);
  const size_t total = offsets[n];
  backend.gather_rows(weights.word_embedding.data(), static_cast<size_t>(config.vocab_size), width,
                      ids, total, x);
  std::vector<int32_t> positions;
  positions.reserve(total);
  for (size_t i = 0; i < n; ++i) {
    const std::vector<int32_t> own =
        bert_position_ids(config, ids + offsets[i], offsets[i + 1] - offsets[i]);
    positions.insert(positions.end(), own.begin(), own.end());
  }
  Buffer position_rows = backend.alloc(total * width);
  backend.gather_rows(weights.position_embedding.data(), static_cast<size_t>(config.max_positions),
                      width, positions.data(), total, position_rows.data());
  backend.add_broadcast(x, 1, total * width, position_rows.data());
  if (!weights.token_type_embedding.empty()) {
    backend.add_broadcast(x, total, width, weights.token_type_embedding.data());
  }
  backend.layer_norm(x, total, width, weights.embed_ln_weight.data(), weights.embed_ln_bias.data(),
                     config.transformer.layer_norm_eps, x);
}

void run_post_ln_blocks(Backend& backend, const TransformerConfig& config,
                        const std::vector<LayerWeights>& layers, const size_t* offsets, size_t n,
                        float* x) {
  const size_t rows = offsets[n];
  const size_t width = static_cast<size_t>(config.width);
  const size_t mlp_width = static_cast<size_t>(config.mlp_width);
  const size_t heads = static_cast<size_t>(config.heads);
  Buffer qkv = backend.alloc(rows * 3 * width);
  Buffer attended = backend.alloc(rows * width);
  Buffer hidden = backend.alloc(rows * mlp_width);
  for (const LayerWeights& layer : layers) {
    linear(backend, x, rows, width, layer.qkv_weight, layer.qkv_bias.data(), 3 * width, qkv.data());
    backend.attention_packed(qkv.data(), offsets, n, heads, width / heads, attended.data());
    // x += attended W_out^T + b_out, then the LayerNorm of the sum (post-LN).
    backend.gemm_weight(rows, width, width, 1.0f, attended.data(), width, layer.out_weight, 1.0f, x,
                        width);
    backend.add_bias(x, rows, width, layer.out_bias.data());
    backend.layer_norm(x, rows, width, layer.ln1_weight.data(), layer.ln1_bias.data(),
                       config.layer_norm_eps, x);

    linear(backend, x, rows, width, layer.fc1_weight, layer.fc1_bias.data(), mlp_width,
           hidden.data());
    backend.activate(hidden.data(), rows * mlp_width, config.activation);
    backend.gemm_weight(rows, width, mlp_width, 1.0f, hidden.data(), mlp_width, layer.fc2_weight,
                        1.0f, x, width);
    backend.add_bias(x, rows, width, layer.fc2_bias.data());
    backend.layer_norm(x, rows, width, layer.ln2_weight.data(), layer.ln2_bias.data(),
                       config.layer_norm_eps, x);
  }
}

}  // namespace

std::vector<int32_t> bert_position_ids(const BertConfig& config, const int32_t* ids,
                                       size_t length) {
  std::vector<int32_t> positions(length);
  if (config.padding_idx < 0) {
    for (size_t t = 0; t < length; ++t) positions[t] = static_cast<int32_t>(t);
    return positions;
  }
  // transformers' create_position_ids_from_input_ids: cumsum(mask) * mask + padding_idx.
  const auto padding = static_cast<int32_t>(config.padding_idx);
  int32_t seen = 0;
  for (size_t t = 0; t < length; ++t) {
    if (ids[t] != padding) ++seen;
    positions[t] = ids[t] != padding ? padding + seen : padding;
  }
  return positions;
}

void encode_sentences(Backend& backend, const SentenceEncoderConfig& config,
                      const BertWeights& weights, const int32_t* ids, const size_t* offsets,
                      size_t n, float* out) {
  if (n == 0) return;
  const BertConfig& bert = config.bert;
  check_texts(bert, ids, offsets, n);
  const size_t width = static_cast<size_t>(bert.transformer.width);
  const size_t total = offsets[n];
  const size_t embed = static_cast<size_t>(config.embed_dim);

  Buffer x = backend.alloc(total * width);
  embed_tokens(backend, bert, weights, ids, offsets, n, x.data());
  run_post_ln_blocks(backend, bert.transformer, weights.layers, offsets, n, x.data());

  // Mean over each text's tokens as one product: pooled = P x, P[i][t] = 1 / length_i on the
  // text's own tokens (sentence-transformers' masked mean; every packed token is unmasked).
  std::vector<float> pooling(n * total, 0.0f);
  for (size_t i = 0; i < n; ++i) {
    const float weight = 1.0f / static_cast<float>(offsets[i + 1] - offsets[i]);
    for (size_t t = offsets[i]; t < offsets[i + 1]; ++t) pooling[i * total + t] = weight;
  }
  Buffer pooling_matrix = backend.alloc(pooling.size());
  backend.upload(pooling.data(), pooling.size(), pooling_matrix, 0);
  Buffer pooled = backend.alloc(n * width);
  backend.gemm(Transpose::kNo, Transpose::kNo, n, width, total, 1.0f, pooling_matrix.data(), total,
               x.data(), width, 0.0f, pooled.data(), width);

  Buffer projected = backend.alloc(n * embed);
  linear(backend, pooled.data(), n, width, weights.projection,
         weights.projection_bias.empty() ? nullptr : weights.projection_bias.data(), embed,
         projected.data());
  backend.download(projected, 0, n * embed, out);
}

}  // namespace clipret::model
