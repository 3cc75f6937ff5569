#include "text/pretokenizer.h"

#include "text/unicode_props.h"

namespace clipret::text {
namespace {

constexpr char32_t kLongS = 0x17F;  // simple case folding maps it to 's'

// The regex's IGNORECASE (simple case folding) for the ASCII letters of the patterns.
char32_t fold(char32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return cp + ('a' - 'A');
  if (cp == kLongS) return 's';
  return cp;
}

// Length of `pattern` if `text` matches it case-insensitively at `pos`, else 0.
size_t match_at(std::u32string_view text, size_t pos, std::u32string_view pattern) {
  if (text.size() - pos < pattern.size()) return 0;
  for (size_t k = 0; k < pattern.size(); ++k) {
    if (fold(text[pos + k]) != pattern[k]) return 0;
  }
  return pattern.size();
}

constexpr std::u32string_view kStartOfText = U"<|startoftext|>";
constexpr std::u32string_view kEndOfText = U"<|endoftext|>";
constexpr std::u32string_view kContractions[] = {U"'s", U"'t",  U"'re", U"'ve",
                                                 U"'m", U"'ll", U"'d"};

bool is_other(char32_t cp) {
  return !is_space(cp) && !is_letter(cp) && !is_number(cp);
}

}  // namespace

void pretokenize(std::u32string_view text, std::vector<Pretoken>& out) {
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    const char32_t c = text[i];
    if (is_space(c)) {
      ++i;
      continue;
    }
    if (c == '<') {
      if (size_t len = match_at(text, i, kStartOfText)) {
        out.push_back({i, i + len, SpecialToken::kStartOfText});
        i += len;
        continue;
      }
      if (size_t len = match_at(text, i, kEndOfText)) {
        out.push_back({i, i + len, SpecialToken::kEndOfText});
        i += len;
        continue;
      }
    } else if (c == '\'') {
      size_t len = 0;
      for (std::u32string_view contraction : kContractions) {
        if ((len = match_at(text, i, contraction)) != 0) break;
      }
      if (len != 0) {
        out.push_back({i, i + len, SpecialToken::kNone});
        i += len;
        continue;
      }
    }
    size_t j = i + 1;
    if (is_letter(c)) {
      while (j < n && is_letter(text[j])) ++j;
    } else if (!is_number(c)) {
      while (j < n && is_other(text[j])) ++j;
    }
    out.push_back({i, j, SpecialToken::kNone});
    i = j;
  }
}

}  // namespace clipret::text
