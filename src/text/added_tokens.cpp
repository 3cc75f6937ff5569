#include "text/added_tokens.h"

#include <algorithm>

#include "text/unicode_props.h"

namespace clipret::text {
namespace {

// Rust's `char::is_alphanumeric() || c == '_'`, `tokenizers`' word character for single_word.
bool is_word_char(char32_t cp) {
  return cp == '_' || is_letter(cp) || is_number(cp);
}

}  // namespace

void AddedTokenMatcher::add(std::u32string pattern, const AddedToken& token) {
  if (pattern.empty()) return;
  by_first_[pattern[0]].push_back(patterns_.size());
  patterns_.push_back(Pattern{std::move(pattern), token});
}

std::vector<TextPart> AddedTokenMatcher::split(std::u32string_view text) const {
  std::vector<TextPart> parts;
  size_t done = 0;  // end of the last part emitted (after any rstrip)
  size_t pos = 0;   // where the search resumes: the end of the last match, as aho-corasick's
                    // find_iter, so an rstrip'ed space can't start another match's lstrip
  while (pos < text.size()) {
    // Leftmost-longest: the first position with any match, its longest pattern there.
    const Pattern* best = nullptr;
    size_t start = pos;
    for (; start < text.size() && best == nullptr; ++start) {
      const auto it = by_first_.find(text[start]);
      if (it == by_first_.end()) continue;
      for (size_t index : it->second) {
        const Pattern& p = patterns_[index];
        if (text.substr(start, p.text.size()) != p.text) continue;
        if (best == nullptr || p.text.size() > best->text.size()) best = &p;
      }
    }
    if (best == nullptr) break;
    --start;  // the loop stepped past the match
    size_t stop = start + best->text.size();
    pos = stop;
    const AddedToken& token = best->token;
    if (token.single_word) {
      const bool word_before = start > 0 && is_word_char(text[start - 1]);
      const bool word_after = stop < text.size() && is_word_char(text[stop]);
      if (word_before || word_after) continue;
    }
    if (token.lstrip) {
      while (start > done && is_space(text[start - 1])) --start;
    }
    if (token.rstrip) {
      while (stop < text.size() && is_space(text[stop])) ++stop;
    }
    // Only a pattern that starts with whitespace can begin inside the previous rstrip.
    start = std::max(start, done);
    if (start >= stop) continue;
    if (done < start) parts.push_back(TextPart{text.substr(done, start - done), -1});
    parts.push_back(TextPart{text.substr(start, stop - start), token.id});
    done = stop;
  }
  if (done < text.size()) parts.push_back(TextPart{text.substr(done), -1});
  return parts;
}

}  // namespace clipret::text
