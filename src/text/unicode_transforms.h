// text/unicode_transforms.h: whole-string Unicode transformations with Python's semantics
// (`str.lower()`, `unicodedata.normalize`), used by the text cleaner.
#pragma once

#include <string>
#include <string_view>

namespace clipret::text {

// Python's `str.lower()`: full lower-case mapping, i.e. the simple mapping plus
// U+0130 -> "i\u0307" and the context-sensitive final sigma (U+03A3 -> U+03C2 at a word's end).
std::u32string python_lower(std::u32string_view text);

// Rust's `char::to_lowercase` on each character, as Hugging Face `tokenizers`' lowercasing does:
// the same full mapping as python_lower but without context, so U+03A3 always becomes U+03C3.
std::u32string lower_each_char(std::u32string_view text);

// Canonical decomposition, `unicodedata.normalize("NFD", text)`.
std::u32string nfd(std::u32string_view text);

// Canonical composition, `unicodedata.normalize("NFC", text)`.
std::u32string nfc(std::u32string_view text);

// Compatibility composition, `unicodedata.normalize("NFKC", text)`.
std::u32string nfkc(std::u32string_view text);

}  // namespace clipret::text
