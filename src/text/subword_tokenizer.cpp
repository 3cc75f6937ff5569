#include "text/subword_tokenizer.h"

#include <filesystem>
#include <optional>

#include "core/error.h"
#include "text/hf_tokenizer_files.h"
#include "text/sentencepiece_tokenizer.h"
#include "text/wordpiece_tokenizer.h"

namespace clipret::text {
namespace {

bool is_file(const std::filesystem::path& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

size_t resolve_max_length(const std::string& folder, size_t max_length) {
  if (max_length != 0) return max_length;
  const std::optional<size_t> configured = read_model_max_length(folder);
  CLIPRET_CHECK(configured.has_value(), InvalidInput,
                "%s: tokenizer_config.json gives no model_max_length; pass a max length",
                folder.c_str());
  return *configured;
}

}  // namespace

std::unique_ptr<SubwordTokenizer> load_subword_tokenizer(const std::string& folder,
                                                         size_t max_length) {
  const std::filesystem::path dir(folder);
  // XLM-R folders often hold a Unigram tokenizer.json as well: the sentencepiece model is the
  // one transformers' XLMRobertaTokenizer reads, so it comes first.
  if (is_file(dir / "sentencepiece.bpe.model")) {
    return std::make_unique<SentencePieceTokenizer>((dir / "sentencepiece.bpe.model").string(),
                                                    resolve_max_length(folder, max_length));
  }
  if (is_file(dir / "tokenizer.json")) {
    const std::string path = (dir / "tokenizer.json").string();
    const std::string type = tokenizer_json_model_type(path);
    CLIPRET_CHECK(type == "WordPiece" || is_file(dir / "vocab.txt"), Unsupported,
                  "%s: model.type '%s' is not supported (WordPiece, or a sentencepiece.bpe.model "
                  "next to it)",
                  path.c_str(), type.c_str());
    if (type == "WordPiece") {
      return std::make_unique<WordPieceTokenizer>(load_wordpiece_tokenizer_json(path),
                                                  resolve_max_length(folder, max_length));
    }
  }
  if (is_file(dir / "vocab.txt")) {
    return std::make_unique<WordPieceTokenizer>(load_wordpiece_vocab_txt(folder),
                                                resolve_max_length(folder, max_length));
  }
  CLIPRET_THROW(NotFound, "%s: no tokenizer (sentencepiece.bpe.model, tokenizer.json or vocab.txt)",
                folder.c_str());
}

}  // namespace clipret::text
