#include "text/hf_tokenizer_files.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <utility>

#include "core/error.h"

namespace clipret::text {
namespace {

using nlohmann::json;

constexpr size_t kMaxTokenizerFileBytes = size_t{512} << 20;
// transformers writes int(1e30) for "no limit"; anything this large is no real limit.
constexpr double kNoLengthLimit = 1e9;

std::string read_text_file(const std::string& path) {
  std::error_code ec;
  CLIPRET_CHECK(std::filesystem::is_regular_file(path, ec), NotFound, "%s: no such file",
                path.c_str());
  std::ifstream in(path, std::ios::binary);
  CLIPRET_CHECK(in.good(), Io, "%s: cannot open", path.c_str());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CLIPRET_CHECK(!in.bad(), Io, "%s: read failed", path.c_str());
  CLIPRET_CHECK(text.size() <= kMaxTokenizerFileBytes, InvalidInput,
                "%s: %zu bytes, more than a tokenizer file should hold", path.c_str(), text.size());
  return text;
}

json read_json_object(const std::string& path) {
  json value = json::parse(read_text_file(path), nullptr, /*allow_exceptions=*/false);
  CLIPRET_CHECK(!value.is_discarded(), Corrupt, "%s: not valid JSON", path.c_str());
  CLIPRET_CHECK(value.is_object(), Corrupt, "%s: not a JSON object", path.c_str());
  return value;
}

// obj[key] unless obj is not an object or the field is absent or null.
const json* field(const json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

// obj[key], or null when absent: a reference, so the vocabulary is not copied.
const json& member(const json& obj, const char* key) {
  static const json kNull;
  const json* value = field(obj, key);
  return value != nullptr ? *value : kNull;
}

bool bool_field(const json& obj, const char* key, bool fallback, const std::string& path) {
  const json* value = field(obj, key);
  if (value == nullptr) return fallback;
  CLIPRET_CHECK(value->is_boolean(), Corrupt, "%s: field '%s' must be true or false", path.c_str(),
                key);
  return value->get<bool>();
}

std::optional<bool> optional_bool_field(const json& obj, const char* key, const std::string& path) {
  if (field(obj, key) == nullptr) return std::nullopt;
  return bool_field(obj, key, false, path);
}

std::string string_field(const json& obj, const char* key, const std::string& fallback,
                         const std::string& path) {
  const json* value = field(obj, key);
  if (value == nullptr) return fallback;
  CLIPRET_CHECK(value->is_string(), Corrupt, "%s: field '%s' must be a string", path.c_str(), key);
  return value->get<std::string>();
}

int32_t id_value(const json& value, const char* what, const std::string& path) {
  CLIPRET_CHECK(value.is_number_integer() && value.get<int64_t>() >= 0 &&
                    value.get<int64_t>() <= std::numeric_limits<int32_t>::max(),
                Corrupt, "%s: %s must be a token id (a non-negative integer)", path.c_str(), what);
  return static_cast<int32_t>(value.get<int64_t>());
}

// A special token of tokenizer_config.json: a string, or an AddedToken object with "content".
std::string special_token(const json& config, const char* key, const std::string& fallback,
                          const std::string& path) {
  const json* value = field(config, key);
  if (value == nullptr) return fallback;
  if (value->is_object()) return string_field(*value, "content", fallback, path);
  return string_field(config, key, fallback, path);
}

AddedToken added_token(const json& entry, int32_t id, const std::string& path) {
  CLIPRET_CHECK(entry.is_object(), Corrupt, "%s: an added token must be an object", path.c_str());
  AddedToken token;
  token.id = id;
  const json* content = field(entry, "content");
  CLIPRET_CHECK(content != nullptr && content->is_string(), Corrupt,
                "%s: added token %d has no 'content' string", path.c_str(), id);
  token.content = content->get<std::string>();
  token.single_word = bool_field(entry, "single_word", false, path);
  token.lstrip = bool_field(entry, "lstrip", false, path);
  token.rstrip = bool_field(entry, "rstrip", false, path);
  token.normalized = bool_field(entry, "normalized", false, path);
  return token;
}

BertNormalizerOptions normalizer_options(const json& normalizer, const std::string& path) {
  if (normalizer.is_null()) {
    BertNormalizerOptions none;
    none.clean_text = false;
    none.handle_chinese_chars = false;
    none.strip_accents = false;
    none.lowercase = false;
    return none;
  }
  const std::string type = string_field(normalizer, "type", "", path);
  CLIPRET_CHECK(type == "BertNormalizer", Unsupported,
                "%s: normalizer type '%s' is not supported (only BertNormalizer)", path.c_str(),
                type.c_str());
  BertNormalizerOptions options;
  options.clean_text = bool_field(normalizer, "clean_text", true, path);
  options.handle_chinese_chars = bool_field(normalizer, "handle_chinese_chars", true, path);
  options.strip_accents = optional_bool_field(normalizer, "strip_accents", path);
  options.lowercase = bool_field(normalizer, "lowercase", true, path);
  return options;
}

// The ids of a TemplateProcessing special token ("[CLS]" -> special_tokens["[CLS]"].ids).
std::vector<int32_t> template_special_ids(const json& processor, const std::string& name,
                                          const std::string& path) {
  const json* specials = field(processor, "special_tokens");
  const json* entry = specials != nullptr ? field(*specials, name.c_str()) : nullptr;
  const json* ids = entry != nullptr ? field(*entry, "ids") : nullptr;
  CLIPRET_CHECK(ids != nullptr && ids->is_array(), Corrupt,
                "%s: post_processor.special_tokens has no ids for '%s'", path.c_str(),
                name.c_str());
  std::vector<int32_t> out;
  for (const json& id : *ids) out.push_back(id_value(id, "a special token's id", path));
  return out;
}

// Fills prefix_ids / suffix_ids from the post-processor's single-sequence template.
void read_post_processor(const json& processor, const std::string& path, WordPieceModel& model) {
  if (processor.is_null()) return;
  const std::string type = string_field(processor, "type", "", path);
  if (type == "BertProcessing") {
    // "cls": ["[CLS]", 101], "sep": ["[SEP]", 102]
    for (const char* key : {"cls", "sep"}) {
      const json* pair = field(processor, key);
      CLIPRET_CHECK(pair != nullptr && pair->is_array() && pair->size() == 2, Corrupt,
                    "%s: post_processor.%s must be [token, id]", path.c_str(), key);
      const int32_t id = id_value((*pair)[1], "post_processor's id", path);
      (std::string(key) == "cls" ? model.prefix_ids : model.suffix_ids).push_back(id);
    }
    return;
  }
  CLIPRET_CHECK(type == "TemplateProcessing", Unsupported,
                "%s: post_processor type '%s' is not supported", path.c_str(), type.c_str());
  const json* single = field(processor, "single");
  CLIPRET_CHECK(single != nullptr && single->is_array(), Corrupt,
                "%s: post_processor.single must be a list", path.c_str());
  bool seen_sequence = false;
  for (const json& piece : *single) {
    if (field(piece, "Sequence") != nullptr) {
      CLIPRET_CHECK(!seen_sequence, Corrupt, "%s: post_processor.single has two sequences",
                    path.c_str());
      seen_sequence = true;
      continue;
    }
    const json* special = field(piece, "SpecialToken");
    CLIPRET_CHECK(special != nullptr, Corrupt,
                  "%s: post_processor.single holds neither a Sequence nor a SpecialToken",
                  path.c_str());
    const std::vector<int32_t> ids =
        template_special_ids(processor, string_field(*special, "id", "", path), path);
    auto& side = seen_sequence ? model.suffix_ids : model.prefix_ids;
    side.insert(side.end(), ids.begin(), ids.end());
  }
  CLIPRET_CHECK(seen_sequence, Corrupt, "%s: post_processor.single has no Sequence", path.c_str());
}

std::optional<int32_t> find_id(const WordPieceModel& model, const std::string& token) {
  for (const AddedToken& added : model.added_tokens) {
    if (added.content == token) return added.id;
  }
  const auto it = model.vocab.find(token);
  if (it == model.vocab.end()) return std::nullopt;
  return it->second;
}

std::string sibling(const std::string& path, const char* name) {
  return (std::filesystem::path(path).parent_path() / name).string();
}

}  // namespace

WordPieceModel load_wordpiece_tokenizer_json(const std::string& path) {
  const json root = read_json_object(path);
  const json& model_json = member(root, "model");
  const std::string type = string_field(model_json, "type", "", path);
  CLIPRET_CHECK(type == "WordPiece", Unsupported, "%s: model.type is '%s', not WordPiece",
                path.c_str(), type.c_str());

  WordPieceModel model;
  const json* vocab = field(model_json, "vocab");
  CLIPRET_CHECK(vocab != nullptr && vocab->is_object(), Corrupt,
                "%s: model.vocab must be an object of token -> id", path.c_str());
  model.vocab.reserve(vocab->size());
  for (const auto& [piece, id] : vocab->items()) {
    model.vocab[piece] = id_value(id, "model.vocab's ids", path);
  }
  model.unk_token = string_field(model_json, "unk_token", model.unk_token, path);
  model.continuing_subword_prefix =
      string_field(model_json, "continuing_subword_prefix", model.continuing_subword_prefix, path);
  if (const json* max_chars = field(model_json, "max_input_chars_per_word")) {
    CLIPRET_CHECK(max_chars->is_number_unsigned(), Corrupt,
                  "%s: model.max_input_chars_per_word must be a non-negative integer",
                  path.c_str());
    model.max_input_chars_per_word = max_chars->get<size_t>();
  }
  CLIPRET_CHECK(model.vocab.count(model.unk_token) != 0, Corrupt,
                "%s: the unk token '%s' is not in model.vocab", path.c_str(),
                model.unk_token.c_str());

  model.normalizer = normalizer_options(member(root, "normalizer"), path);
  if (const json* pre = field(root, "pre_tokenizer")) {
    const std::string pre_type = string_field(*pre, "type", "", path);
    CLIPRET_CHECK(pre_type == "BertPreTokenizer", Unsupported,
                  "%s: pre_tokenizer type '%s' is not supported (only BertPreTokenizer)",
                  path.c_str(), pre_type.c_str());
  }
  if (const json* added = field(root, "added_tokens")) {
    CLIPRET_CHECK(added->is_array(), Corrupt, "%s: added_tokens must be a list", path.c_str());
    for (const json& entry : *added) {
      const json* id = field(entry, "id");
      CLIPRET_CHECK(id != nullptr, Corrupt, "%s: an added token has no id", path.c_str());
      model.added_tokens.push_back(
          added_token(entry, id_value(*id, "added_tokens' id", path), path));
    }
  }
  read_post_processor(member(root, "post_processor"), path, model);

  // The pad id: tokenizer.json's padding, else tokenizer_config.json's pad_token, else [PAD].
  std::string pad_token = "[PAD]";
  const std::string config_path = sibling(path, "tokenizer_config.json");
  std::error_code ec;
  if (std::filesystem::is_regular_file(config_path, ec)) {
    pad_token = special_token(read_json_object(config_path), "pad_token", pad_token, config_path);
  }
  if (const json* padding = field(root, "padding");
      padding != nullptr && field(*padding, "pad_id")) {
    model.pad_id = id_value((*padding)["pad_id"], "padding.pad_id", path);
  } else {
    model.pad_id = find_id(model, pad_token).value_or(0);
  }
  return model;
}

WordPieceModel load_wordpiece_vocab_txt(const std::string& folder) {
  const std::string vocab_path = (std::filesystem::path(folder) / "vocab.txt").string();
  const std::string text = read_text_file(vocab_path);
  WordPieceModel model;
  int32_t line = 0;
  for (size_t begin = 0; begin < text.size(); ++line) {
    size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    // Python's rstrip("\n") keeps a '\r': so do we.
    model.vocab[text.substr(begin, end - begin)] = line;
    begin = end + 1;
  }

  const std::string config_path =
      (std::filesystem::path(folder) / "tokenizer_config.json").string();
  json config;
  std::error_code ec;
  if (std::filesystem::is_regular_file(config_path, ec)) config = read_json_object(config_path);
  // BertTokenizer's defaults, and the BertConverter's mapping of its options.
  model.normalizer.clean_text = true;
  model.normalizer.handle_chinese_chars =
      bool_field(config, "tokenize_chinese_chars", true, config_path);
  model.normalizer.strip_accents = optional_bool_field(config, "strip_accents", config_path);
  model.normalizer.lowercase = bool_field(config, "do_lower_case", true, config_path);

  model.unk_token = special_token(config, "unk_token", "[UNK]", config_path);
  const std::string cls = special_token(config, "cls_token", "[CLS]", config_path);
  const std::string sep = special_token(config, "sep_token", "[SEP]", config_path);
  const std::string pad = special_token(config, "pad_token", "[PAD]", config_path);
  const std::string mask = special_token(config, "mask_token", "[MASK]", config_path);

  if (const json* decoder = field(config, "added_tokens_decoder")) {
    CLIPRET_CHECK(decoder->is_object(), Corrupt, "%s: added_tokens_decoder must be an object",
                  config_path.c_str());
    for (const auto& [key, entry] : decoder->items()) {
      int32_t id = -1;
      try {
        id = static_cast<int32_t>(std::stoi(key));
      } catch (const std::exception&) {
      }
      CLIPRET_CHECK(id >= 0, Corrupt, "%s: added_tokens_decoder key '%s' is not an id",
                    config_path.c_str(), key.c_str());
      model.added_tokens.push_back(added_token(entry, id, config_path));
    }
  }
  // The special tokens are added tokens (normalized=false) of the converted fast tokenizer.
  for (const std::string& token : {model.unk_token, sep, pad, cls, mask}) {
    bool present = false;
    for (const AddedToken& added : model.added_tokens) present |= added.content == token;
    const auto it = model.vocab.find(token);
    if (present || it == model.vocab.end()) continue;
    AddedToken added;
    added.content = token;
    added.id = it->second;
    model.added_tokens.push_back(added);
  }

  CLIPRET_CHECK(model.vocab.count(model.unk_token) != 0, Corrupt,
                "%s: the special token '%s' (unk_token) is not in the vocabulary",
                vocab_path.c_str(), model.unk_token.c_str());
  for (const auto& [name, token] :
       {std::pair<const char*, std::string>{"cls_token", cls}, {"sep_token", sep}}) {
    CLIPRET_CHECK(find_id(model, token).has_value(), Corrupt,
                  "%s: the special token '%s' (%s) is not in the vocabulary", vocab_path.c_str(),
                  token.c_str(), name);
  }
  model.prefix_ids = {*find_id(model, cls)};
  model.suffix_ids = {*find_id(model, sep)};
  model.pad_id = find_id(model, pad).value_or(0);
  return model;
}

std::string tokenizer_json_model_type(const std::string& path) {
  const json root = read_json_object(path);
  return string_field(member(root, "model"), "type", "", path);
}

std::optional<size_t> read_model_max_length(const std::string& folder) {
  const std::string path = (std::filesystem::path(folder) / "tokenizer_config.json").string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  const json config = read_json_object(path);
  const json* value = field(config, "model_max_length");
  if (value == nullptr) return std::nullopt;
  CLIPRET_CHECK(value->is_number() && value->get<double>() >= 1, Corrupt,
                "%s: model_max_length must be a positive number", path.c_str());
  if (value->get<double>() >= kNoLengthLimit) return std::nullopt;
  return static_cast<size_t>(value->get<double>());
}

}  // namespace clipret::text
