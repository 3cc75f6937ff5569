// text/clip_tokenizer.h: OpenAI CLIP's text tokenizer (`clip.tokenize`, `SimpleTokenizer`):
// caption bytes -> cleaned text -> pre-tokens -> byte-level BPE ids, framed as
// [49406, ids..., 49407, 0...] rows of `context_length` (77) int32 ids.
//
// Thread safety: all methods are const and may be called concurrently on one instance; the
// merged-word cache inside is sharded and locked (text/word_cache.h).
//
// Deliberate choices (spec §3.1, §3.4):
//   - Invalid UTF-8 is decoded with U+FFFD replacement (text/utf8.h), never an error.
//   - The literal strings "<|startoftext|>" / "<|endoftext|>" in a caption become ids 49406 /
//     49407, as in the original; `end_positions` then points at the first 49407, which is where
//     the original's argmax pooling reads.
//   - Cleaning is text/text_cleaner.h; its one known gap is ftfy's mojibake repair for code
//     pages other than Latin-1 and Windows-1252 (text/mojibake_repair.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "text/bpe_vocabulary.h"

namespace clipret::text {

class WordCache;

inline constexpr size_t kClipContextLength = 77;

struct ClipTokenizerOptions {
  // Ids per row, start and end tokens included (77 for every CLIP model).
  size_t context_length = kClipContextLength;
  // Most distinct pre-tokens kept in the merge cache (about 100 bytes each; 1M ~ 100 MB at
  // worst). Larger keeps more of a long-tailed caption vocabulary; 0 disables caching.
  size_t cache_capacity = size_t{1} << 20;
};

// What to do with a caption longer than `context_length` ids once framed.
enum class Truncation {
  kTruncate,  // `truncate=True` (clip-retrieval inference): keep the first context_length ids and
              // force the last one to the end token
  kError,     // `truncate=False` (the original's default, used by its filter): throw
};

// A batch of framed rows.
struct TokenBatch {
  size_t rows = 0;
  size_t context_length = 0;
  // rows × context_length, row-major, zero padded.
  std::vector<int32_t> ids;
  // Per row, the index of the first end-of-text id: the position the text model pools, so it
  // needs to compute positions [0, end_positions[r]] only (the attention is causal).
  std::vector<int32_t> end_positions;
};

class ClipTokenizer {
 public:
  explicit ClipTokenizer(BpeVocabulary vocabulary, ClipTokenizerOptions options = {});
  ~ClipTokenizer();
  ClipTokenizer(ClipTokenizer&&) noexcept;
  ClipTokenizer& operator=(ClipTokenizer&&) noexcept;

  // Loads the vocabulary from `location`: a `.gz` merges file (OpenAI shape) or a folder with
  // `vocab.json` and `merges.txt` (Hugging Face shape). Throws as BpeVocabulary's loaders do.
  static ClipTokenizer load(const std::string& location, ClipTokenizerOptions options = {});

  // `SimpleTokenizer.encode(text)`: the content ids of a UTF-8 caption, without start/end tokens
  // and without any length limit.
  std::vector<int32_t> encode(std::string_view text) const;

  // Frames one caption into `row` (size context_length, overwritten) and returns the index of
  // the first end-of-text id. With Truncation::kError, throws Error(kInvalidInput) when the
  // framed caption is longer than the row.
  int32_t tokenize_into(std::string_view text, std::span<int32_t> row,
                        Truncation truncation = Truncation::kTruncate) const;

  // Frames one caption; returns context_length ids.
  std::vector<int32_t> tokenize(std::string_view text,
                                Truncation truncation = Truncation::kTruncate) const;

  // Frames `texts` into a rows × context_length batch. With Truncation::kError, throws
  // Error(kInvalidInput) naming the first row that is too long.
  TokenBatch tokenize_batch(std::span<const std::string> texts,
                            Truncation truncation = Truncation::kTruncate) const;

  const BpeVocabulary& vocabulary() const { return vocabulary_; }
  size_t context_length() const { return options_.context_length; }
  // Number of words in the merge cache now (for tests and monitoring).
  size_t cached_words() const;

 private:
  void encode_into(std::string_view text, std::vector<int32_t>& out) const;

  BpeVocabulary vocabulary_;
  ClipTokenizerOptions options_;
  std::unique_ptr<WordCache> cache_;
};

}  // namespace clipret::text
