#include "download/area_resize.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

// What OpenCV 4.6 does for cv::resize(src, dst, dsize, 0, 0, INTER_AREA), 8-bit, and where this
// file matches it (modules/imgproc/src/resize.cpp: cv::resize, hal::resize, computeResizeAreaTab,
// ResizeArea_Invoker):
// - cv::resize: inv_scale = (double)dsize / ssize per axis; equal sizes are copied. hal::resize:
//   scale = 1. / inv_scale; with both scales >= 1, integer ones on both axes (|scale - cvRound|
//   < DBL_EPSILON) take resizeAreaFast, others resizeArea_<uchar, float>. Below 1 on either axis,
//   INTER_AREA is a bilinear variant. This file takes only the resizeArea_ case.
// - computeResizeAreaTab, per axis and destination index d in order: fsx1 = d * scale,
//   fsx2 = fsx1 + scale, cellWidth = min(scale, ssize - fsx1), sx1 = ceil(fsx1),
//   sx2 = min(floor(fsx2), ssize - 1), sx1 = min(sx1, sx2); then the taps: (sx1 - 1, weight
//   (sx1 - fsx1) / cellWidth) if sx1 - fsx1 > 1e-3; (sx, 1 / cellWidth) for sx1 <= sx < sx2;
//   (sx2, min(fsx2 - sx2, 1, cellWidth) / cellWidth) if fsx2 - sx2 > 1e-3. Weights are computed
//   in double and stored as float. The same function here, with the taps grouped per d.
// - ResizeArea_Invoker, per source row in ytab's order: buf = 0, then for each x tap in table
//   order buf[d * cn + c] = buf[d * cn + c] + S[s * cn + c] * alpha (float); per destination row:
//   sum = 0, then sum = sum + beta * buf over its y taps in order; the row is written as
//   saturate_cast<uchar>(sum): cvRound (round half to even) clamped to 0-255. How rows are split
//   between OpenCV's threads does not change any value (each range starts its rows afresh).
// Here, per output element, the same additions and multiplications in the same order, in float
// (this file is compiled with -ffp-contract=off, so no multiply-add is fused):
// - the source row is converted to float once (exact: integers up to 255), and a pixel's taps are
//   summed in a register from 0, all channels of a 3-channel pixel in one SSE vector (its fourth
//   lane is ignored), four pixels at a time in independent chains;
// - each pixel's taps are padded to the same count with weight 0 on its last source pixel: every
//   partial sum is >= +0, and x + (v * 0) = x + (+0) = x for x >= +0, so padding changes no
//   value but gives the inner loop a fixed trip count;
// - a source row shared by two destination rows is summed once: the same taps give the same buf.

namespace clipret::download {
namespace {

// One axis's taps, OpenCV's table regrouped: destination d's taps are [d * taps, (d + 1) * taps),
// in OpenCV's order, then padding (weight 0, the last real tap's source index).
struct AxisTable {
  int taps = 0;                // per destination index, after padding
  std::vector<int> source;     // of each tap: source pixel times channels, as OpenCV's `si`
  std::vector<float> weight;   // of each tap: OpenCV's float alpha (0 for padding)
  std::vector<float> weight4;  // for 3 channels: each weight four times, one SSE load per tap
  std::vector<int> real_taps;  // per destination index, before padding
};

// computeResizeAreaTab, grouped per destination index.
AxisTable area_table(int ssize, int dsize, double scale, int channels) {
  struct Tap {
    int destination, source;
    float weight;
  };
  std::vector<Tap> taps;  // OpenCV's table, in its order
  taps.reserve(static_cast<size_t>(ssize) * 2);
  for (int d = 0; d < dsize; ++d) {
    const double fsx1 = d * scale;
    const double fsx2 = fsx1 + scale;
    const double cell_width = std::min(scale, ssize - fsx1);
    int sx1 = static_cast<int>(std::ceil(fsx1));
    int sx2 = static_cast<int>(std::floor(fsx2));
    sx2 = std::min(sx2, ssize - 1);
    sx1 = std::min(sx1, sx2);
    if (sx1 - fsx1 > 1e-3) {
      taps.push_back({d, sx1 - 1, static_cast<float>((sx1 - fsx1) / cell_width)});
    }
    for (int sx = sx1; sx < sx2; ++sx) {
      taps.push_back({d, sx, static_cast<float>(1.0 / cell_width)});
    }
    if (fsx2 - sx2 > 1e-3) {
      taps.push_back(
          {d, sx2,
           static_cast<float>(std::min(std::min(fsx2 - sx2, 1.), cell_width) / cell_width)});
    }
  }
  AxisTable table;
  table.real_taps.assign(static_cast<size_t>(dsize), 0);
  for (const Tap& tap : taps) ++table.real_taps[static_cast<size_t>(tap.destination)];
  table.taps = *std::max_element(table.real_taps.begin(), table.real_taps.end());
  const size_t total = static_cast<size_t>(dsize) * static_cast<size_t>(table.taps);
  table.source.assign(total, 0);
  table.weight.assign(total, 0.0F);
  size_t k = 0;
  for (size_t d = 0; d < static_cast<size_t>(dsize); ++d) {
    const size_t at = d * static_cast<size_t>(table.taps);
    const auto n = static_cast<size_t>(table.real_taps[d]);
    for (size_t t = 0; t < n; ++t, ++k) {
      table.source[at + t] = taps[k].source * channels;
      table.weight[at + t] = taps[k].weight;
    }
    // Padding: weight 0 on the last real tap's pixel (pixel 0 if none).
    for (size_t t = n; t < static_cast<size_t>(table.taps); ++t) {
      table.source[at + t] = n > 0 ? taps[k - 1].source * channels : 0;
    }
  }
  if (channels == 3) {
    table.weight4.resize(total * 4);
    for (size_t i = 0; i < total; ++i) {
      std::fill_n(table.weight4.begin() + static_cast<ptrdiff_t>(i * 4), 4, table.weight[i]);
    }
  }
  return table;
}

// hal::resize's choice for INTER_AREA: true where it runs resizeArea_ (scale factors >= 1 on both
// axes, not both integers).
bool takes_generic_area(double scale_x, double scale_y) {
  if (scale_x < 1 || scale_y < 1) return false;
  // saturate_cast<int>(double) is cvRound: round half to even.
  const double iscale_x = std::nearbyint(scale_x), iscale_y = std::nearbyint(scale_y);
  const bool is_area_fast =
      std::abs(scale_x - iscale_x) < DBL_EPSILON && std::abs(scale_y - iscale_y) < DBL_EPSILON;
  return !is_area_fast;
}

// The taps of destination pixel d of one source row, summed in order from 0 into out[0, cn):
// `row` is the row as float (padded by one float), `source` and `weight` point at d's taps.
template <int kChannels>
inline void sum_pixel(const float* row, const int* source, const float* weight, int taps,
                      float* out) {
  const int c = kChannels;
  float acc[c] = {};
  for (int t = 0; t < taps; ++t) {
    for (int i = 0; i < c; ++i) acc[i] = acc[i] + row[source[t] + i] * weight[t];
  }
  for (int i = 0; i < c; ++i) out[i] = acc[i];
}

#if defined(__SSE2__)
// Four 3-channel pixels at once, each in its own SSE register (the fourth lane is unused), so
// that one pixel's additions need not wait for another's; `weight4` holds each weight 4 times.
// The stores go in pixel order, each one's fourth float overwritten by the next (`out` is padded
// by one float).
inline void sum_four_pixels3(const float* row, const int* source, const float* weight4, int taps,
                             float* out) {
  const int* s0 = source;
  const int* s1 = s0 + taps;
  const int* s2 = s1 + taps;
  const int* s3 = s2 + taps;
  const float* w0 = weight4;
  const float* w1 = w0 + static_cast<ptrdiff_t>(taps) * 4;
  const float* w2 = w1 + static_cast<ptrdiff_t>(taps) * 4;
  const float* w3 = w2 + static_cast<ptrdiff_t>(taps) * 4;
  __m128 a0 = _mm_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
  for (int t = 0; t < taps; ++t) {
    a0 = _mm_add_ps(a0, _mm_mul_ps(_mm_loadu_ps(row + s0[t]), _mm_loadu_ps(w0 + 4 * t)));
    a1 = _mm_add_ps(a1, _mm_mul_ps(_mm_loadu_ps(row + s1[t]), _mm_loadu_ps(w1 + 4 * t)));
    a2 = _mm_add_ps(a2, _mm_mul_ps(_mm_loadu_ps(row + s2[t]), _mm_loadu_ps(w2 + 4 * t)));
    a3 = _mm_add_ps(a3, _mm_mul_ps(_mm_loadu_ps(row + s3[t]), _mm_loadu_ps(w3 + 4 * t)));
  }
  _mm_storeu_ps(out, a0);
  _mm_storeu_ps(out + 3, a1);
  _mm_storeu_ps(out + 6, a2);
  _mm_storeu_ps(out + 9, a3);
}
#endif

// Four 1-channel pixels at once, in four independent chains.
inline void sum_four_pixels1(const float* row, const int* source, const float* weight, int taps,
                             float* out) {
  const int* s0 = source;
  const int* s1 = s0 + taps;
  const int* s2 = s1 + taps;
  const int* s3 = s2 + taps;
  const float* w0 = weight;
  const float* w1 = w0 + taps;
  const float* w2 = w1 + taps;
  const float* w3 = w2 + taps;
  float a0 = 0.0F, a1 = 0.0F, a2 = 0.0F, a3 = 0.0F;
  for (int t = 0; t < taps; ++t) {
    a0 = a0 + row[s0[t]] * w0[t];
    a1 = a1 + row[s1[t]] * w1[t];
    a2 = a2 + row[s2[t]] * w2[t];
    a3 = a3 + row[s3[t]] * w3[t];
  }
  out[0] = a0;
  out[1] = a1;
  out[2] = a2;
  out[3] = a3;
}

// buf[d * cn + c] for one source row (`row`: the row as float, padded by one float; `buf`:
// padded by one float).
template <int kChannels>
void sum_row(const float* row, const AxisTable& xt, int width, float* buf) {
  const int taps = xt.taps;
  const auto stride = static_cast<size_t>(taps);
  int d = 0;
  if constexpr (kChannels == 1) {
    for (; d + 4 <= width; d += 4) {
      const size_t at = static_cast<size_t>(d) * stride;
      sum_four_pixels1(row, xt.source.data() + at, xt.weight.data() + at, taps, buf + d);
    }
  } else {
#if defined(__SSE2__)
    for (; d + 4 <= width; d += 4) {
      const size_t at = static_cast<size_t>(d) * stride;
      sum_four_pixels3(row, xt.source.data() + at, xt.weight4.data() + at * 4, taps,
                       buf + static_cast<ptrdiff_t>(d) * 3);
    }
#endif
  }
  for (; d < width; ++d) {
    const size_t at = static_cast<size_t>(d) * stride;
    sum_pixel<kChannels>(row, xt.source.data() + at, xt.weight.data() + at, taps,
                         buf + static_cast<ptrdiff_t>(d) * kChannels);
  }
}

// saturate_cast<uchar>(float): cvRound (cvtss2si: round half to even under the default rounding
// mode, INT_MIN when out of range), then clamped to 0-255.
void round_row(const float* sum, int n, uint8_t* out) {
  int i = 0;
#if defined(__SSE2__)
  for (; i + 8 <= n; i += 8) {
    const __m128i lo = _mm_cvtps_epi32(_mm_loadu_ps(sum + i));
    const __m128i hi = _mm_cvtps_epi32(_mm_loadu_ps(sum + i + 4));
    const __m128i bytes = _mm_packus_epi16(_mm_packs_epi32(lo, hi), _mm_setzero_si128());
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out + i), bytes);
  }
  for (; i < n; ++i) {
    const int v = _mm_cvtss_si32(_mm_set_ss(sum[i]));
    out[i] = static_cast<uint8_t>(std::clamp(v, 0, 255));
  }
#else
  for (; i < n; ++i) {
    const long v = std::lrintf(sum[i]);
    out[i] = static_cast<uint8_t>(std::clamp<long>(v, 0, 255));
  }
#endif
}

template <int kChannels>
void resize_generic_area(const cv::Mat& src, cv::Mat& dst, const AxisTable& xt,
                         const AxisTable& yt) {
  const int row_len = src.cols * kChannels;
  const int out_len = dst.cols * kChannels;
  std::vector<float> row(static_cast<size_t>(row_len) + 1, 0.0F);
  std::vector<float> buf(static_cast<size_t>(out_len) + 1, 0.0F);
  std::vector<float> sum(static_cast<size_t>(out_len));
  int buf_row = -1;  // the source row `buf` holds
  for (int dy = 0; dy < dst.rows; ++dy) {
    const size_t first = static_cast<size_t>(dy) * static_cast<size_t>(yt.taps);
    for (int t = 0; t < yt.real_taps[static_cast<size_t>(dy)]; ++t) {
      const int sy = yt.source[first + static_cast<size_t>(t)];
      const float beta = yt.weight[first + static_cast<size_t>(t)];
      if (sy != buf_row) {
        const uint8_t* s = src.ptr<uint8_t>(sy);
        for (int i = 0; i < row_len; ++i) row[static_cast<size_t>(i)] = s[i];
        sum_row<kChannels>(row.data(), xt, dst.cols, buf.data());
        buf_row = sy;
      }
      // OpenCV starts each row's sum at 0: 0 + x = x, as x = beta * buf >= +0.
      float* acc = sum.data();
      const float* b = buf.data();
      if (t == 0) {
        for (int i = 0; i < out_len; ++i) acc[i] = beta * b[i];
      } else {
        for (int i = 0; i < out_len; ++i) acc[i] = acc[i] + beta * b[i];
      }
    }
    round_row(sum.data(), out_len, dst.ptr<uint8_t>(dy));
  }
}

}  // namespace

void area_resize(const cv::Mat& src_in, cv::Mat& dst, int width, int height) {
  const cv::Size dsize(width, height);
  const cv::Mat src = src_in;  // keeps the pixels if dst is src's Mat
  const int cn = src.channels();
  const bool candidate = src.dims == 2 && src.depth() == CV_8U && (cn == 1 || cn == 3) &&
                         !src.empty() && width > 0 && height > 0 && dsize != src.size();
  if (candidate) {
    const double inv_scale_x = static_cast<double>(width) / src.cols;
    const double inv_scale_y = static_cast<double>(height) / src.rows;
    const double scale_x = 1. / inv_scale_x, scale_y = 1. / inv_scale_y;
    if (takes_generic_area(scale_x, scale_y)) {
      const AxisTable xt = area_table(src.cols, width, scale_x, cn);
      const AxisTable yt = area_table(src.rows, height, scale_y, 1);
      // OpenCV's row offsets assume every destination row has a tap (it always has for scales
      // >= 1); anything else is left to OpenCV.
      if (std::find(yt.real_taps.begin(), yt.real_taps.end(), 0) == yt.real_taps.end()) {
        dst.create(dsize, src.type());
        if (cn == 1) {
          resize_generic_area<1>(src, dst, xt, yt);
        } else {
          resize_generic_area<3>(src, dst, xt, yt);
        }
        return;
      }
    }
  }
  cv::resize(src, dst, dsize, 0, 0, cv::INTER_AREA);
}

}  // namespace clipret::download
