// text/pretokenizer.h: splits cleaned text into the pieces BPE works on, exactly as OpenAI CLIP's
// regex (case-insensitive, alternatives tried in this order at each position):
//   <|startoftext|> | <|endoftext|> | 's | 't | 're | 've | 'm | 'll | 'd | \p{L}+ | \p{N} |
//   [^\s\p{L}\p{N}]+
// Whitespace between pieces is dropped. Hand-written (no std::regex) over code points, with the
// classes of text/unicode_props.h.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace clipret::text {

enum class SpecialToken {
  kNone,         // an ordinary piece, to be byte-encoded and merged
  kStartOfText,  // the literal text "<|startoftext|>"
  kEndOfText,    // the literal text "<|endoftext|>"
};

// One piece: the code points [begin, end) of the input.
struct Pretoken {
  size_t begin = 0;
  size_t end = 0;
  SpecialToken special = SpecialToken::kNone;
};

// Appends the pieces of `text` to `out` (not cleared), in order.
void pretokenize(std::u32string_view text, std::vector<Pretoken>& out);

}  // namespace clipret::text
