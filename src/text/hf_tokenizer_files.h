// text/hf_tokenizer_files.h: reads the tokenizer files of a Hugging Face model folder
// (tokenizer.json, vocab.txt, tokenizer_config.json) into a WordPieceModel. Every error names
// the file: Error(kNotFound) when missing, Error(kCorrupt) for bad JSON or missing special
// tokens, Error(kUnsupported) for pipelines other than BERT's.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "text/wordpiece_tokenizer.h"

namespace clipret::text {

// tokenizer.json with model.type "WordPiece", a BertNormalizer (or none), a BertPreTokenizer,
// and a TemplateProcessing or BertProcessing post-processor (or none: no framing). The pad id
// is padding.pad_id, else tokenizer_config.json's pad_token, else "[PAD]", else 0.
WordPieceModel load_wordpiece_tokenizer_json(const std::string& path);

// `folder`/vocab.txt (id = line number, as transformers' load_vocab: a repeated line keeps the
// later id) with `folder`/tokenizer_config.json when present (do_lower_case, strip_accents,
// tokenize_chinese_chars, the special tokens, added_tokens_decoder), built as transformers
// converts a slow BertTokenizer to a fast one.
WordPieceModel load_wordpiece_vocab_txt(const std::string& folder);

// model.type of a tokenizer.json ("WordPiece", "BPE", "Unigram", ...).
std::string tokenizer_json_model_type(const std::string& path);

// `folder`/tokenizer_config.json's model_max_length; nullopt when the file or field is absent
// or holds transformers' "no limit" (1e30, written as a float).
std::optional<size_t> read_model_max_length(const std::string& folder);

}  // namespace clipret::text
