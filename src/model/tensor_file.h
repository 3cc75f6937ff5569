// model/tensor_file.h: one weights file as TensorStore sees it, whatever its format
// (.safetensors, or a torch.save .bin). Internal to model/: TensorStore is the public face.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace clipret::model {

class TensorFile {
 public:
  virtual ~TensorFile() = default;
  TensorFile(const TensorFile&) = delete;
  TensorFile& operator=(const TensorFile&) = delete;

  virtual const std::string& path() const = 0;
  // Every tensor name, in file order.
  virtual std::vector<std::string> names() const = 0;
  // Shape of `name`; null when the file lacks it.
  virtual const std::vector<int64_t>* shape(const std::string& name) const = 0;
  // `name` as float32, row-major; Error(kUnsupported) for dtypes other than F32/F16/BF16.
  virtual std::vector<float> read_f32(const std::string& name) const = 0;
  // Elements [first, first + count) of read_f32(name) into out. This default reads the whole
  // tensor; safetensors reads only the range (the loaders stream large tensors in slices).
  virtual void read_f32_range(const std::string& name, size_t first, size_t count,
                              float* out) const;

 protected:
  TensorFile() = default;
};

// True for the names torch.save checkpoints go by: *.bin, *.pt, *.pth.
bool is_pytorch_checkpoint_path(const std::string& path);

// Opens `path` by its name: a torch checkpoint (PytorchCheckpoint::open) or else a
// .safetensors file (SafetensorsFile::open), with their errors.
std::unique_ptr<TensorFile> open_tensor_file(const std::string& path);

}  // namespace clipret::model
