// image/clip_preprocess.h: CLIP's image preprocessing, bit-exact with Pillow + torchvision.
//
// OpenAI CLIP's `preprocess` (reference/clip-inference-notes.md §4.1): Resize(size, BICUBIC) on
// the shortest side, CenterCrop(size), convert("RGB"), ToTensor, Normalize(mean, std), in that
// order, so resizing happens in the image's own mode. Same decoder + same arithmetic gives the
// same uint8 pixels as Pillow 9.4 / torchvision 0.14, i.e. floats within 1e-6 after normalising.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "image/decoded_image.h"
#include "image/image_buffer.h"
#include "image/resample.h"

namespace clipret::image {

enum class ResizeMode {
  kShortest,  // short side to `size` (long side truncated as torchvision does), centre crop
  kSquash,    // both sides to `size`, aspect ratio not kept, no crop (open_clip "squash")
};

// OpenAI CLIP's normalisation constants (also open_clip's default for OpenAI weights).
constexpr std::array<float, 3> kClipMean = {0.48145466f, 0.4578275f, 0.40821073f};
constexpr std::array<float, 3> kClipStd = {0.26862954f, 0.26130258f, 0.27577711f};

struct PreprocessConfig {
  int size = 224;                          // output side in pixels (the model's image size)
  std::array<float, 3> mean = kClipMean;   // per RGB channel, subtracted after scaling to [0, 1]
  std::array<float, 3> stddev = kClipStd;  // per RGB channel, divided by after the mean
  ResizeMode resize_mode = ResizeMode::kShortest;
  DecodeOptions decode;  // decompression-bomb limit
};

// Where a width x height image goes: resized to resized_width x resized_height, of which `crop`
// is kept (the whole image for kSquash).
struct ResizePlan {
  int resized_width = 0;
  int resized_height = 0;
  Rect crop;
};

// torchvision's geometry: Resize(int) makes the short side `size` and the long side
// int(size * long / short) (a double division, truncated); CenterCrop puts the window at
// int(round((side - size) / 2.0)) with Python's round-half-to-even.
ResizePlan plan_resize(int width, int height, const PreprocessConfig& config);

// Resize + crop + convert to RGB: returns the size x size kRGB image the model sees, before
// normalisation. Throws Error(kInvalidInput) for an empty image or config.size <= 0.
ImageBuffer preprocess_to_rgb(const ImageBuffer& image, const PreprocessConfig& config);

// Normalises a size x size kRGB image into `out` (caller owns 3 * size * size floats, CHW:
// out[(c * size + y) * size + x]) as ToTensor + Normalize do in float32: (v / 255 - mean) / std.
void normalize_to_chw(const ImageBuffer& rgb, const PreprocessConfig& config, float* out);

// Decodes `bytes` (n bytes, borrowed) and writes the model input to `out` (caller owns
// 3 * size * size floats, CHW). Returns std::nullopt on success, else why this image was
// skipped (corrupt, unsupported, too large); `out` is then unspecified. Throws Error(kInvalidInput)
// only for a bad config, which is not a per-image problem.
std::optional<std::string> preprocess_clip(const uint8_t* bytes, size_t n,
                                           const PreprocessConfig& config, float* out);

}  // namespace clipret::image
