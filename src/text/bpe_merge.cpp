#include "text/bpe_merge.h"

#include <cassert>
#include <limits>

#include "text/bpe_vocabulary.h"

namespace clipret::text {

void bpe_merge_word(const BpeVocabulary& vocabulary, std::string_view word,
                    std::vector<int32_t>& out) {
  assert(!word.empty());
  const size_t first = out.size();
  for (size_t i = 0; i < word.size(); ++i) {
    out.push_back(vocabulary.byte_token(static_cast<uint8_t>(word[i]), i + 1 == word.size()));
  }
  // Work in place on out[first, end): words are short, so a rescan per merge is cheapest.
  size_t end = out.size();
  while (end - first > 1) {
    int32_t best_rank = std::numeric_limits<int32_t>::max();
    const BpeVocabulary::Merge* best = nullptr;
    int32_t best_left = 0;
    int32_t best_right = 0;
    for (size_t i = first; i + 1 < end; ++i) {
      const BpeVocabulary::Merge* merge = vocabulary.find_merge(out[i], out[i + 1]);
      if (merge != nullptr && merge->rank < best_rank) {
        best_rank = merge->rank;
        best = merge;
        best_left = out[i];
        best_right = out[i + 1];
      }
    }
    if (best == nullptr) break;
    size_t write = first;
    for (size_t read = first; read < end;) {
      if (read + 1 < end && out[read] == best_left && out[read + 1] == best_right) {
        out[write++] = best->id;
        read += 2;
      } else {
        out[write++] = out[read++];
      }
    }
    end = write;
  }
  out.resize(end);
}

}  // namespace clipret::text
