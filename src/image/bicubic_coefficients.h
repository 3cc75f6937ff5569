// image/bicubic_coefficients.h: Pillow's per-output-pixel filter weights along one axis.
//
// Internal to the resampler (image/resample.cpp); exposed for its tests.
#pragma once

#include <cstdint>
#include <vector>

namespace clipret::image {

// Weights of output pixels [out_begin, out_end) of an in_size -> out_size resize, in Pillow's
// precompute_coeffs arithmetic (box = the whole axis). Output pixel `out_begin + i` reads input
// pixels [first[i], first[i] + count[i]) with weights row i of `weights` (ksize entries per row,
// zero-padded after count[i]).
struct BicubicCoefficients {
  int ksize = 0;
  std::vector<int> first;
  std::vector<int> count;
  std::vector<double> weights;  // normalised to sum 1 per row, in double
  std::vector<int32_t> fixed;   // the same in Pillow's 22-bit fixed point, for 8-bit images
};

// Bits of fraction in the 8-bit path's fixed-point weights: 32 - 8 - 2 (Pillow's
// PRECISION_BITS), leaving room for 8-bit samples and the filter's overshoot in an int32.
constexpr int kPrecisionBits = 32 - 8 - 2;

// Pillow's bicubic kernel, a = -0.5, support 2.
double bicubic_kernel(double x);

BicubicCoefficients bicubic_coefficients(int in_size, int out_size, int out_begin, int out_end);

}  // namespace clipret::image
