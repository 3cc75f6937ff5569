#include "text/bert_pre_tokenizer.h"

#include "text/unicode_props.h"

namespace clipret::text {

bool is_bert_punctuation(char32_t cp) {
  if (cp < 0x80) {
    return (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) ||
           (cp >= 123 && cp <= 126);
  }
  return is_punctuation(cp);
}

std::vector<std::u32string_view> bert_pre_tokenize(std::u32string_view text) {
  std::vector<std::u32string_view> words;
  size_t start = 0;  // first character of the word being read
  for (size_t i = 0; i < text.size(); ++i) {
    const char32_t cp = text[i];
    const bool space = is_space(cp);
    if (!space && !is_bert_punctuation(cp)) continue;
    if (start < i) words.push_back(text.substr(start, i - start));
    if (!space) words.push_back(text.substr(i, 1));
    start = i + 1;
  }
  if (start < text.size()) words.push_back(text.substr(start));
  return words;
}

}  // namespace clipret::text
