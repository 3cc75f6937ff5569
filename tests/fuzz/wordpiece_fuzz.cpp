// Fuzz target wordpiece: the WordPiece tokenizer (text/wordpiece_tokenizer.h) on arbitrary bytes
// (invalid UTF-8, control and format characters, CJK, huge words): ids must be framed by
// [CLS] ... [SEP], within the vocabulary and the length limit, and never a crash or a sanitizer
// report. The vocabulary is the mclip_tiny fixture's, with lower-casing and accent stripping when
// the first byte is odd, so both normaliser paths run.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_targets.h"
#include "text/hf_tokenizer_files.h"
#include "text/wordpiece_tokenizer.h"

namespace clipret::fuzz {
namespace {

constexpr size_t kMaxLength = 128;

const text::WordPieceTokenizer& tokenizer(bool uncased) {
  static const auto load = [](bool lower) {
    text::WordPieceModel model = text::load_wordpiece_tokenizer_json(
        std::string(CLIPRET_SHARED_DIR) + "/fixtures/mclip_tiny/model/tokenizer.json");
    model.normalizer.lowercase = lower;
    model.normalizer.strip_accents = lower;
    return std::make_unique<text::WordPieceTokenizer>(std::move(model), kMaxLength);
  };
  static const auto cased = load(false);
  static const auto lowered = load(true);
  return uncased ? *lowered : *cased;
}

}  // namespace

int fuzz_one_wordpiece(const uint8_t* data, size_t size) {
  const bool uncased = size > 0 && (data[0] & 1) != 0;
  const auto& t = tokenizer(uncased);
  const std::vector<int32_t> ids =
      t.encode(std::string_view(reinterpret_cast<const char*>(data), size));
  const auto vocab = static_cast<int32_t>(t.model().vocab.size());
  fuzz_check(ids.size() >= 2 && ids.size() <= kMaxLength, "wordpiece: length");
  fuzz_check(ids.front() == 2 && ids.back() == 3, "wordpiece: not framed by [CLS] [SEP]");
  for (const int32_t id : ids) fuzz_check(id >= 0 && id < vocab, "wordpiece: id range");
  return 0;
}

}  // namespace clipret::fuzz
