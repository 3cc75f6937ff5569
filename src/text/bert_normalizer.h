// text/bert_normalizer.h: Hugging Face `tokenizers`' BertNormalizer, the first step of the
// WordPiece tokenizer (text/wordpiece_tokenizer.h), on code points.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace clipret::text {

// The "normalizer" object of a BERT tokenizer.json (defaults as BertNormalizer::default()).
struct BertNormalizerOptions {
  // Drop U+0000, U+FFFD and category C* except \t \n \r; map whitespace to ' '.
  bool clean_text = true;
  // Put spaces around CJK ideographs, so each becomes its own word.
  bool handle_chinese_chars = true;
  // NFD then drop category Mn; nullopt follows `lowercase` (uncased models strip accents).
  std::optional<bool> strip_accents;
  // Per-character full lower-case mapping (Rust's char::to_lowercase).
  bool lowercase = true;
};

// The steps in the order `tokenizers` runs them: clean, CJK spacing, accents, then lowercase.
// Whitespace is Rust's char::is_whitespace (Unicode White_Space, so U+2028 too), tested after
// the control characters are gone (U+0085 and U+000B, being Cc, are dropped, not spaced).
std::u32string bert_normalize(std::u32string_view text, const BertNormalizerOptions& options);

// The CJK ideograph blocks of `tokenizers`' is_chinese_char. Its block from U+2B920 (not BERT's
// U+2B820) is kept as is: U+2B820..U+2B91F stay attached to their neighbours, as there.
bool is_bert_chinese_char(char32_t cp);

}  // namespace clipret::text
