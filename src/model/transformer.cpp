#include "model/transformer.h"

namespace clipret::model {

void linear(Backend& backend, const float* x, size_t rows, size_t in, const LinearWeight& weight,
            const float* bias, size_t out, float* y) {
  backend.gemm_weight(rows, out, in, 1.0f, x, in, weight, 0.0f, y, out);
  if (bias != nullptr) backend.add_bias(y, rows, out, bias);
}

void linear(Backend& backend, const float* x, size_t rows, size_t in, const Buffer& weight,
            const float* bias, size_t out, float* y) {
  backend.gemm(Transpose::kNo, Transpose::kYes, rows, out, in, 1.0f, x, in, weight.data(), in, 0.0f,
               y, out);
  if (bias != nullptr) backend.add_bias(y, rows, out, bias);
}

void convert_layer_weights(Backend& backend, const TransformerConfig& config, LayerWeights& layer) {
  const auto width = static_cast<size_t>(config.width);
  const auto mlp_width = static_cast<size_t>(config.mlp_width);
  backend.convert_linear_weight(layer.qkv_weight, 3 * width, width);
  backend.convert_linear_weight(layer.out_weight, width, width);
  backend.convert_linear_weight(layer.fc1_weight, mlp_width, width);
  backend.convert_linear_weight(layer.fc2_weight, width, mlp_width);
}

void convert_layer_weights(Backend& backend, const TransformerConfig& config,
                           std::vector<LayerWeights>& layers) {
  for (LayerWeights& layer : layers) convert_layer_weights(backend, config, layer);
}

void run_transformer(Backend& backend, const TransformerConfig& config,
                     const std::vector<LayerWeights>& layers, float* x, size_t batch, size_t seq,
                     bool causal) {
  const size_t rows = batch * seq;
  const size_t width = static_cast<size_t>(config.width);
  const size_t mlp_width = static_cast<size_t>(config.mlp_width);
  const size_t heads = static_cast<size_t>(config.heads);
  // Scratch for the whole stack, allocated once per call.
  Buffer normed = backend.alloc(rows * width);
  Buffer qkv = backend.alloc(rows * 3 * width);
  Buffer attended = backend.alloc(rows * width);
  Buffer hidden = backend.alloc(rows * mlp_width);

  for (const LayerWeights& layer : layers) {
    backend.layer_norm(x, rows, width, layer.ln1_weight.data(), layer.ln1_bias.data(),
                       config.layer_norm_eps, normed.data());
    linear(backend, normed.data(), rows, width, layer.qkv_weight, layer.qkv_bias.data(), 3 * width,
           qkv.data());
    backend.attention(qkv.data(), batch, seq, heads, width / heads, causal, attended.data());
    // x += attended W_out^T + b_out: the gemm accumulates straight into the residual stream.
    backend.gemm_weight(rows, width, width, 1.0f, attended.data(), width, layer.out_weight, 1.0f, x,
                        width);
    backend.add_bias(x, rows, width, layer.out_bias.data());

    backend.layer_norm(x, rows, width, layer.ln2_weight.data(), layer.ln2_bias.data(),
                       config.layer_norm_eps, normed.data());
    linear(backend, normed.data(), rows, width, layer.fc1_weight, layer.fc1_bias.data(), mlp_width,
           hidden.data());
    backend.activate(hidden.data(), rows * mlp_width, config.activation);
    backend.gemm_weight(rows, width, mlp_width, 1.0f, hidden.data(), mlp_width, layer.fc2_weight,
                        1.0f, x, width);
    backend.add_bias(x, rows, width, layer.fc2_bias.data());
  }
}

}  // namespace clipret::model
