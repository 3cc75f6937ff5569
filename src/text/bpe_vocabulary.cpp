#include "text/bpe_vocabulary.h"

#include <nlohmann/json.hpp>

#include <limits>
#include <utility>

#include "core/error.h"
#include "core/stream.h"
#include "text/gunzip.h"
#include "text/utf8.h"

namespace clipret::text {
namespace {

constexpr std::string_view kEndOfWord = "</w>";
constexpr std::string_view kStartOfTextSymbol = "<|startoftext|>";
constexpr std::string_view kEndOfTextSymbol = "<|endoftext|>";
constexpr char32_t kFirstUnprintableSymbol = 0x100;
constexpr size_t kMaxVocabularyFileBytes = size_t{64} << 20;

bool is_printable_byte(int b) {
  return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
}

// The 256 bytes in `bytes_to_unicode()`'s order: printable bytes first, then the rest.
std::array<uint8_t, 256> bytes_in_vocabulary_order() {
  std::array<uint8_t, 256> order{};
  size_t k = 0;
  for (int b = 0; b < 256; ++b) {
    if (is_printable_byte(b)) order[k++] = static_cast<uint8_t>(b);
  }
  for (int b = 0; b < 256; ++b) {
    if (!is_printable_byte(b)) order[k++] = static_cast<uint8_t>(b);
  }
  return order;
}

std::string byte_symbol(uint8_t b) {
  std::string s;
  append_utf8(byte_to_unicode(b), s);
  return s;
}

std::string read_location(const std::string& location) {
  auto stream = core::open_input_stream(location);
  return core::read_all(*stream, kMaxVocabularyFileBytes);
}

// Splits "left right" (Python's `merge.split()` on a line with exactly two fields).
bool split_merge(std::string_view line, std::string_view& left, std::string_view& right) {
  const size_t space = line.find(' ');
  if (space == std::string_view::npos || space == 0 || space + 1 >= line.size()) return false;
  left = line.substr(0, space);
  right = line.substr(space + 1);
  return right.find(' ') == std::string_view::npos;
}

}  // namespace

char32_t byte_to_unicode(uint8_t b) {
  if (is_printable_byte(b)) return b;
  char32_t n = 0;  // rank of b among the unprintable bytes
  for (int x = 0; x < b; ++x) {
    if (!is_printable_byte(x)) ++n;
  }
  return kFirstUnprintableSymbol + n;
}

std::optional<int32_t> BpeVocabulary::token_id(std::string_view symbol) const {
  const auto it = ids_.find(std::string(symbol));
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

int32_t BpeVocabulary::add_token(std::string_view name, std::string symbol) {
  const auto id = static_cast<int32_t>(tokens_.size());
  const bool inserted = ids_.emplace(symbol, id).second;
  CLIPRET_CHECK(inserted, Corrupt, "%.*s: duplicate token '%s'", static_cast<int>(name.size()),
                name.data(), symbol.c_str());
  tokens_.push_back(std::move(symbol));
  return id;
}

// Reads merges from `text` (header line first). With `create_tokens` (OpenAI's shape) each merge
// appends its result as the next token; otherwise (Hugging Face) the result must already exist.
void BpeVocabulary::add_merges(std::string_view name, std::string_view text, size_t merge_count,
                               bool create_tokens) {
  const int name_len = static_cast<int>(name.size());
  size_t pos = text.find('\n');
  CLIPRET_CHECK(pos != std::string_view::npos, Corrupt, "%.*s: no merges after the header line",
                name_len, name.data());
  ++pos;
  size_t line_number = 1;  // 0-based line index, as in the Python slice
  while (merges_.size() < merge_count && pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    std::string_view left;
    std::string_view right;
    CLIPRET_CHECK(split_merge(line, left, right), Corrupt,
                  "%.*s: line %zu: expected two space-separated symbols, got '%.*s'", name_len,
                  name.data(), line_number, static_cast<int>(line.size()), line.data());
    const auto left_id = token_id(left);
    const auto right_id = token_id(right);
    CLIPRET_CHECK(left_id && right_id, Corrupt, "%.*s: line %zu: merge of unknown symbol '%.*s'",
                  name_len, name.data(), line_number, static_cast<int>(line.size()), line.data());
    std::string merged = std::string(left) + std::string(right);
    int32_t merged_id = 0;
    if (create_tokens) {
      merged_id = add_token(name, std::move(merged));
    } else {
      const auto found = token_id(merged);
      CLIPRET_CHECK(found.has_value(), Corrupt,
                    "%.*s: line %zu: merged symbol '%s' is not in the vocabulary", name_len,
                    name.data(), line_number, merged.c_str());
      merged_id = *found;
    }
    const Merge merge{static_cast<int32_t>(merges_.size()), merged_id};
    // CLIP's files never repeat a pair; a repeat means a damaged or foreign file.
    CLIPRET_CHECK(merges_.emplace(pair_key(*left_id, *right_id), merge).second, Corrupt,
                  "%.*s: line %zu: duplicate merge '%.*s'", name_len, name.data(), line_number,
                  static_cast<int>(line.size()), line.data());
  }
  // OpenAI's ids depend on the merge count; Hugging Face's vocab.json fixes them, and like its
  // slow tokenizer we accept a shorter merges list.
  CLIPRET_CHECK(!create_tokens || merges_.size() == merge_count, Corrupt,
                "%.*s: %zu merges, expected %zu", name_len, name.data(), merges_.size(),
                merge_count);
}

// Resolves the byte tokens and special tokens, which both shapes must contain.
void BpeVocabulary::finish(std::string_view name) {
  const int name_len = static_cast<int>(name.size());
  for (int b = 0; b < 256; ++b) {
    const std::string symbol = byte_symbol(static_cast<uint8_t>(b));
    const auto plain = token_id(symbol);
    const auto end_of_word = token_id(symbol + std::string(kEndOfWord));
    CLIPRET_CHECK(plain && end_of_word, Corrupt, "%.*s: no token for byte 0x%02x", name_len,
                  name.data(), b);
    byte_tokens_[static_cast<size_t>(b)] = *plain;
    byte_tokens_[static_cast<size_t>(b) + 256] = *end_of_word;
  }
  const auto start = token_id(kStartOfTextSymbol);
  const auto end = token_id(kEndOfTextSymbol);
  CLIPRET_CHECK(start && end, Corrupt, "%.*s: missing %s or %s", name_len, name.data(),
                kStartOfTextSymbol.data(), kEndOfTextSymbol.data());
  start_of_text_ = *start;
  end_of_text_ = *end;
}

BpeVocabulary BpeVocabulary::from_openai_merges(std::string_view name, std::string_view text,
                                                size_t merge_count) {
  BpeVocabulary v;
  const auto order = bytes_in_vocabulary_order();
  for (uint8_t b : order) v.add_token(name, byte_symbol(b));
  for (uint8_t b : order) v.add_token(name, byte_symbol(b) + std::string(kEndOfWord));
  v.add_merges(name, text, merge_count, /*create_tokens=*/true);
  v.add_token(name, std::string(kStartOfTextSymbol));
  v.add_token(name, std::string(kEndOfTextSymbol));
  v.finish(name);
  return v;
}

BpeVocabulary BpeVocabulary::from_openai_gz(const std::string& location) {
  return from_openai_merges(location, gunzip(location, read_location(location)));
}

BpeVocabulary BpeVocabulary::from_hf_text(std::string_view name, std::string_view vocab_json,
                                          std::string_view merges_text, size_t merge_count) {
  const int name_len = static_cast<int>(name.size());
  const auto json = nlohmann::json::parse(vocab_json, nullptr, /*allow_exceptions=*/false);
  CLIPRET_CHECK(json.is_object() && !json.empty(), Corrupt,
                "%.*s: vocab.json is not a non-empty JSON object", name_len, name.data());
  BpeVocabulary v;
  v.tokens_.resize(json.size());
  std::vector<bool> seen(json.size(), false);
  for (const auto& [symbol, value] : json.items()) {
    CLIPRET_CHECK(value.is_number_integer(), Corrupt,
                  "%.*s: vocab.json: id of '%s' is not an integer", name_len, name.data(),
                  symbol.c_str());
    const auto id = value.get<int64_t>();
    CLIPRET_CHECK(
        id >= 0 && static_cast<uint64_t>(id) < json.size() && !seen[static_cast<size_t>(id)],
        Corrupt, "%.*s: vocab.json: id %lld of '%s' is out of range or repeated", name_len,
        name.data(), static_cast<long long>(id), symbol.c_str());
    seen[static_cast<size_t>(id)] = true;
    v.tokens_[static_cast<size_t>(id)] = symbol;
    v.ids_.emplace(symbol, static_cast<int32_t>(id));
  }
  v.add_merges(name, merges_text, merge_count, /*create_tokens=*/false);
  v.finish(name);
  return v;
}

BpeVocabulary BpeVocabulary::from_hf_files(const std::string& vocab_json_location,
                                           const std::string& merges_location, size_t merge_count) {
  return from_hf_text(merges_location, read_location(vocab_json_location),
                      read_location(merges_location), merge_count);
}

}  // namespace clipret::text
