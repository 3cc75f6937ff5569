// tests/model/model_fixture.h: the clip_tiny_hf fixture (inputs, reference outputs) and error
// measures shared by the model tests.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "core/npy_reader.h"
#include "test_util.h"

namespace clipret::testing {

inline std::string tiny_clip_dir() {
  return fixture_path("clip_tiny_hf");
}

// A float array of any stored float dtype (the reference embeddings are computed in float64
// but stored as '<f4').
inline std::vector<double> read_npy_floats(const std::string& relative) {
  const auto reader = core::NpyReader::open(fixture_path(relative));
  const size_t count = reader.rows() * reader.row_elements();
  if (reader.dtype() == core::NpyDtype::kFloat64) {
    const auto* data = static_cast<const double*>(reader.data());
    return std::vector<double>(data, data + count);
  }
  std::vector<float> values(count);
  reader.read_rows_f32(0, reader.rows(), values.data());
  return std::vector<double>(values.begin(), values.end());
}

inline std::vector<int32_t> read_npy_ids(const std::string& relative) {
  const auto reader = core::NpyReader::open(fixture_path(relative));
  const size_t count = reader.rows() * reader.row_elements();
  std::vector<int32_t> out(count);
  if (reader.dtype() == core::NpyDtype::kInt64) {
    const auto* data = static_cast<const int64_t*>(reader.data());
    for (size_t i = 0; i < count; ++i) out[i] = static_cast<int32_t>(data[i]);
  } else {
    std::memcpy(out.data(), reader.data(), count * sizeof(int32_t));
  }
  return out;
}

struct TinyClipFixture {
  std::vector<float> pixels;         // 3 x 3 x 224 x 224
  std::vector<int32_t> ids;          // 5 x 77
  std::vector<double> image_embeds;  // 3 x 16 (float64 results stored as float32)
  std::vector<double> text_embeds;   // 5 x 16
  size_t images = 3;
  size_t texts = 5;
  size_t embed_dim = 16;
  size_t context = 77;

  static TinyClipFixture load() {
    TinyClipFixture f;
    const std::vector<double> pixels = read_npy_floats("clip_tiny_hf/ref_pixel_values.npy");
    f.pixels.assign(pixels.begin(), pixels.end());
    f.ids = read_npy_ids("clip_tiny_hf/ref_input_ids.npy");
    f.image_embeds = read_npy_floats("clip_tiny_hf/ref_image_embeds.npy");
    f.text_embeds = read_npy_floats("clip_tiny_hf/ref_text_embeds.npy");
    return f;
  }
};

// Largest over rows of max_j |got - want| / max_j |want|: a scale-free error per embedding.
inline double max_relative_error(const std::vector<float>& got, const std::vector<double>& want,
                                 size_t width) {
  double worst = 0.0;
  for (size_t row = 0; row * width < want.size(); ++row) {
    double diff = 0.0;
    double scale = 0.0;
    for (size_t j = row * width; j < (row + 1) * width; ++j) {
      diff = std::max(diff, std::abs(static_cast<double>(got[j]) - want[j]));
      scale = std::max(scale, std::abs(want[j]));
    }
    worst = std::max(worst, diff / scale);
  }
  return worst;
}

inline double max_relative_error(const std::vector<float>& got, const std::vector<float>& want,
                                 size_t width) {
  return max_relative_error(got, std::vector<double>(want.begin(), want.end()), width);
}

}  // namespace clipret::testing
