// text/subword_tokenizer.h: the text tokenizers of the multilingual text models (issue 16), behind
// one interface: WordPiece for BERT-family models (text/wordpiece_tokenizer.h) and SentencePiece
// for XLM-RoBERTa (text/sentencepiece_tokenizer.h).
//
// Thread safety: encode() is const and may be called concurrently on one instance.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace clipret::text {

class SubwordTokenizer {
 public:
  virtual ~SubwordTokenizer() = default;

  // Ids of one UTF-8 text with its framing tokens ([CLS] ... [SEP], <s> ... </s>), at most
  // max_length() of them: a longer text loses its last content ids, never the framing. Invalid
  // UTF-8 never throws: each maximal invalid subpart is read as U+FFFD (text/utf8.h).
  virtual std::vector<int32_t> encode(std::string_view utf8) const = 0;

  // The id the model code pads rows with (attention-masked, so it never changes a result).
  virtual int32_t pad_id() const = 0;

  // Most ids encode() returns, framing included.
  virtual size_t max_length() const = 0;
};

// Detects the tokenizer in a model folder: `sentencepiece.bpe.model` -> SentencePiece;
// `tokenizer.json` with a WordPiece model, or `vocab.txt` -> WordPiece. `max_length` 0 takes
// `model_max_length` from the folder's `tokenizer_config.json`. Throws Error(kNotFound) naming
// the folder when it holds no tokenizer, Error(kUnsupported) for a tokenizer.json of another
// model type, and what the loaders throw for broken files.
std::unique_ptr<SubwordTokenizer> load_subword_tokenizer(const std::string& folder,
                                                         size_t max_length);

}  // namespace clipret::text
