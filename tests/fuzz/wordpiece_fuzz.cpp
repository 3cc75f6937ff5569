// libFuzzer target for the WordPiece tokenizer (text/wordpiece_tokenizer.h) on arbitrary bytes
// (invalid UTF-8, control and format characters, CJK, huge words): ids must be framed by
// [CLS] ... [SEP], within the vocabulary and the length limit, and never a crash or a sanitizer
// report. The vocabulary is the mclip_tiny fixture's (CLIPRET_WORDPIECE_TOKENIZER_JSON), with
// lower-casing and accent stripping on every other input so both normaliser paths run. Built by
// scripts/fuzz.sh (clang, outside CI).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "core/error.h"
#include "text/hf_tokenizer_files.h"
#include "text/wordpiece_tokenizer.h"

namespace {

constexpr size_t kMaxLength = 128;

const clipret::text::WordPieceTokenizer& tokenizer(bool uncased) {
  static const auto load = [](bool lower) {
    clipret::text::WordPieceModel model =
        clipret::text::load_wordpiece_tokenizer_json(CLIPRET_WORDPIECE_TOKENIZER_JSON);
    model.normalizer.lowercase = lower;
    model.normalizer.strip_accents = lower;
    return std::make_unique<clipret::text::WordPieceTokenizer>(std::move(model), kMaxLength);
  };
  static const auto cased = load(false);
  static const auto lowered = load(true);
  return uncased ? *lowered : *cased;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const bool uncased = size > 0 && (data[0] & 1) != 0;
  const auto& t = tokenizer(uncased);
  const std::vector<int32_t> ids =
      t.encode(std::string_view(reinterpret_cast<const char*>(data), size));
  const auto vocab = static_cast<int32_t>(t.model().vocab.size());
  if (ids.size() < 2 || ids.size() > kMaxLength) __builtin_trap();
  if (ids.front() != 2 || ids.back() != 3) __builtin_trap();  // the fixture's [CLS], [SEP]
  for (const int32_t id : ids) {
    if (id < 0 || id >= vocab) __builtin_trap();
  }
  return 0;
}
