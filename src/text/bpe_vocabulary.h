// text/bpe_vocabulary.h: CLIP's byte-level BPE data, the token list and the ranked merges, loaded
// from either published shape:
//   - OpenAI / OpenCLIP `bpe_simple_vocab_16e6.txt.gz` (merges only; the vocabulary is derived),
//   - Hugging Face `vocab.json` + `merges.txt`.
// Both give the same ids for CLIP (49,408 tokens, 48,894 merges). Immutable once built, so one
// instance can be shared by threads.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace clipret::text {

// CLIP uses the first 49152 - 256 - 2 merges of the file (`merges[1:49152-256-2+1]`).
inline constexpr size_t kClipMergeCount = 49152 - 256 - 2;

class BpeVocabulary {
 public:
  // The merge of an adjacent token pair: its priority (lower merges first) and the merged token.
  struct Merge {
    int32_t rank = 0;
    int32_t id = 0;
  };

  // Reads OpenAI's merges file (gzip) from a path or `pipe:CMD`. Throws Error(kNotFound/kIo) when
  // it cannot be read, Error(kCorrupt) when it is not a valid merges file.
  static BpeVocabulary from_openai_gz(const std::string& location);
  // Same from the decompressed text; `name` appears in messages. Uses the first `merge_count`
  // merges after the header line.
  static BpeVocabulary from_openai_merges(std::string_view name, std::string_view text,
                                          size_t merge_count = kClipMergeCount);

  // Reads Hugging Face's `vocab.json` (token -> id) and `merges.txt` ("#version" header, then
  // "left right" per line; at most `merge_count` are used). Same errors as from_openai_gz.
  static BpeVocabulary from_hf_files(const std::string& vocab_json_location,
                                     const std::string& merges_location,
                                     size_t merge_count = kClipMergeCount);
  static BpeVocabulary from_hf_text(std::string_view name, std::string_view vocab_json,
                                    std::string_view merges_text,
                                    size_t merge_count = kClipMergeCount);

  // Number of tokens (49,408 for CLIP).
  size_t size() const { return tokens_.size(); }
  // Number of merges in use.
  size_t merge_count() const { return merges_.size(); }

  // Id of the token for one UTF-8 byte, through `bytes_to_unicode`; with `end_of_word`, of that
  // symbol followed by "</w>".
  int32_t byte_token(uint8_t byte, bool end_of_word) const {
    return byte_tokens_[end_of_word ? byte + 256 : byte];
  }

  // The merge of tokens (left, right), or nullptr when the pair never merges.
  const Merge* find_merge(int32_t left, int32_t right) const {
    const auto it = merges_.find(pair_key(left, right));
    return it == merges_.end() ? nullptr : &it->second;
  }

  int32_t start_of_text() const { return start_of_text_; }  // "<|startoftext|>", 49406
  int32_t end_of_text() const { return end_of_text_; }      // "<|endoftext|>", 49407

  // The token's symbol in byte-level form ("photo</w>", "Ġ"); `id` must be < size().
  const std::string& token(int32_t id) const { return tokens_[static_cast<size_t>(id)]; }
  // Looks a symbol up; nullopt when it is not in the vocabulary.
  std::optional<int32_t> token_id(std::string_view symbol) const;

 private:
  BpeVocabulary() = default;
  static uint64_t pair_key(int32_t left, int32_t right) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) |
           static_cast<uint32_t>(right);
  }
  int32_t add_token(std::string_view name, std::string symbol);
  void add_merges(std::string_view name, std::string_view text, size_t merge_count,
                  bool create_tokens);
  void finish(std::string_view name);

  std::vector<std::string> tokens_;               // id -> symbol
  std::unordered_map<std::string, int32_t> ids_;  // symbol -> id
  std::unordered_map<uint64_t, Merge> merges_;    // pair_key(left, right) -> merge
  std::array<int32_t, 512> byte_tokens_{};        // byte, then byte + 256 for "</w>"
  int32_t start_of_text_ = -1;
  int32_t end_of_text_ = -1;
};

// OpenAI's `bytes_to_unicode()`: the code point standing for byte `b` in BPE symbols. Printable
// bytes map to themselves, the other 68 to U+0100.. in byte order (space -> U+0120 'Ġ').
char32_t byte_to_unicode(uint8_t b);

}  // namespace clipret::text
