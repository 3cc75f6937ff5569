// model/cpu/vector_math.h: exp and erf written so the compiler vectorises the loops that call
// them (libm's scalar expf/erff are called once per element and dominate GELU otherwise).
//
// fast_exp: Cephes-style range reduction and degree-6 polynomial, max relative error ~2e-7
// (a few ulp) on [-87.3, 88.3]; inputs are clamped to that range (+inf at the top). fast_erf:
// Abramowitz & Stegun 7.1.26, absolute error 1.5e-7 in exact arithmetic, < 1e-6 in float.
// The loops vectorise only with -fno-trapping-math (set for activations.cpp in CMake): the
// clamps are selects, which trapping math forbids GCC to if-convert. Compiled for baseline SSE2
// the vector code is slower than libm; activations.cpp uses it only with AVX-512.
#pragma once

#include <cstdint>
#include <cstring>

namespace clipret::model::cpu {

inline float fast_exp(float x) {
  constexpr float kMax = 88.3762626647949f;
  constexpr float kMin = -87.3365447505531f;
  constexpr float kLog2e = 1.44269504088896341f;
  constexpr float kLn2Hi = 0.693359375f;
  constexpr float kLn2Lo = -2.12194440e-4f;
  x = x > kMax ? kMax : x;
  x = x < kMin ? kMin : x;
  // n = round(x / ln 2) by the 1.5 * 2^23 trick (plain SSE2 has no vector floor), then
  // r = x - n ln 2 in two steps for accuracy.
  constexpr float kRound = 12582912.0f;
  const float n = (x * kLog2e + kRound) - kRound;
  float r = x - n * kLn2Hi;
  r = r - n * kLn2Lo;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  // Scale by 2^n through the exponent bits.
  const int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof(scale));
  return p * scale;
}

inline float fast_erf(float x) {
  constexpr float kP = 0.3275911f;
  constexpr float kA1 = 0.254829592f;
  constexpr float kA2 = -0.284496736f;
  constexpr float kA3 = 1.421413741f;
  constexpr float kA4 = -1.453152027f;
  constexpr float kA5 = 1.061405429f;
  const float sign = x < 0.0f ? -1.0f : 1.0f;
  const float a = x < 0.0f ? -x : x;
  const float t = 1.0f / (1.0f + kP * a);
  const float poly = ((((kA5 * t + kA4) * t + kA3) * t + kA2) * t + kA1) * t;
  return sign * (1.0f - poly * fast_exp(-a * a));
}

}  // namespace clipret::model::cpu
