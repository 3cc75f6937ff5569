// text/added_tokens.h: Hugging Face `tokenizers`' added tokens ([CLS], [MASK], ...), which a text
// may contain literally: they are cut out before normalization and map straight to their ids,
// as AddedVocabulary::extract_and_normalize does.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace clipret::text {

// One entry of tokenizer.json's "added_tokens".
struct AddedToken {
  std::string content;  // UTF-8
  int32_t id = 0;
  bool single_word = false;  // match only between non-word characters
  bool lstrip = false;       // the match takes the whitespace on its left
  bool rstrip = false;       // the match takes the whitespace on its right
  bool normalized = false;   // matched on normalized text (else on the raw text)
};

// A part of a text: an added token's id, or (id < 0) text for the normal pipeline.
struct TextPart {
  std::u32string_view text;
  int32_t id = -1;
};

// Finds the leftmost-longest occurrences of a set of patterns, non-overlapping, left to right.
class AddedTokenMatcher {
 public:
  AddedTokenMatcher() = default;
  // `pattern` (code points) stands for `token`; empty patterns are ignored.
  void add(std::u32string pattern, const AddedToken& token);
  bool empty() const { return patterns_.empty(); }

  // Splits `text` into added tokens and the text between them (empty parts are left out).
  std::vector<TextPart> split(std::u32string_view text) const;

 private:
  struct Pattern {
    std::u32string text;
    AddedToken token;
  };
  std::vector<Pattern> patterns_;
  // First code point -> indices into patterns_.
  std::unordered_map<char32_t, std::vector<size_t>> by_first_;
};

}  // namespace clipret::text
