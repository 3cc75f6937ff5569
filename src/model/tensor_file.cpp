#include "model/tensor_file.h"

#include <algorithm>
#include <cstddef>

#include "core/error.h"

#include <utility>

#include "model/pytorch_checkpoint.h"
#include "model/safetensors_file.h"

namespace clipret::model {

void TensorFile::read_f32_range(const std::string& name, size_t first, size_t count,
                                float* out) const {
  const std::vector<float> all = read_f32(name);
  CLIPRET_CHECK(first <= all.size() && count <= all.size() - first, InvalidInput,
                "%s: tensor '%s': elements [%zu, %zu) past its %zu", path().c_str(), name.c_str(),
                first, first + count, all.size());
  std::copy_n(all.begin() + static_cast<std::ptrdiff_t>(first), count, out);
}

namespace {

bool ends_with(const std::string& s, const char* suffix) {
  const std::string tail(suffix);
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

class SafetensorsTensorFile final : public TensorFile {
 public:
  explicit SafetensorsTensorFile(SafetensorsFile file) : file_(std::move(file)) {}
  const std::string& path() const override { return file_.path(); }
  std::vector<std::string> names() const override {
    std::vector<std::string> out;
    for (const auto& info : file_.tensors()) out.push_back(info.name);
    return out;
  }
  const std::vector<int64_t>* shape(const std::string& name) const override {
    const SafetensorsTensorInfo* info = file_.find(name);
    return info == nullptr ? nullptr : &info->shape;
  }
  std::vector<float> read_f32(const std::string& name) const override {
    return file_.read_f32(name);
  }
  void read_f32_range(const std::string& name, size_t first, size_t count,
                      float* out) const override {
    file_.read_f32_range(name, first, count, out);
  }

 private:
  SafetensorsFile file_;
};

class PytorchTensorFile final : public TensorFile {
 public:
  explicit PytorchTensorFile(PytorchCheckpoint file) : file_(std::move(file)) {}
  const std::string& path() const override { return file_.path(); }
  std::vector<std::string> names() const override {
    std::vector<std::string> out;
    for (const auto& record : file_.tensors()) out.push_back(record.name);
    return out;
  }
  const std::vector<int64_t>* shape(const std::string& name) const override {
    const TorchTensorRecord* record = file_.find(name);
    return record == nullptr ? nullptr : &record->shape;
  }
  std::vector<float> read_f32(const std::string& name) const override {
    return file_.read_f32(name);
  }

 private:
  PytorchCheckpoint file_;
};

}  // namespace

bool is_pytorch_checkpoint_path(const std::string& path) {
  return ends_with(path, ".bin") || ends_with(path, ".pt") || ends_with(path, ".pth");
}

std::unique_ptr<TensorFile> open_tensor_file(const std::string& path) {
  if (is_pytorch_checkpoint_path(path)) {
    return std::make_unique<PytorchTensorFile>(PytorchCheckpoint::open(path));
  }
  return std::make_unique<SafetensorsTensorFile>(SafetensorsFile::open(path));
}

}  // namespace clipret::model
