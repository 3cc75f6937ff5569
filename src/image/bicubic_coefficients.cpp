#include "image/bicubic_coefficients.h"

#include <cmath>

namespace clipret::image {

double bicubic_kernel(double x) {
  constexpr double a = -0.5;
  if (x < 0.0) x = -x;
  // The operation order is Pillow's, so the doubles round the same way.
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
  if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
  return 0.0;
}

BicubicCoefficients bicubic_coefficients(int in_size, int out_size, int out_begin, int out_end) {
  constexpr double kSupport = 2.0;
  const double scale = static_cast<double>(in_size) / out_size;
  const double filter_scale = scale < 1.0 ? 1.0 : scale;  // downscaling widens the kernel
  const double support = kSupport * filter_scale;
  const double inverse_filter_scale = 1.0 / filter_scale;

  BicubicCoefficients c;
  c.ksize = static_cast<int>(std::ceil(support)) * 2 + 1;
  const int rows = out_end - out_begin;
  c.first.resize(rows);
  c.count.resize(rows);
  c.weights.assign(static_cast<size_t>(rows) * c.ksize, 0.0);
  c.fixed.assign(c.weights.size(), 0);
  for (int i = 0; i < rows; ++i) {
    const int out = out_begin + i;
    const double center = (out + 0.5) * scale;
    // C casts truncate toward zero; negative starts are clamped right after.
    int first = static_cast<int>(center - support + 0.5);
    if (first < 0) first = 0;
    int last = static_cast<int>(center + support + 0.5);
    if (last > in_size) last = in_size;
    const int count = last - first;
    double* w = &c.weights[static_cast<size_t>(i) * c.ksize];
    double sum = 0.0;
    for (int t = 0; t < count; ++t) {
      w[t] = bicubic_kernel((t + first - center + 0.5) * inverse_filter_scale);
      sum += w[t];
    }
    if (sum != 0.0) {
      for (int t = 0; t < count; ++t) w[t] /= sum;
    }
    int32_t* f = &c.fixed[static_cast<size_t>(i) * c.ksize];
    for (int t = 0; t < count; ++t) {
      // Round half away from zero, as Pillow's normalize_coeffs_8bpc does.
      const double scaled = w[t] * (1 << kPrecisionBits);
      f[t] = static_cast<int32_t>(w[t] < 0 ? scaled - 0.5 : scaled + 0.5);
    }
    c.first[i] = first;
    c.count[i] = count;
  }
  return c;
}

}  // namespace clipret::image
