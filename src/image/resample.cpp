#include "image/resample.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "core/error.h"
#include "image/bicubic_coefficients.h"

namespace clipret::image {
namespace {

constexpr int32_t kRoundingHalf = 1 << (kPrecisionBits - 1);

inline uint8_t clamp_fixed_to_u8(int32_t acc) {
  const int32_t value = acc >> kPrecisionBits;  // arithmetic shift: floors, like Pillow
  return static_cast<uint8_t>(value < 0 ? 0 : value > 255 ? 255 : value);
}

// Pillow's ROUND_UP for the 32-bit paths: half away from zero (0.5F is a float in Pillow, exact).
inline int32_t round_half_away(double value) {
  return static_cast<int32_t>(value >= 0.0 ? value + 0.5 : value - 0.5);
}

void check_window(int out_width, int out_height, const Rect& w) {
  CLIPRET_CHECK(out_width > 0 && out_height > 0, InvalidInput, "resize: invalid size %dx%d",
                out_width, out_height);
  CLIPRET_CHECK(w.x >= 0 && w.y >= 0 && w.width > 0 && w.height > 0 && w.x + w.width <= out_width &&
                    w.y + w.height <= out_height,
                InvalidInput, "resize: window %dx%d+%d+%d outside the %dx%d output", w.width,
                w.height, w.x, w.y, out_width, out_height);
}

// x86-64 builds carry an AVX2 clone of the hot loops, picked at load time (GCC ifunc); the
// integer arithmetic is the same in every clone, so results do not depend on the CPU. Not under
// ThreadSanitizer: GCC instruments the ifunc resolver, which the loader runs before the TSan
// runtime is up (the binary crashes at start).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__)
#define CLIPRET_MULTIVERSION __attribute__((target_clones("avx2", "default")))
#else
#define CLIPRET_MULTIVERSION
#endif

// acc[i] += sum over t < taps of rows[t * stride + i] * k[t], for i < lanes: the vertical pass's
// kernel, lanes being the interleaved channels of a row of pixels.
CLIPRET_MULTIVERSION
void multiply_accumulate(const uint8_t* rows, size_t stride, const int32_t* k, int taps,
                         size_t lanes, int32_t* acc) {
  for (int t = 0; t < taps; ++t) {
    const uint8_t* row = rows + t * stride;
    const int32_t weight = k[t];
    for (size_t i = 0; i < lanes; ++i) acc[i] += row[i] * weight;
  }
}

// The horizontal pass's kernel for a fixed number of lanes (kBlockRows rows x channels), so the
// sums stay in vector registers across taps: returns the lanes' sums, starting from the rounding
// half, of block[(t * Lanes) + i] * k[t].
#define CLIPRET_DEFINE_BLOCK_KERNEL(Lanes)                                                    \
  CLIPRET_MULTIVERSION                                                                        \
  void block_kernel_##Lanes(const uint8_t* block, const int32_t* k, int taps, int32_t* out) { \
    int32_t sum[Lanes];                                                                       \
    for (int i = 0; i < Lanes; ++i) sum[i] = kRoundingHalf;                                   \
    for (int t = 0; t < taps; ++t) {                                                          \
      const uint8_t* row = block + t * Lanes;                                                 \
      const int32_t weight = k[t];                                                            \
      for (int i = 0; i < Lanes; ++i) sum[i] += row[i] * weight;                              \
    }                                                                                         \
    for (int i = 0; i < Lanes; ++i) out[i] = sum[i];                                          \
  }
CLIPRET_DEFINE_BLOCK_KERNEL(8)
CLIPRET_DEFINE_BLOCK_KERNEL(16)
CLIPRET_DEFINE_BLOCK_KERNEL(24)
CLIPRET_DEFINE_BLOCK_KERNEL(32)
#undef CLIPRET_DEFINE_BLOCK_KERNEL

template <int Lanes>
void block_kernel(const uint8_t* block, const int32_t* k, int taps, int32_t* out) {
  if constexpr (Lanes == 8) block_kernel_8(block, k, taps, out);
  if constexpr (Lanes == 16) block_kernel_16(block, k, taps, out);
  if constexpr (Lanes == 24) block_kernel_24(block, k, taps, out);
  if constexpr (Lanes == 32) block_kernel_32(block, k, taps, out);
}

// Horizontal 8-bit pass: rows [row_begin, row_begin + out->height) of `in`, C channels, output
// columns as described by `c` (one per out->width). Blocks of kBlockRows rows are transposed so
// that one tap of one output column is a contiguous run of kBlockRows * C bytes, which the
// kernel processes as SIMD lanes with the same weight.
template <int C>
void horizontal_u8(const ImageBuffer& in, int row_begin, const BicubicCoefficients& c,
                   ImageBuffer* out) {
  constexpr int kBlockRows = 8;
  constexpr int kLanes = kBlockRows * C;
  const int column_begin = c.first.front();
  const int columns = c.first.back() + c.count.back() - column_begin;
  const size_t in_stride = in.row_bytes();
  const size_t out_stride = out->row_bytes();
  std::vector<uint8_t> block(static_cast<size_t>(columns) * kLanes);
  for (int y0 = 0; y0 < out->height; y0 += kBlockRows) {
    const int rows = std::min(kBlockRows, out->height - y0);
    const uint8_t* src[kBlockRows];
    for (int r = 0; r < kBlockRows; ++r) {
      // A short last block repeats its last row; those lanes are computed and dropped.
      src[r] = in.pixels.data() + (row_begin + y0 + std::min(r, rows - 1)) * in_stride +
               static_cast<size_t>(column_begin) * C;
    }
    uint8_t* dst = block.data();
    for (int x = 0; x < columns; ++x) {
      for (int r = 0; r < kBlockRows; ++r) {
        for (int ch = 0; ch < C; ++ch) *dst++ = src[r][x * C + ch];
      }
    }
    uint8_t* out_rows = out->pixels.data() + static_cast<size_t>(y0) * out_stride;
    for (int x = 0; x < out->width; ++x) {
      int32_t acc[kLanes];
      block_kernel<kLanes>(block.data() + static_cast<size_t>(c.first[x] - column_begin) * kLanes,
                           &c.fixed[static_cast<size_t>(x) * c.ksize], c.count[x], acc);
      for (int r = 0; r < rows; ++r) {
        uint8_t* d = out_rows + r * out_stride + static_cast<size_t>(x) * C;
        for (int ch = 0; ch < C; ++ch) d[ch] = clamp_fixed_to_u8(acc[r * C + ch]);
      }
    }
  }
}

// Vertical 8-bit pass: output row y reads rows first[y] - row_offset ... of `in`, and bytes
// [byte_begin, byte_begin + out->row_bytes()) of each.
void vertical_u8(const ImageBuffer& in, int row_offset, size_t byte_begin,
                 const BicubicCoefficients& c, ImageBuffer* out) {
  const size_t n = out->row_bytes();
  std::vector<int32_t> acc(n);
  for (int y = 0; y < out->height; ++y) {
    std::fill(acc.begin(), acc.end(), kRoundingHalf);
    multiply_accumulate(in.row(c.first[y] - row_offset) + byte_begin, in.row_bytes(),
                        &c.fixed[static_cast<size_t>(y) * c.ksize], c.count[y], n, acc.data());
    uint8_t* dst = out->row(y);
    for (size_t i = 0; i < n; ++i) dst[i] = clamp_fixed_to_u8(acc[i]);
  }
}

inline int32_t load_i32(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

void horizontal_i32(const ImageBuffer& in, int row_begin, const BicubicCoefficients& c,
                    ImageBuffer* out) {
  for (int y = 0; y < out->height; ++y) {
    const uint8_t* src = in.row(row_begin + y);
    uint8_t* dst = out->row(y);
    for (int x = 0; x < out->width; ++x) {
      const double* k = &c.weights[static_cast<size_t>(x) * c.ksize];
      double sum = 0.0;
      for (int t = 0; t < c.count[x]; ++t) {
        sum += load_i32(src + 4 * static_cast<size_t>(c.first[x] + t)) * k[t];
      }
      const int32_t value = round_half_away(sum);
      std::memcpy(dst + 4 * static_cast<size_t>(x), &value, sizeof value);
    }
  }
}

void vertical_i32(const ImageBuffer& in, int row_offset, int column_begin,
                  const BicubicCoefficients& c, ImageBuffer* out) {
  for (int y = 0; y < out->height; ++y) {
    const double* k = &c.weights[static_cast<size_t>(y) * c.ksize];
    uint8_t* dst = out->row(y);
    for (int x = 0; x < out->width; ++x) {
      double sum = 0.0;
      for (int t = 0; t < c.count[y]; ++t) {
        const uint8_t* src = in.row(c.first[y] - row_offset + t);
        sum += load_i32(src + 4 * static_cast<size_t>(column_begin + x)) * k[t];
      }
      const int32_t value = round_half_away(sum);
      std::memcpy(dst + 4 * static_cast<size_t>(x), &value, sizeof value);
    }
  }
}

void horizontal_pass(const ImageBuffer& in, int row_begin, const BicubicCoefficients& c,
                     ImageBuffer* out) {
  switch (in.mode) {
    case PixelMode::kI:
      return horizontal_i32(in, row_begin, c, out);
    case PixelMode::kL:
      return horizontal_u8<1>(in, row_begin, c, out);
    case PixelMode::kLA:
      return horizontal_u8<2>(in, row_begin, c, out);
    case PixelMode::kRGB:
      return horizontal_u8<3>(in, row_begin, c, out);
    default:
      return horizontal_u8<4>(in, row_begin, c, out);
  }
}

void vertical_pass(const ImageBuffer& in, int row_offset, int column_begin,
                   const BicubicCoefficients& c, ImageBuffer* out) {
  if (in.mode == PixelMode::kI) return vertical_i32(in, row_offset, column_begin, c, out);
  vertical_u8(in, row_offset, static_cast<size_t>(column_begin) * bytes_per_pixel(in.mode), c, out);
}

// Pillow's COORD(): -1 for negative coordinates, else truncation.
inline int nearest_coord(double v) {
  return v < 0.0 ? -1 : static_cast<int>(v);
}

// Source index of each output index of an in_size -> out_size nearest resize. Pillow accumulates
// the position step by step, and so do we, so rounding drifts identically.
std::vector<int> nearest_sources(int in_size, int out_size) {
  const double step = static_cast<double>(in_size) / out_size;
  std::vector<int> sources(out_size);
  double position = step * 0.5;
  for (int i = 0; i < out_size; ++i) {
    const int source = nearest_coord(position);
    sources[i] = source < in_size ? source : -1;
    position += step;
  }
  return sources;
}

}  // namespace

ImageBuffer crop(const ImageBuffer& in, const Rect& window) {
  check_window(in.width, in.height, window);
  ImageBuffer out;
  out.allocate(window.width, window.height, in.mode);
  out.palette = in.palette;
  const size_t bpp = bytes_per_pixel(in.mode);
  for (int y = 0; y < window.height; ++y) {
    std::memcpy(out.row(y), in.row(window.y + y) + window.x * bpp, out.row_bytes());
  }
  return out;
}

ImageBuffer resample_bicubic(const ImageBuffer& in, int out_width, int out_height,
                             const Rect& window) {
  CLIPRET_CHECK(in.mode != PixelMode::kP && in.mode != PixelMode::k1, InvalidInput,
                "resize: mode %s cannot be resampled with a filter", pixel_mode_name(in.mode));
  CLIPRET_CHECK(in.width > 0 && in.height > 0, InvalidInput, "resize: empty input image");
  check_window(out_width, out_height, window);
  const bool need_horizontal = out_width != in.width;
  const bool need_vertical = out_height != in.height;
  if (!need_horizontal && !need_vertical) return crop(in, window);

  if (!need_vertical) {
    const BicubicCoefficients cx =
        bicubic_coefficients(in.width, out_width, window.x, window.x + window.width);
    ImageBuffer out;
    out.allocate(window.width, window.height, in.mode);
    horizontal_pass(in, window.y, cx, &out);
    return out;
  }
  const BicubicCoefficients cy =
      bicubic_coefficients(in.height, out_height, window.y, window.y + window.height);
  ImageBuffer out;
  out.allocate(window.width, window.height, in.mode);
  if (!need_horizontal) {
    vertical_pass(in, 0, window.x, cy, &out);
    return out;
  }
  // Horizontal pass over only the source rows the vertical pass reads, as Pillow does.
  const int row_first = cy.first.front();
  const int row_last = cy.first.back() + cy.count.back();
  const BicubicCoefficients cx =
      bicubic_coefficients(in.width, out_width, window.x, window.x + window.width);
  ImageBuffer temp;
  temp.allocate(window.width, row_last - row_first, in.mode);
  horizontal_pass(in, row_first, cx, &temp);
  vertical_pass(temp, row_first, 0, cy, &out);
  return out;
}

ImageBuffer resample_nearest(const ImageBuffer& in, int out_width, int out_height,
                             const Rect& window) {
  CLIPRET_CHECK(in.width > 0 && in.height > 0, InvalidInput, "resize: empty input image");
  check_window(out_width, out_height, window);
  if (out_width == in.width && out_height == in.height) return crop(in, window);
  const std::vector<int> xs = nearest_sources(in.width, out_width);
  const std::vector<int> ys = nearest_sources(in.height, out_height);
  ImageBuffer out;
  out.allocate(window.width, window.height, in.mode);
  out.palette = in.palette;
  const size_t bpp = bytes_per_pixel(in.mode);
  for (int y = 0; y < window.height; ++y) {
    uint8_t* dst = out.row(y);
    const int sy = ys[window.y + y];
    if (sy < 0) {
      std::memset(dst, 0, out.row_bytes());  // Pillow fills pixels that map outside with 0
      continue;
    }
    const uint8_t* src = in.row(sy);
    for (int x = 0; x < window.width; ++x) {
      const int sx = xs[window.x + x];
      if (sx < 0) {
        std::memset(dst + x * bpp, 0, bpp);
      } else {
        std::memcpy(dst + x * bpp, src + sx * bpp, bpp);
      }
    }
  }
  return out;
}

}  // namespace clipret::image
