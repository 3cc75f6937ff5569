// model/pytorch_checkpoint.h: one `pytorch_model.bin` written by torch.save, read without Python
// and without running its pickle.
//
// Format (PyTorch >= 1.6): a zip whose entries are <prefix>/data.pkl (the state dict, pickled:
// see model/torch_pickle.h), <prefix>/data/<key> (each storage's raw little-endian elements,
// stored uncompressed), <prefix>/version and sometimes <prefix>/byteorder. open() validates
// every tensor against its storage entry: the entry exists and holds exactly the elements the
// pickle claims, and the tensor's offset plus its farthest strided element lies inside it,
// overflow included. read_f32 then preads only the span of storage one tensor covers, so peak
// memory is about one tensor, not the file.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "model/torch_pickle.h"

namespace clipret::model {

// Largest data.pkl we read: a state dict's pickle is tens of bytes per tensor.
inline constexpr uint64_t kTorchMaxPickleBytes = 64ull << 20;

class PytorchCheckpoint {
 public:
  // Opens and validates `path`. Throws Error(kNotFound) when missing, Error(kUnsupported) for a
  // legacy (pre-1.6, non-zip) torch.save file, a big-endian one, or a pickle that is not a
  // plain state dict ("refusing to load ..." for any global off the allow-list), Error(kCorrupt)
  // for a file that is not a zip, a truncated or inconsistent one, or a tensor that does not
  // fit its storage; every message names the file (and the tensor).
  static PytorchCheckpoint open(const std::string& path);

  PytorchCheckpoint(PytorchCheckpoint&& other) noexcept;
  PytorchCheckpoint& operator=(PytorchCheckpoint&& other) noexcept;
  PytorchCheckpoint(const PytorchCheckpoint&) = delete;
  PytorchCheckpoint& operator=(const PytorchCheckpoint&) = delete;
  ~PytorchCheckpoint();

  const std::string& path() const;
  // Tensors in pickle order, non-float ones (int64 position_ids buffers) included.
  const std::vector<TorchTensorRecord>& tensors() const;
  // Null when absent.
  const TorchTensorRecord* find(const std::string& name) const;

  // Tensor `name` as float32, row-major (product of shape floats) whatever its strides: F32
  // copied, F16 and BF16 converted. Error(kNotFound) for a missing name, Error(kUnsupported)
  // for other dtypes, Error(kIo) when the read fails. Safe to call from several threads.
  std::vector<float> read_f32(const std::string& name) const;

 private:
  struct Impl;
  explicit PytorchCheckpoint(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace clipret::model
