#include "search/safety_head.h"

#include <cmath>

#include "core/error.h"
#include "model/safetensors_file.h"

namespace clipret::search {

SafetyHead SafetyHead::load(const std::string& path) {
  const model::SafetensorsFile file = model::SafetensorsFile::open(path);
  SafetyHead head;
  for (size_t i = 0;; ++i) {
    const std::string weight_name = "layers." + std::to_string(i) + ".weight";
    const std::string bias_name = "layers." + std::to_string(i) + ".bias";
    const model::SafetensorsTensorInfo* weight = file.find(weight_name);
    if (weight == nullptr) break;
    const model::SafetensorsTensorInfo* bias = file.find(bias_name);
    CLIPRET_CHECK(weight->shape.size() == 2, Corrupt, "%s: %s must be a matrix (out x in)",
                  path.c_str(), weight_name.c_str());
    Layer layer;
    layer.out = static_cast<size_t>(weight->shape[0]);
    layer.in = static_cast<size_t>(weight->shape[1]);
    CLIPRET_CHECK(bias != nullptr && bias->shape.size() == 1 &&
                      static_cast<size_t>(bias->shape[0]) == layer.out,
                  Corrupt, "%s: %s must be a vector of %zu values", path.c_str(), bias_name.c_str(),
                  layer.out);
    CLIPRET_CHECK(head.layers_.empty() || head.layers_.back().out == layer.in, Corrupt,
                  "%s: %s takes %zu inputs but the previous layer gives %zu", path.c_str(),
                  weight_name.c_str(), layer.in, head.layers_.back().out);
    layer.weight = file.read_f32(weight_name);
    layer.bias = file.read_f32(bias_name);
    head.layers_.push_back(std::move(layer));
  }
  CLIPRET_CHECK(!head.layers_.empty(), Corrupt, "%s: no layers.0.weight: not a safety head",
                path.c_str());
  if (file.find("output_sigmoid") != nullptr) {
    const std::vector<float> flag = file.read_f32("output_sigmoid");
    head.sigmoid_ = !flag.empty() && flag[0] != 0.0f;
  }
  return head;
}

size_t SafetyHead::input_dim() const {
  return layers_.front().in;
}

std::vector<float> SafetyHead::scores(const float* vectors, size_t n) const {
  std::vector<float> result(n);
  std::vector<float> current;
  std::vector<float> next;
  for (size_t r = 0; r < n; ++r) {
    current.assign(vectors + r * input_dim(), vectors + (r + 1) * input_dim());
    for (size_t l = 0; l < layers_.size(); ++l) {
      const Layer& layer = layers_[l];
      next.assign(layer.out, 0.0f);
      for (size_t o = 0; o < layer.out; ++o) {
        float sum = layer.bias[o];
        const float* w = layer.weight.data() + o * layer.in;
        for (size_t j = 0; j < layer.in; ++j) sum += w[j] * current[j];
        next[o] = (l + 1 < layers_.size() && sum < 0) ? 0.0f : sum;
      }
      current.swap(next);
    }
    float score = current[0];
    if (sigmoid_) score = 1.0f / (1.0f + std::exp(-score));
    result[r] = score;
  }
  return result;
}

std::vector<size_t> SafetyHead::unsafe_positions(const float* vectors, size_t n) const {
  const std::vector<float> s = scores(vectors, n);
  std::vector<size_t> dropped;
  for (size_t r = 0; r < n; ++r) {
    if (s[r] > 0.5f) dropped.push_back(r);
  }
  return dropped;
}

}  // namespace clipret::search
