// model/sentence_encoder.h: a loaded multilingual text encoder (model/sentence_checkpoint.h):
// token ids in, one unnormalised embedding per text out (the caller L2-normalises, as for
// CLIP).
//
// Texts are lists of token ids with their framing tokens (the tokenizer's output, at most
// max_tokens() ids each); texts of different lengths batch without padding
// (model/bert_encoder.h). Not thread-safe: one encode call at a time per SentenceEncoder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/bert_config.h"
#include "model/clip_config.h"

namespace clipret::model {

class Backend;
struct ClipModelOptions;

struct SentenceEncoderOptions {
  // Threads of the CPU backend the encoder creates (as ClipModelOptions::threads).
  int threads = 0;
  // Texts per forward pass; encode calls with more are split.
  size_t max_batch = 32;
  // The encoder blocks' Linear weights, as ClipModelOptions::precision (--precision of back and
  // filter reaches the multilingual model too); embeddings, norms and the projection stay fp32.
  WeightPrecision precision = WeightPrecision::kFp32;
};

// The options of a multilingual encoder used beside a CLIP model: the same threads and
// precision, `max_batch` texts per pass.
SentenceEncoderOptions sentence_encoder_options_like(const ClipModelOptions& clip,
                                                     size_t max_batch);

class SentenceEncoder {
 public:
  // Loads a sentence-transformers or M-CLIP folder. Throws load_sentence_checkpoint's errors.
  static SentenceEncoder load(const std::string& folder,
                              const SentenceEncoderOptions& options = {});
  // As load(), on a caller-provided backend.
  static SentenceEncoder load(const std::string& folder, std::unique_ptr<Backend> backend,
                              const SentenceEncoderOptions& options = {});

  SentenceEncoder(SentenceEncoder&& other) noexcept;
  SentenceEncoder& operator=(SentenceEncoder&& other) noexcept;
  SentenceEncoder(const SentenceEncoder&) = delete;
  SentenceEncoder& operator=(const SentenceEncoder&) = delete;
  ~SentenceEncoder();

  const SentenceEncoderConfig& config() const;
  int64_t embed_dim() const;
  // Truncation length the tokenizer must apply, framing tokens included.
  int64_t max_tokens() const;
  // The folder holding the tokenizer files (the Transformer module's, or the model folder).
  const std::string& tokenizer_folder() const;
  Backend& backend();

  // out (n x embed_dim(), caller owns) = embeddings of `texts`. Throws Error(kInvalidInput) for
  // an empty id list, one longer than max_tokens(), or ids outside the vocabulary.
  void encode(const std::vector<std::vector<int32_t>>& texts, float* out);

 private:
  struct Impl;
  explicit SentenceEncoder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace clipret::model
