// text/bert_pre_tokenizer.h: Hugging Face `tokenizers`' BertPreTokenizer: normalized text ->
// the words WordPiece then splits (text/wordpiece_tokenizer.h).
#pragma once

#include <string_view>
#include <vector>

namespace clipret::text {

// BERT's punctuation: ASCII 33-47, 58-64, 91-96, 123-126 (symbols such as '$' included) or
// Unicode category P*.
bool is_bert_punctuation(char32_t cp);

// Splits on whitespace (Unicode White_Space, dropped) and makes every punctuation character its
// own word. The views point into `text`.
std::vector<std::u32string_view> bert_pre_tokenize(std::u32string_view text);

}  // namespace clipret::text
