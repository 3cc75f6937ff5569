#include "text/clip_tokenizer.h"

#include <algorithm>
#include <filesystem>

#include "core/error.h"
#include "text/bpe_merge.h"
#include "text/pretokenizer.h"
#include "text/text_cleaner.h"
#include "text/utf8.h"
#include "text/word_cache.h"

namespace clipret::text {
namespace {

constexpr size_t kMinContextLength = 2;  // room for the start and end tokens

}  // namespace

ClipTokenizer::ClipTokenizer(BpeVocabulary vocabulary, ClipTokenizerOptions options)
    : vocabulary_(std::move(vocabulary)),
      options_(options),
      cache_(std::make_unique<WordCache>(options.cache_capacity)) {
  CLIPRET_CHECK(options_.context_length >= kMinContextLength, InvalidInput,
                "tokenizer: context_length must be at least %zu, got %zu", kMinContextLength,
                options_.context_length);
}

ClipTokenizer::~ClipTokenizer() = default;
ClipTokenizer::ClipTokenizer(ClipTokenizer&&) noexcept = default;
ClipTokenizer& ClipTokenizer::operator=(ClipTokenizer&&) noexcept = default;

ClipTokenizer ClipTokenizer::load(const std::string& location, ClipTokenizerOptions options) {
  namespace fs = std::filesystem;
  if (fs::is_directory(location)) {
    const fs::path dir(location);
    return ClipTokenizer(
        BpeVocabulary::from_hf_files((dir / "vocab.json").string(), (dir / "merges.txt").string()),
        options);
  }
  return ClipTokenizer(BpeVocabulary::from_openai_gz(location), options);
}

size_t ClipTokenizer::cached_words() const {
  return cache_->size();
}

void ClipTokenizer::encode_into(std::string_view text, std::vector<int32_t>& out) const {
  const std::u32string cleaned = clean_text(text);
  std::vector<Pretoken> pieces;
  pretokenize(cleaned, pieces);
  std::string word;
  for (const Pretoken& piece : pieces) {
    if (piece.special == SpecialToken::kStartOfText) {
      out.push_back(vocabulary_.start_of_text());
      continue;
    }
    if (piece.special == SpecialToken::kEndOfText) {
      out.push_back(vocabulary_.end_of_text());
      continue;
    }
    word.clear();
    for (size_t i = piece.begin; i < piece.end; ++i) append_utf8(cleaned[i], word);
    if (cache_->lookup(word, out)) continue;
    const size_t first = out.size();
    bpe_merge_word(vocabulary_, word, out);
    cache_->insert(word, std::span<const int32_t>(out).subspan(first));
  }
}

std::vector<int32_t> ClipTokenizer::encode(std::string_view text) const {
  std::vector<int32_t> ids;
  encode_into(text, ids);
  return ids;
}

int32_t ClipTokenizer::tokenize_into(std::string_view text, std::span<int32_t> row,
                                     Truncation truncation) const {
  const size_t n = options_.context_length;
  CLIPRET_CHECK(row.size() == n, InvalidInput, "tokenizer: row has %zu ids, expected %zu",
                row.size(), n);
  std::vector<int32_t> ids;
  ids.reserve(n + 1);
  ids.push_back(vocabulary_.start_of_text());
  encode_into(text, ids);
  ids.push_back(vocabulary_.end_of_text());
  if (ids.size() > n) {
    CLIPRET_CHECK(truncation == Truncation::kTruncate, InvalidInput,
                  "tokenizer: input is too long for context length %zu (%zu tokens)", n,
                  ids.size());
    ids.resize(n);
    ids.back() = vocabulary_.end_of_text();
  }
  std::copy(ids.begin(), ids.end(), row.begin());
  std::fill(row.begin() + static_cast<std::ptrdiff_t>(ids.size()), row.end(), 0);
  const auto end = std::find(ids.begin(), ids.end(), vocabulary_.end_of_text());
  return static_cast<int32_t>(end - ids.begin());
}

std::vector<int32_t> ClipTokenizer::tokenize(std::string_view text, Truncation truncation) const {
  std::vector<int32_t> row(options_.context_length);
  tokenize_into(text, row, truncation);
  return row;
}

TokenBatch ClipTokenizer::tokenize_batch(std::span<const std::string> texts,
                                         Truncation truncation) const {
  TokenBatch batch;
  batch.rows = texts.size();
  batch.context_length = options_.context_length;
  batch.ids.resize(batch.rows * batch.context_length);
  batch.end_positions.resize(batch.rows);
  for (size_t r = 0; r < batch.rows; ++r) {
    std::span<int32_t> row(batch.ids.data() + r * batch.context_length, batch.context_length);
    try {
      batch.end_positions[r] = tokenize_into(texts[r], row, truncation);
    } catch (const Error& e) {
      throw Error(e.kind(), string_printf("row %zu: %s", r, e.what()));
    }
  }
  return batch;
}

}  // namespace clipret::text
