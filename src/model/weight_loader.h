// model/weight_loader.h: reads checkpoint tensors, reshapes them into the internal layout
// (model/clip_weights.h) and uploads them to a backend, one tensor at a time so host memory
// never holds more than one converted tensor beyond the backend's copy.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/clip_weights.h"

namespace clipret::model {

class TensorStore;

class WeightLoader {
 public:
  WeightLoader(const TensorStore& store, Backend& backend) : store_(store), backend_(backend) {}

  const TensorStore& store() const { return store_; }
  Backend& backend() { return backend_; }

  // Tensor `name` as stored; Error(kCorrupt) when absent or not of `shape`.
  Buffer load(const std::string& name, const std::vector<int64_t>& shape);
  // A stored rows x cols matrix, uploaded as its cols x rows transpose.
  Buffer load_transposed(const std::string& name, int64_t rows, int64_t cols);
  // Several tensors concatenated along dim 0 (separate q, k, v into one qkv).
  Buffer load_concat(const std::vector<std::string>& names, const std::vector<int64_t>& shape);

  // Uploads host values.
  Buffer upload(const std::vector<float>& values);

 private:
  const TensorStore& store_;
  Backend& backend_;
};

}  // namespace clipret::model
