// text/wordpiece_tokenizer.h: the BERT tokenizer of Hugging Face `tokenizers` (the fast
// BertTokenizer): added tokens cut out of the raw text, BertNormalizer (text/bert_normalizer.h),
// BertPreTokenizer (text/bert_pre_tokenizer.h), WordPiece, then the [CLS] ... [SEP] template.
// Written here because Debian packages no WordPiece library; ids match `tokenizers` exactly,
// up to Unicode version differences between utf8proc and the Rust crates' tables.
//
// Invalid UTF-8: each maximal invalid subpart becomes U+FFFD (text/utf8.h), which clean_text
// drops; without clean_text it reaches WordPiece and usually becomes the unk token.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "text/added_tokens.h"
#include "text/bert_normalizer.h"
#include "text/subword_tokenizer.h"

namespace clipret::text {

// Everything a WordPiece tokenizer is made of, as read by text/wordpiece_loader.h.
struct WordPieceModel {
  std::unordered_map<std::string, int32_t> vocab;  // UTF-8 piece -> id
  std::string unk_token = "[UNK]";                 // must be in vocab
  std::string continuing_subword_prefix = "##";
  // A longer word (in code points) becomes the unk token without trying to split it.
  size_t max_input_chars_per_word = 100;
  BertNormalizerOptions normalizer;
  std::vector<AddedToken> added_tokens;
  std::vector<int32_t> prefix_ids;  // the template's ids before the text: [CLS]
  std::vector<int32_t> suffix_ids;  // and after it: [SEP]
  int32_t pad_id = 0;
};

class WordPieceTokenizer final : public SubwordTokenizer {
 public:
  // Throws Error(kInvalidInput) when the unk token is not in the vocabulary or `max_length`
  // cannot hold the framing ids plus one.
  WordPieceTokenizer(WordPieceModel model, size_t max_length);

  // [prefix] content [suffix], the content cut to fit max_length (HF's truncation=True).
  std::vector<int32_t> encode(std::string_view utf8) const override;
  int32_t pad_id() const override { return model_.pad_id; }
  size_t max_length() const override { return max_length_; }

  // The ids of the text alone: no framing, no length limit.
  std::vector<int32_t> encode_content(std::string_view utf8) const;

  const WordPieceModel& model() const { return model_; }

 private:
  // Normalizes, pre-tokenizes and splits a text part that holds no raw-matched added token.
  void encode_part(std::u32string_view text, std::vector<int32_t>& out) const;
  // Greedy longest-prefix WordPiece of one word.
  void encode_word(std::u32string_view word, std::vector<int32_t>& out) const;

  WordPieceModel model_;
  size_t max_length_;
  int32_t unk_id_ = 0;
  size_t longest_piece_bytes_ = 0;        // no vocabulary entry is longer: bounds the prefix search
  AddedTokenMatcher raw_matcher_;         // added tokens with normalized=false
  AddedTokenMatcher normalized_matcher_;  // normalized=true, patterns normalized
};

}  // namespace clipret::text
