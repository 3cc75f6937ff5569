#include "model/sentence_checkpoint.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/error.h"
#include "model/json_fields.h"
#include "model/tensor_store.h"
#include "model/transformer.h"
#include "model/weight_loader.h"

namespace clipret::model {

namespace {

namespace fs = std::filesystem;

constexpr const char* kModulesFile = "modules.json";
constexpr const char* kConfigFile = "config.json";
constexpr const char* kMClipModelType = "M-CLIP";
constexpr const char* kWordEmbeddingSuffix = "embeddings.word_embeddings.weight";

std::string join(const std::string& folder, const std::string& name) {
  return name.empty() ? folder : (fs::path(folder) / name).string();
}

bool is_file(const std::string& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

bool is_mclip_config(const std::string& folder) {
  const std::string path = join(folder, kConfigFile);
  if (!is_file(path)) return false;
  const nlohmann::json config = read_json_file(path);
  return json_string(config, "model_type", "", path) == kMClipModelType;
}

// The last dotted component of a module's Python type ("...modules.transformer.Transformer").
std::string module_kind(const std::string& type) {
  const size_t dot = type.rfind('.');
  return dot == std::string::npos ? type : type.substr(dot + 1);
}

struct Modules {
  std::string transformer, pooling, dense;  // sub-folders; dense empty when absent
};

Modules read_modules(const std::string& folder) {
  const std::string path = join(folder, kModulesFile);
  std::ifstream in(path, std::ios::binary);
  CLIPRET_CHECK(in.good(), Io, "%s: cannot open", path.c_str());
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const nlohmann::json modules = nlohmann::json::parse(text, nullptr, false);
  const char* p = path.c_str();
  CLIPRET_CHECK(modules.is_array(), Corrupt, "%s: not a JSON array of modules", p);
  Modules out;
  bool pooled = false, normalized = false;
  for (const auto& module : modules) {
    const std::string type = json_string(module, "type", "", path);
    const std::string sub = json_string(module, "path", "", path);
    bool escapes = fs::path(sub).is_absolute();
    for (const auto& part : fs::path(sub)) escapes = escapes || part == "..";
    CLIPRET_CHECK(!escapes, Corrupt, "%s: module path '%s' leaves the model folder", p,
                  sub.c_str());
    const std::string kind = module_kind(type);
    // The order is the pipeline's: Transformer, Pooling, then an optional Dense and Normalize.
    if (kind == "Transformer" && out.transformer.empty() && !pooled) {
      out.transformer = join(folder, sub);
    } else if (kind == "Pooling" && !out.transformer.empty() && !pooled) {
      out.pooling = join(folder, sub);
      pooled = true;
    } else if (kind == "Dense" && pooled && out.dense.empty() && !normalized) {
      out.dense = join(folder, sub);
    } else if (kind == "Normalize" && pooled) {
      normalized = true;  // the caller L2-normalises anyway
    } else {
      CLIPRET_THROW(Unsupported,
                    "%s: module '%s' is not supported here (a Transformer, a mean Pooling, then "
                    "optionally a Dense and a Normalize)",
                    p, type.c_str());
    }
  }
  CLIPRET_CHECK(pooled, Unsupported, "%s: no Transformer followed by a Pooling module", p);
  return out;
}

void check_mean_pooling(const std::string& folder) {
  const std::string path = join(folder, kConfigFile);
  const nlohmann::json config = read_json_file(path);
  const char* p = path.c_str();
  const std::string mode = json_string(config, "pooling_mode", "", path);
  if (!mode.empty()) {
    CLIPRET_CHECK(mode == "mean", Unsupported, "%s: pooling_mode '%s' is not supported (mean only)",
                  p, mode.c_str());
    return;
  }
  // Older sentence-transformers: one boolean per mode.
  CLIPRET_CHECK(json_bool(config, "pooling_mode_mean_tokens", false, path), Unsupported,
                "%s: only mean pooling (pooling_mode_mean_tokens) is supported", p);
  for (const char* other :
       {"pooling_mode_cls_token", "pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens",
        "pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken"}) {
    CLIPRET_CHECK(!json_bool(config, other, false, path), Unsupported,
                  "%s: %s is not supported (mean pooling only)", p, other);
  }
}

// Truncation length: the sentence-transformers setting, else the tokenizer's, capped by the
// position table.
int64_t max_tokens_of(const std::string& folder, const BertConfig& bert) {
  int64_t limit = bert.max_tokens();
  const std::string st_path = join(folder, "sentence_bert_config.json");
  if (is_file(st_path)) {
    const int64_t value = json_int(read_json_file(st_path), "max_seq_length", 0, st_path);
    if (value > 0) return std::min(value, limit);
  }
  const std::string tok_path = join(folder, "tokenizer_config.json");
  if (is_file(tok_path)) {
    // Tokenizers without a limit store a huge float sentinel (1e30); only integers count.
    const nlohmann::json config = read_json_file(tok_path);
    const auto it = config.find("model_max_length");
    if (it != config.end() && it->is_number_integer() && it->get<int64_t>() > 0) {
      limit = std::min(limit, it->get<int64_t>());
    }
  }
  return limit;
}

std::string weight_prefix(const TensorStore& store) {
  std::string best;
  bool found = false;
  const std::string suffix = kWordEmbeddingSuffix;
  for (const std::string& name : store.names()) {
    if (name.size() < suffix.size() ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
      continue;
    }
    const std::string prefix = name.substr(0, name.size() - suffix.size());
    if (!found || prefix.size() < best.size()) best = prefix;
    found = true;
  }
  CLIPRET_CHECK(found, Corrupt, "%s: no tensor named *%s: not a BERT-family checkpoint",
                store.path().c_str(), kWordEmbeddingSuffix);
  return best;
}

// Tensor names of one layer, per family, in LayerWeights' order.
struct LayerNames {
  std::string q, k, v, out, ln1, fc1, fc2, ln2;  // without ".weight"/".bias"
};

LayerNames layer_names(BertFamily family, const std::string& prefix, int64_t index) {
  const std::string i = std::to_string(index);
  if (family == BertFamily::kDistilBert) {
    const std::string l = prefix + "transformer.layer." + i + ".";
    return {l + "attention.q_lin",   l + "attention.k_lin",  l + "attention.v_lin",
            l + "attention.out_lin", l + "sa_layer_norm",    l + "ffn.lin1",
            l + "ffn.lin2",          l + "output_layer_norm"};
  }
  const std::string l = prefix + "encoder.layer." + i + ".";
  return {l + "attention.self.query",
          l + "attention.self.key",
          l + "attention.self.value",
          l + "attention.output.dense",
          l + "attention.output.LayerNorm",
          l + "intermediate.dense",
          l + "output.dense",
          l + "output.LayerNorm"};
}

void load_bert(const TensorStore& store, const BertConfig& config, WeightLoader& loader,
               BertWeights& weights) {
  const std::string prefix = weight_prefix(store);
  const int64_t width = config.transformer.width;
  const int64_t mlp = config.transformer.mlp_width;
  const std::string e = prefix + "embeddings.";
  weights.word_embedding = loader.load(e + "word_embeddings.weight", {config.vocab_size, width});
  weights.position_embedding =
      loader.load(e + "position_embeddings.weight", {config.max_positions, width});
  if (config.type_vocab_size > 0) {
    weights.token_type_embedding =
        loader.load(e + "token_type_embeddings.weight", {config.type_vocab_size, width});
  }
  weights.embed_ln_weight = loader.load(e + "LayerNorm.weight", {width});
  weights.embed_ln_bias = loader.load(e + "LayerNorm.bias", {width});

  for (int64_t i = 0; i < config.transformer.layers; ++i) {
    const LayerNames n = layer_names(config.family, prefix, i);
    LayerWeights layer;
    layer.qkv_weight =
        loader.load_concat({n.q + ".weight", n.k + ".weight", n.v + ".weight"}, {width, width});
    layer.qkv_bias = loader.load_concat({n.q + ".bias", n.k + ".bias", n.v + ".bias"}, {width});
    layer.out_weight = loader.load(n.out + ".weight", {width, width});
    layer.out_bias = loader.load(n.out + ".bias", {width});
    layer.ln1_weight = loader.load(n.ln1 + ".weight", {width});
    layer.ln1_bias = loader.load(n.ln1 + ".bias", {width});
    layer.fc1_weight = loader.load(n.fc1 + ".weight", {mlp, width});
    layer.fc1_bias = loader.load(n.fc1 + ".bias", {mlp});
    layer.fc2_weight = loader.load(n.fc2 + ".weight", {width, mlp});
    layer.fc2_bias = loader.load(n.fc2 + ".bias", {width});
    layer.ln2_weight = loader.load(n.ln2 + ".weight", {width});
    layer.ln2_bias = loader.load(n.ln2 + ".bias", {width});
    // Converted layer by layer (bf16, int8 backends), so that only one layer is ever held twice.
    convert_layer_weights(loader.backend(), config.transformer, layer);
    weights.layers.push_back(std::move(layer));
  }
  const std::string extra = layer_names(config.family, prefix, config.transformer.layers).q;
  CLIPRET_CHECK(!store.has(extra + ".weight"), Corrupt,
                "%s: the checkpoint has more than the %lld layers its config gives",
                store.path().c_str(), static_cast<long long>(config.transformer.layers));
}

// An identity projection, for sentence-transformers models without a Dense module.
Buffer identity_matrix(WeightLoader& loader, int64_t width) {
  std::vector<float> values(static_cast<size_t>(width * width), 0.0f);
  for (int64_t i = 0; i < width; ++i) values[static_cast<size_t>(i * width + i)] = 1.0f;
  return loader.upload(values);
}

SentenceCheckpoint load_sentence_transformers(const std::string& folder, Backend& backend) {
  const Modules modules = read_modules(folder);
  check_mean_pooling(modules.pooling);
  SentenceCheckpoint checkpoint;
  checkpoint.layout = SentenceLayout::kSentenceTransformers;
  checkpoint.tokenizer_folder = modules.transformer;
  SentenceEncoderConfig& config = checkpoint.config;
  const std::string config_path = join(modules.transformer, kConfigFile);
  config.bert = bert_config_from_json(read_json_file(config_path), config_path);
  config.max_tokens = max_tokens_of(modules.transformer, config.bert);

  const TensorStore store = TensorStore::open(find_weights_file(modules.transformer));
  WeightLoader loader(store, backend);
  load_bert(store, config.bert, loader, checkpoint.weights);

  const int64_t width = config.bert.transformer.width;
  if (modules.dense.empty()) {
    config.embed_dim = width;
    checkpoint.weights.projection = identity_matrix(loader, width);
    return checkpoint;
  }
  const std::string dense_path = join(modules.dense, kConfigFile);
  const nlohmann::json dense = read_json_file(dense_path);
  const char* d = dense_path.c_str();
  const int64_t in = json_int(dense, "in_features", 0, dense_path);
  CLIPRET_CHECK(in == width, Corrupt, "%s: in_features %lld differs from the transformer's %lld", d,
                static_cast<long long>(in), static_cast<long long>(width));
  config.embed_dim = json_int(dense, "out_features", 0, dense_path);
  CLIPRET_CHECK(config.embed_dim > 0 && config.embed_dim <= (int64_t{1} << 20), Corrupt,
                "%s: out_features %lld is invalid", d, static_cast<long long>(config.embed_dim));
  // sentence-transformers' Dense defaults to tanh; the multilingual CLIP models use Identity.
  const std::string activation =
      json_string(dense, "activation_function", "torch.nn.modules.activation.Tanh", dense_path);
  CLIPRET_CHECK(module_kind(activation) == "Identity", Unsupported,
                "%s: Dense activation '%s' is not supported (Identity only)", d,
                activation.c_str());
  config.projection_bias = json_bool(dense, "bias", true, dense_path);
  const TensorStore dense_store = TensorStore::open(find_weights_file(modules.dense));
  WeightLoader dense_loader(dense_store, backend);
  checkpoint.weights.projection = dense_loader.load("linear.weight", {config.embed_dim, width});
  if (config.projection_bias) {
    checkpoint.weights.projection_bias = dense_loader.load("linear.bias", {config.embed_dim});
  }
  return checkpoint;
}

BertConfig mclip_base_config(const std::string& folder, const std::string& base,
                             const std::string& source) {
  const fs::path base_path(base);
  for (const fs::path& candidate : {fs::path(folder) / base_path, base_path}) {
    const std::string path = (candidate / kConfigFile).string();
    if (!base.empty() && is_file(path)) return bert_config_from_json(read_json_file(path), path);
  }
  BertConfig config;
  CLIPRET_CHECK(known_bert_config(base, &config), Unsupported,
                "%s: modelBase '%s' is neither a folder with a config.json nor a known base "
                "(xlm-roberta-large, xlm-roberta-base)",
                source.c_str(), base.c_str());
  return config;
}

SentenceCheckpoint load_mclip(const std::string& folder, Backend& backend) {
  const std::string path = join(folder, kConfigFile);
  const nlohmann::json top = read_json_file(path);
  const char* p = path.c_str();
  SentenceCheckpoint checkpoint;
  checkpoint.layout = SentenceLayout::kMClip;
  checkpoint.tokenizer_folder = folder;
  SentenceEncoderConfig& config = checkpoint.config;
  config.bert = mclip_base_config(folder, json_string(top, "modelBase", "", path), path);
  const int64_t width = config.bert.transformer.width;
  const int64_t declared = json_int(top, "transformerDimensions", width, path);
  CLIPRET_CHECK(declared == width, Corrupt,
                "%s: transformerDimensions %lld differs from the base model's width %lld", p,
                static_cast<long long>(declared), static_cast<long long>(width));
  config.embed_dim = json_int(top, "numDims", 0, path);
  CLIPRET_CHECK(config.embed_dim > 0 && config.embed_dim <= (int64_t{1} << 20), Corrupt,
                "%s: numDims %lld is invalid", p, static_cast<long long>(config.embed_dim));
  config.projection_bias = true;
  config.max_tokens = max_tokens_of(folder, config.bert);

  const TensorStore store = TensorStore::open(find_weights_file(folder));
  WeightLoader loader(store, backend);
  load_bert(store, config.bert, loader, checkpoint.weights);
  checkpoint.weights.projection =
      loader.load("LinearTransformation.weight", {config.embed_dim, width});
  checkpoint.weights.projection_bias = loader.load("LinearTransformation.bias", {config.embed_dim});
  return checkpoint;
}

}  // namespace

bool is_sentence_checkpoint(const std::string& folder) {
  return is_file(join(folder, kModulesFile)) || is_mclip_config(folder);
}

SentenceCheckpoint load_sentence_checkpoint(const std::string& folder, Backend& backend) {
  if (is_file(join(folder, kModulesFile))) return load_sentence_transformers(folder, backend);
  std::error_code ec;
  CLIPRET_CHECK(fs::is_directory(folder, ec), NotFound, "%s: no such folder", folder.c_str());
  CLIPRET_CHECK(is_mclip_config(folder), NotFound,
                "%s: not a multilingual text model (expected a sentence-transformers folder with "
                "modules.json, or an M-CLIP folder whose config.json has model_type \"M-CLIP\")",
                folder.c_str());
  return load_mclip(folder, backend);
}

}  // namespace clipret::model
