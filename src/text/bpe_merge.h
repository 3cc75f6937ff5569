// text/bpe_merge.h: byte-pair encoding of one pre-token (OpenAI's `SimpleTokenizer.bpe`), on
// token ids rather than strings.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace clipret::text {

class BpeVocabulary;

// Appends the ids of `word` (a pre-token's UTF-8 bytes, non-empty) to `out`. Starts from one
// byte token per byte, "</w>" on the last, and repeatedly merges every non-overlapping
// occurrence (left to right) of the adjacent pair with the lowest rank until no pair merges.
void bpe_merge_word(const BpeVocabulary& vocabulary, std::string_view word,
                    std::vector<int32_t>& out);

}  // namespace clipret::text
