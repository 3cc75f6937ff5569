// text/utf8.h: UTF-8 <-> code point conversion for the tokenizer.
//
// Captions arrive as bytes that claim to be UTF-8. Invalid sequences never throw: each maximal
// invalid subpart becomes one U+FFFD, as Python's `bytes.decode("utf-8", errors="replace")` does
// (the Unicode "best practice" policy), so a bad caption is tokenized instead of crashing a worker.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace clipret::text {

inline constexpr char32_t kReplacementChar = 0xFFFD;

// Decodes `bytes` into code points, replacing invalid sequences (overlongs, surrogates,
// values above U+10FFFF, truncated or stray bytes) with U+FFFD.
std::u32string decode_utf8(std::string_view bytes);

// Strict decoding as ftfy's "utf-8-variants" codec does it, used to re-decode mojibake: standard
// UTF-8 plus two encodings of it that Java and old databases write, CESU-8 surrogate pairs
// (ED A0..AF xx ED B0..BF xx -> one supplementary code point) and C0 80 (-> U+0000). Returns
// nullopt on any other invalid sequence, lone surrogates included, where Python would raise
// UnicodeDecodeError.
std::optional<std::u32string> decode_utf8_variants(std::string_view bytes);

// Appends the UTF-8 encoding of `cp` to `out`. `cp` must be a scalar value (no surrogates).
void append_utf8(char32_t cp, std::string& out);

// Encodes a whole code point string.
std::string encode_utf8(std::u32string_view text);

}  // namespace clipret::text
