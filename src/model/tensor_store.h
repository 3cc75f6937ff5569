// model/tensor_store.h: the tensors of a checkpoint, by name, across one or several
// safetensors or torch.save files.
//
// A checkpoint is one `model.safetensors` or `pytorch_model.bin` (torch.save's zip format, read
// without Python: model/pytorch_checkpoint.h), or shards listed by `model.safetensors.index.json`
// or `pytorch_model.bin.index.json` ({"metadata": {...}, "weight_map": {tensor name: shard file
// name}}). Loaders ask for tensors
// by name with the shape they expect, so a mismatch between config and weights is caught here.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace clipret::model {

class TensorFile;

class TensorStore {
 public:
  // `path` is a .safetensors file, a torch .bin/.pt/.pth, or an .index.json (shards resolved
  // next to it, each opened by its extension). Throws SafetensorsFile::open's or
  // PytorchCheckpoint::open's errors, Error(kCorrupt) for a bad index (not JSON, no
  // weight_map, a shard path leaving the folder, a listed tensor missing from its shard).
  static TensorStore open(const std::string& path);

  TensorStore(TensorStore&& other) noexcept;
  TensorStore& operator=(TensorStore&& other) noexcept;
  TensorStore(const TensorStore&) = delete;
  TensorStore& operator=(const TensorStore&) = delete;
  ~TensorStore();

  // The index or file path given to open(), for messages.
  const std::string& path() const;
  bool has(const std::string& name) const;
  // Shape of `name`; Error(kCorrupt) "checkpoint lacks tensor" when absent.
  std::vector<int64_t> shape(const std::string& name) const;
  // All tensor names, sorted.
  std::vector<std::string> names() const;

  // Reads `name` as float32 (row-major). Throws Error(kCorrupt) naming file and tensor when it is
  // absent or its shape differs from `expected_shape`, Error(kUnsupported) for dtypes other than
  // F32/F16/BF16.
  std::vector<float> read_f32(const std::string& name,
                              const std::vector<int64_t>& expected_shape) const;
  // Elements [first, first + count) of read_f32(name, expected_shape) into out, with the same
  // checks; from a safetensors file only that range is read.
  void read_f32_range(const std::string& name, const std::vector<int64_t>& expected_shape,
                      size_t first, size_t count, float* out) const;

 private:
  struct Impl;
  explicit TensorStore(std::unique_ptr<Impl> impl);
  // The file holding `name`, after the presence and shape checks of read_f32.
  const TensorFile& checked_file(const std::string& name,
                                 const std::vector<int64_t>& expected_shape) const;
  std::unique_ptr<Impl> impl_;
};

// The weights file of a Hugging Face model folder: model.safetensors, its shard index,
// pytorch_model.bin or its shard index, in that order; empty when none exists.
std::string weights_file_in(const std::string& folder);
// weights_file_in, or Error(kNotFound) naming the folder and the names looked for.
std::string find_weights_file(const std::string& folder);

// "[768, 3, 32, 32]" for messages.
std::string shape_to_string(const std::vector<int64_t>& shape);

}  // namespace clipret::model
