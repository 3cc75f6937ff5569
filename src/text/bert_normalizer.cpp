#include "text/bert_normalizer.h"

#include "text/unicode_props.h"
#include "text/unicode_transforms.h"
#include "text/utf8.h"

namespace clipret::text {
namespace {

bool is_bert_whitespace(char32_t cp) {
  return cp == '\t' || cp == '\n' || cp == '\r' || is_space(cp);
}

bool is_bert_control(char32_t cp) {
  if (cp == '\t' || cp == '\n' || cp == '\r') return false;
  return is_other_category(cp);
}

std::u32string clean_text(std::u32string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (char32_t cp : text) {
    if (cp == 0 || cp == kReplacementChar || is_bert_control(cp)) continue;
    out.push_back(is_bert_whitespace(cp) ? U' ' : cp);
  }
  return out;
}

std::u32string space_chinese_chars(std::u32string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (char32_t cp : text) {
    if (is_bert_chinese_char(cp)) {
      out.push_back(' ');
      out.push_back(cp);
      out.push_back(' ');
    } else {
      out.push_back(cp);
    }
  }
  return out;
}

std::u32string strip_accents(std::u32string_view text) {
  std::u32string decomposed = nfd(text);
  std::u32string out;
  out.reserve(decomposed.size());
  for (char32_t cp : decomposed) {
    if (!is_nonspacing_mark(cp)) out.push_back(cp);
  }
  return out;
}

}  // namespace

bool is_bert_chinese_char(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F) ||
         (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

std::u32string bert_normalize(std::u32string_view text, const BertNormalizerOptions& options) {
  std::u32string out(text);
  if (options.clean_text) out = clean_text(out);
  if (options.handle_chinese_chars) out = space_chinese_chars(out);
  if (options.strip_accents.value_or(options.lowercase)) out = strip_accents(out);
  if (options.lowercase) out = lower_each_char(out);
  return out;
}

}  // namespace clipret::text
