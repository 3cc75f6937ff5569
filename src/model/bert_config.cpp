#include "model/bert_config.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "model/json_fields.h"

namespace clipret::model {

namespace {

// Larger tables are not a real text model; rejecting them keeps products from overflowing.
constexpr int64_t kMaxRows = int64_t{1} << 24;

BertConfig distilbert_from_json(const nlohmann::json& c, const std::string& source) {
  CLIPRET_CHECK(!json_bool(c, "sinusoidal_pos_embds", false, source), Unsupported,
                "%s: sinusoidal position embeddings are not supported (learned ones only)",
                source.c_str());
  BertConfig config;
  config.family = BertFamily::kDistilBert;
  TransformerConfig& t = config.transformer;
  t.width = json_int(c, "dim", 768, source);
  t.layers = json_int(c, "n_layers", 6, source);
  t.heads = json_int(c, "n_heads", 12, source);
  t.mlp_width = json_int(c, "hidden_dim", 3072, source);
  t.activation = parse_activation(json_string(c, "activation", "gelu", source), source);
  t.layer_norm_eps = 1e-12f;  // fixed in DistilBERT's code, not in its config
  config.vocab_size = json_int(c, "vocab_size", 119547, source);
  config.max_positions = json_int(c, "max_position_embeddings", 512, source);
  return config;
}

BertConfig bert_from_json(const nlohmann::json& c, const std::string& model_type,
                          const std::string& source) {
  const std::string position_type = json_string(c, "position_embedding_type", "absolute", source);
  CLIPRET_CHECK(position_type == "absolute", Unsupported,
                "%s: position_embedding_type '%s' is not supported (absolute only)", source.c_str(),
                position_type.c_str());
  BertConfig config;
  config.family = BertFamily::kBert;
  TransformerConfig& t = config.transformer;
  t.width = json_int(c, "hidden_size", 768, source);
  t.layers = json_int(c, "num_hidden_layers", 12, source);
  t.heads = json_int(c, "num_attention_heads", 12, source);
  t.mlp_width = json_int(c, "intermediate_size", 3072, source);
  t.activation = parse_activation(json_string(c, "hidden_act", "gelu", source), source);
  t.layer_norm_eps = static_cast<float>(json_number(c, "layer_norm_eps", 1e-12, source));
  config.vocab_size = json_int(c, "vocab_size", 30522, source);
  config.max_positions = json_int(c, "max_position_embeddings", 512, source);
  config.type_vocab_size = json_int(c, "type_vocab_size", 2, source);
  // RoBERTa's embeddings number positions after the padding index (clip-inference-notes §3.6).
  if (model_type == "roberta" || model_type == "xlm-roberta") {
    config.padding_idx = json_int(c, "pad_token_id", 1, source);
  }
  return config;
}

}  // namespace

BertConfig bert_config_from_json(const nlohmann::json& config, const std::string& source) {
  const std::string model_type = json_string(config, "model_type", "", source);
  BertConfig out;
  if (model_type == "distilbert") {
    out = distilbert_from_json(config, source);
  } else if (model_type == "bert" || model_type == "roberta" || model_type == "xlm-roberta") {
    out = bert_from_json(config, model_type, source);
  } else {
    CLIPRET_THROW(Unsupported,
                  "%s: model_type '%s' is not a supported text encoder (distilbert, bert, roberta, "
                  "xlm-roberta)",
                  source.c_str(), model_type.c_str());
  }
  validate_bert_config(out, source);
  return out;
}

bool known_bert_config(const std::string& name, BertConfig* out) {
  BertConfig config;
  config.family = BertFamily::kBert;
  config.vocab_size = 250002;
  config.max_positions = 514;
  config.padding_idx = 1;
  config.type_vocab_size = 1;
  if (name == "xlm-roberta-large" || name == "FacebookAI/xlm-roberta-large") {
    config.transformer = {1024, 24, 16, 4096, Activation::kGelu, 1e-5f};
  } else if (name == "xlm-roberta-base" || name == "FacebookAI/xlm-roberta-base") {
    config.transformer = {768, 12, 12, 3072, Activation::kGelu, 1e-5f};
  } else {
    return false;
  }
  *out = config;
  return true;
}

void validate_bert_config(const BertConfig& config, const std::string& source) {
  const char* s = source.c_str();
  validate_transformer_config(config.transformer, "text encoder", source);
  CLIPRET_CHECK(config.vocab_size > 0 && config.vocab_size <= kMaxRows, Corrupt,
                "%s: vocab_size %lld is invalid", s, static_cast<long long>(config.vocab_size));
  CLIPRET_CHECK(config.max_positions > 0 && config.max_positions <= kMaxRows, Corrupt,
                "%s: max_position_embeddings %lld is invalid", s,
                static_cast<long long>(config.max_positions));
  CLIPRET_CHECK(config.type_vocab_size >= 0 && config.type_vocab_size <= kMaxRows, Corrupt,
                "%s: type_vocab_size %lld is invalid", s,
                static_cast<long long>(config.type_vocab_size));
  CLIPRET_CHECK(config.padding_idx < 0 || config.padding_idx < config.vocab_size, Corrupt,
                "%s: pad_token_id %lld is outside the vocabulary", s,
                static_cast<long long>(config.padding_idx));
  CLIPRET_CHECK(config.max_tokens() >= 2, Corrupt, "%s: %lld positions leave no room for a text", s,
                static_cast<long long>(config.max_positions));
}

std::string describe_sentence_encoder(const SentenceEncoderConfig& config) {
  const BertConfig& b = config.bert;
  const TransformerConfig& t = b.transformer;
  char text[256];
  std::snprintf(text, sizeof(text),
                "%s %lld x %lld (%lld heads, MLP %lld, %s), vocab %lld, mean pooling, "
                "projection to %lld%s, max %lld tokens",
                b.family == BertFamily::kDistilBert ? "DistilBERT"
                : b.padding_idx >= 0                ? "XLM-RoBERTa-style"
                                                    : "BERT",
                static_cast<long long>(t.layers), static_cast<long long>(t.width),
                static_cast<long long>(t.heads), static_cast<long long>(t.mlp_width),
                activation_name(t.activation), static_cast<long long>(b.vocab_size),
                static_cast<long long>(config.embed_dim),
                config.projection_bias ? " with bias" : "",
                static_cast<long long>(config.max_tokens));
  return text;
}

}  // namespace clipret::model
