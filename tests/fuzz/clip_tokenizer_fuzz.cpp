// Fuzz target clip_tokenizer: OpenAI CLIP's tokenizer (text/clip_tokenizer.h: cleaning, ftfy-style
// repair, HTML unescaping, pre-tokenizing, byte-level BPE) on arbitrary bytes, with the real
// vocabulary (shared/fixtures/tokenizer/bpe_simple_vocab_16e6.txt.gz) and no merge cache, so
// each run is independent. Every id must be inside the vocabulary and every row framed by the
// start and end tokens within context_length; Truncation::kError may only refuse with an Error.
#include <memory>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_targets.h"
#include "text/clip_tokenizer.h"

namespace clipret::fuzz {
namespace {

const text::ClipTokenizer& tokenizer() {
  static const auto t = [] {
    text::ClipTokenizerOptions options;
    options.cache_capacity = 0;
    return std::make_unique<text::ClipTokenizer>(text::ClipTokenizer::load(
        std::string(CLIPRET_SHARED_DIR) + "/fixtures/tokenizer/bpe_simple_vocab_16e6.txt.gz",
        options));
  }();
  return *t;
}

void check_row(const text::ClipTokenizer& t, const std::vector<int32_t>& row, int32_t end) {
  const auto& vocab = t.vocabulary();
  fuzz_check(row.size() == t.context_length(), "clip_tokenizer: row length");
  fuzz_check(row.front() == vocab.start_of_text(), "clip_tokenizer: row does not start framed");
  fuzz_check(end > 0 && static_cast<size_t>(end) < row.size(), "clip_tokenizer: end position");
  fuzz_check(row[static_cast<size_t>(end)] == vocab.end_of_text(),
             "clip_tokenizer: no end token at the end position");
  for (const int32_t id : row) {
    fuzz_check(id >= 0 && static_cast<size_t>(id) < vocab.size(), "clip_tokenizer: id range");
  }
}

}  // namespace

int fuzz_one_clip_tokenizer(const uint8_t* data, size_t size) {
  const text::ClipTokenizer& t = tokenizer();
  const std::string_view caption(reinterpret_cast<const char*>(data), size);
  const std::vector<int32_t> ids = t.encode(caption);
  for (const int32_t id : ids) {
    fuzz_check(id >= 0 && static_cast<size_t>(id) < t.vocabulary().size(),
               "clip_tokenizer: encode id range");
  }
  std::vector<int32_t> row(t.context_length());
  check_row(t, row, t.tokenize_into(caption, row, text::Truncation::kTruncate));
  return accept_or_reject([&] {
    std::vector<int32_t> strict(t.context_length());
    check_row(t, strict, t.tokenize_into(caption, strict, text::Truncation::kError));
  });
}

}  // namespace clipret::fuzz
