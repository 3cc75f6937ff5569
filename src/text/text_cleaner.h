// text/text_cleaner.h: OpenAI CLIP's caption normalisation before pre-tokenization:
// `whitespace_clean(basic_clean(text)).lower()` from `clip/simple_tokenizer.py`.
#pragma once

#include <string>
#include <string_view>

namespace clipret::text {

// The full cleaning of one caption given as UTF-8 bytes:
//   1. decode, invalid sequences -> U+FFFD (text/utf8.h);
//   2. ftfy.fix_text subset (text/ftfy_fixer.h);
//   3. html.unescape twice ("&amp;amp;" -> "&"), strip;
//   4. every run of whitespace -> one space, strip;
//   5. Python's str.lower().
std::u32string clean_text(std::string_view utf8);

// Step 4 alone: collapses runs of `\s` (text/unicode_props.h is_space) to one ' ' and strips
// both ends.
std::u32string collapse_whitespace(std::u32string_view text);

}  // namespace clipret::text
