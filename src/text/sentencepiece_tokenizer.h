// text/sentencepiece_tokenizer.h: XLM-RoBERTa's tokenizer (transformers' XLMRobertaTokenizer) on
// Debian's libsentencepiece: a `sentencepiece.bpe.model` encodes the text, and its ids are moved
// to fairseq's dictionary: <s> 0, <pad> 1, </s> 2, <unk> 3, every other piece its sentencepiece
// id + 1. Rows are framed <s> ... </s>.
//
// Invalid UTF-8 is first repaired as text/utf8.h does (U+FFFD per invalid subpart), so the
// result is that of Python's `bytes.decode("utf-8", "replace")` fed to the Python tokenizer.
// Literal "<s>" or "<mask>" in a text is ordinary text here (the Python tokenizer would map
// them to their special ids); captions don't carry them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "text/subword_tokenizer.h"

namespace clipret::text {

inline constexpr int32_t kXlmrBosId = 0;  // <s>
inline constexpr int32_t kXlmrPadId = 1;  // <pad>
inline constexpr int32_t kXlmrEosId = 2;  // </s>
inline constexpr int32_t kXlmrUnkId = 3;  // <unk>

class SentencePieceTokenizer final : public SubwordTokenizer {
 public:
  // Loads the model file. Throws Error(kNotFound) when missing, Error(kCorrupt) when
  // sentencepiece rejects it, Error(kInvalidInput) when max_length < 3.
  SentencePieceTokenizer(const std::string& model_path, size_t max_length);
  ~SentencePieceTokenizer() override;
  SentencePieceTokenizer(const SentencePieceTokenizer&) = delete;
  SentencePieceTokenizer& operator=(const SentencePieceTokenizer&) = delete;

  // <s> content </s>, the content cut to max_length - 2 ids.
  std::vector<int32_t> encode(std::string_view utf8) const override;
  int32_t pad_id() const override { return kXlmrPadId; }
  size_t max_length() const override { return max_length_; }

  // The fairseq ids of the text alone: no framing, no length limit.
  std::vector<int32_t> encode_content(std::string_view utf8) const;

  // Pieces in the sentencepiece model (the fairseq vocabulary adds <pad> and <mask>).
  size_t piece_count() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string path_;
  size_t max_length_;
};

}  // namespace clipret::text
