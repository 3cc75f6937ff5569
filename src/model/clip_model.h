// model/clip_model.h: a loaded CLIP model: both towers, their weights and a backend.
//
// Layout (as faiss's Index.h): images are n x channels x S x S row-major float32, already
// resized, cropped and normalised with config().preprocess (S = image_size()); texts are
// n x context_length() int32 token ids (start token, tokens, end token 49407, zero padding).
// Outputs are n x embed_dim() float32, unnormalised (the caller L2-normalises).
// Not thread-safe: one encode call at a time per ClipModel.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "model/clip_config.h"

namespace clipret::model {

class Backend;

enum class CheckpointLayout {
  kHuggingFace,  // config.json + model.safetensors (or sharded)
  kOpenClip,     // open_clip_config.json + open_clip_model.safetensors
  kInMemory,     // built by with_random_weights()
};

struct ClipModelOptions {
  // Threads of the CPU backend the model creates (CpuBackendOptions::threads; 0: every
  // available core); ignored with a caller-given backend. OpenBLAS's own count is the
  // command's to set (core/compute_threads.h).
  int threads = 0;
  // Images or texts per forward pass; encode calls with more are split. Activation memory grows
  // linearly with it (ViT-B/32: ~1.5 MB per image), gemm efficiency saturates around 16-32.
  size_t max_batch = 32;
  // Run the text blocks only up to the last end token of the batch (exact up to float rounding;
  // clip-inference-notes §1.3). Off only to check that claim.
  bool truncate_text = true;
  // The precision of the blocks' Linear weights (--precision) on the CPU backend the model
  // creates; ignored with a caller-given backend (CpuBackendOptions::precision says it there).
  WeightPrecision precision = WeightPrecision::kFp32;
};

class ClipModel {
 public:
  // Loads the checkpoint in `folder`, detecting its layout (Hugging Face first, then OpenCLIP).
  // Throws Error(kNotFound) when the folder holds neither, and the loaders' errors
  // (Error(kCorrupt) naming file and tensor, Error(kUnsupported) for other architectures).
  static ClipModel load(const std::string& folder, const ClipModelOptions& options = {});

  // A model of `config`'s sizes with deterministic random weights (benchmarks, tests).
  static ClipModel with_random_weights(const ClipConfig& config, uint64_t seed,
                                       const ClipModelOptions& options = {});

  // As load(), on a caller-provided backend (e.g. one that counts or replaces ops).
  static ClipModel load(const std::string& folder, std::unique_ptr<Backend> backend,
                        const ClipModelOptions& options = {});
  static ClipModel with_random_weights(const ClipConfig& config, uint64_t seed,
                                       std::unique_ptr<Backend> backend,
                                       const ClipModelOptions& options = {});

  ClipModel(ClipModel&& other) noexcept;
  ClipModel& operator=(ClipModel&& other) noexcept;
  ClipModel(const ClipModel&) = delete;
  ClipModel& operator=(const ClipModel&) = delete;
  ~ClipModel();

  const ClipConfig& config() const;
  CheckpointLayout layout() const;
  int64_t embed_dim() const;
  int64_t image_size() const;
  int64_t context_length() const;
  Backend& backend();

  // out (n x embed_dim(), caller owns) = image features of `pixels` (n x 3 x S x S).
  void encode_image(const float* pixels, size_t n, float* out);
  // out (n x embed_dim(), caller owns) = text features of `ids` (n x context_length()). Throws
  // Error(kInvalidInput) for ids outside the vocabulary.
  void encode_text(const int32_t* ids, size_t n, float* out);

 private:
  struct Impl;
  explicit ClipModel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace clipret::model
