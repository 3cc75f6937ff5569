#include "model/weight_loader.h"

#include <algorithm>

#include "model/tensor_store.h"

namespace clipret::model {

Buffer WeightLoader::upload(const std::vector<float>& values) {
  Buffer buffer = backend_.alloc(values.size());
  backend_.upload(values.data(), values.size(), buffer, 0);
  return buffer;
}

Buffer WeightLoader::load(const std::string& name, const std::vector<int64_t>& shape) {
  // In slices through one small staging copy, not the whole tensor at once: the peak while a
  // model loads is then its weights, not its weights plus its largest tensor (the token
  // embedding: 100 MB for ViT-B/32).
  constexpr size_t kSliceFloats = size_t{1} << 20;
  size_t count = 1;
  for (const int64_t dim : shape) count *= static_cast<size_t>(dim);
  Buffer buffer = backend_.alloc(count);
  std::vector<float> slice(std::min(count, kSliceFloats));
  for (size_t first = 0; first < count; first += kSliceFloats) {
    const size_t n = std::min(kSliceFloats, count - first);
    store_.read_f32_range(name, shape, first, n, slice.data());
    backend_.upload(slice.data(), n, buffer, first);
  }
  return buffer;
}

Buffer WeightLoader::load_transposed(const std::string& name, int64_t rows, int64_t cols) {
  const std::vector<float> stored = store_.read_f32(name, {rows, cols});
  std::vector<float> transposed(stored.size());
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) transposed[c * rows + r] = stored[r * cols + c];
  }
  return upload(transposed);
}

Buffer WeightLoader::load_concat(const std::vector<std::string>& names,
                                 const std::vector<int64_t>& shape) {
  size_t each = 1;
  for (const int64_t dim : shape) each *= static_cast<size_t>(dim);
  Buffer buffer = backend_.alloc(each * names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    const std::vector<float> part = store_.read_f32(names[i], shape);
    backend_.upload(part.data(), part.size(), buffer, i * each);
  }
  return buffer;
}

}  // namespace clipret::model
