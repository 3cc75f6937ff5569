// Fuzz target sentencepiece: XLM-RoBERTa's tokenizer (text/sentencepiece_tokenizer.h: the UTF-8
// repair of text/utf8.h, then Debian's libsentencepiece, then the move to fairseq's ids) on
// arbitrary bytes. No sentencepiece model is checked in (tests/text trains one at run time), so
// the first call trains a small BPE model with spm_train on the texts of the fixtures' dev files
// (shared/fixtures/{mclip_tiny/mclip_dev,tokenizer/tokenizer_dev}.jsonl); characters seen too
// rarely are left out of it, so <unk> occurs. Rows must be framed <s> ... </s> within
// max_length, every content id a fairseq id of a model piece (never <s>, <pad> or </s>), and
// encode() must be encode_content() cut to max_length - 2, never an exception. The model file
// itself is not fuzzed: it is parsed by libsentencepiece alone (no code of ours to reach).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "fuzz/fuzz_targets.h"
#include "text/sentencepiece_tokenizer.h"

namespace clipret::fuzz {
namespace {

constexpr size_t kMaxLength = 128;
constexpr size_t kShortMaxLength = 5;

struct Tokenizers {
  std::unique_ptr<text::SentencePieceTokenizer> full;
  std::unique_ptr<text::SentencePieceTokenizer> short_rows;
};

// The dev files' texts, one a line (newlines inside a text become spaces).
std::string training_corpus() {
  std::string corpus;
  for (const char* file :
       {"/fixtures/mclip_tiny/mclip_dev.jsonl", "/fixtures/tokenizer/tokenizer_dev.jsonl"}) {
    const std::string path = std::string(CLIPRET_SHARED_DIR) + file;
    std::ifstream in(path);
    if (!in) throw std::runtime_error("sentencepiece fuzz: cannot read " + path);
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      std::string text = nlohmann::json::parse(line).at("text").get<std::string>();
      for (char& c : text) {
        if (c == '\n' || c == '\r') c = ' ';
      }
      corpus += text + "\n";
    }
  }
  return corpus;
}

Tokenizers train() {
  const std::string corpus_text = training_corpus();
  const std::string corpus =
      fuzz_temp_file("sentencepiece_corpus", reinterpret_cast<const uint8_t*>(corpus_text.data()),
                     corpus_text.size());
  const std::string prefix = corpus + "_model";
  const std::string command = "spm_train --input='" + corpus + "' --model_prefix='" + prefix +
                              "' --vocab_size=400 --model_type=bpe --hard_vocab_limit=false"
                              " --num_threads=1 --minloglevel=2 > /dev/null 2>&1";
  const int status = std::system(command.c_str());
  std::remove(corpus.c_str());
  if (status != 0) {
    throw std::runtime_error("sentencepiece fuzz: spm_train failed (status " +
                             std::to_string(status) +
                             "; scripts/setup.sh installs sentencepiece): " + command);
  }
  Tokenizers t;
  t.full = std::make_unique<text::SentencePieceTokenizer>(prefix + ".model", kMaxLength);
  t.short_rows = std::make_unique<text::SentencePieceTokenizer>(prefix + ".model", kShortMaxLength);
  std::remove((prefix + ".model").c_str());
  std::remove((prefix + ".vocab").c_str());
  return t;
}

const Tokenizers& tokenizers() {
  static const Tokenizers t = train();
  return t;
}

// `row` is <s> + the first max_length - 2 ids of `content` + </s>.
void check_row(const std::vector<int32_t>& row, const std::vector<int32_t>& content,
               size_t max_length) {
  fuzz_check(row.size() >= 2 && row.size() <= max_length, "sentencepiece: row length");
  fuzz_check(row.front() == text::kXlmrBosId && row.back() == text::kXlmrEosId,
             "sentencepiece: row not framed by <s> </s>");
  const size_t kept = std::min(content.size(), max_length - 2);
  fuzz_check(row.size() == kept + 2, "sentencepiece: row is not the content cut to max_length");
  for (size_t i = 0; i < kept; ++i) {
    fuzz_check(row[i + 1] == content[i], "sentencepiece: row differs from encode_content");
  }
}

}  // namespace

int fuzz_one_sentencepiece(const uint8_t* data, size_t size) {
  const Tokenizers& t = tokenizers();
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const std::vector<int32_t> content = t.full->encode_content(bytes);
  // Fairseq ids of model pieces: <unk> 3, the others their sentencepiece id + 1.
  const auto pieces = static_cast<int64_t>(t.full->piece_count());
  for (const int32_t id : content) {
    fuzz_check(id >= text::kXlmrUnkId && id <= pieces, "sentencepiece: content id range");
  }
  check_row(t.full->encode(bytes), content, kMaxLength);
  check_row(t.short_rows->encode(bytes), content, kShortMaxLength);
  return 0;
}

}  // namespace clipret::fuzz
