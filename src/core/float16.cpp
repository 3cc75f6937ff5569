#include "core/float16.h"

#include <bit>

namespace clipret::core {
namespace {

constexpr uint32_t kF32SignMask = 0x80000000u;
constexpr uint32_t kF32AbsMask = 0x7fffffffu;
constexpr uint32_t kF32MantissaBits = 23;
constexpr uint32_t kF32ExpBias = 127;
constexpr uint32_t kF32InfBits = 0x7f800000u;

constexpr uint16_t kF16SignMask = 0x8000u;
constexpr uint16_t kF16InfBits = 0x7c00u;
constexpr uint32_t kF16MantissaBits = 10;
constexpr uint32_t kF16ExpBias = 15;
constexpr uint32_t kF16ExpMax = 31;  // all ones: inf or NaN

constexpr uint32_t kMantissaShift = kF32MantissaBits - kF16MantissaBits;  // 13
constexpr uint32_t kHiddenBit = 1u << kF32MantissaBits;

// Shifts `mantissa` right by `shift` bits, rounding to nearest with ties to even.
uint32_t shift_round_even(uint32_t mantissa, uint32_t shift) {
  if (shift >= 32) return 0;
  const uint32_t kept = mantissa >> shift;
  const uint32_t rest = mantissa & ((1u << shift) - 1);
  const uint32_t half = 1u << (shift - 1);
  if (rest > half || (rest == half && (kept & 1u))) return kept + 1;
  return kept;
}

}  // namespace

uint16_t float32_to_float16(float value) {
  const uint32_t bits = std::bit_cast<uint32_t>(value);
  const auto sign = static_cast<uint16_t>((bits & kF32SignMask) >> 16);
  const uint32_t abs = bits & kF32AbsMask;

  if (abs >= kF32InfBits) {  // inf or NaN
    if (abs == kF32InfBits) return sign | kF16InfBits;
    // Keep the top payload bits, as numpy does; a payload that lives only in the low bits
    // would turn into inf, so it becomes 1.
    auto payload = static_cast<uint16_t>((abs & (kHiddenBit - 1)) >> kMantissaShift);
    if (payload == 0) payload = 1;
    return sign | kF16InfBits | payload;
  }

  const auto exp =
      static_cast<int32_t>(abs >> kF32MantissaBits) - static_cast<int32_t>(kF32ExpBias);
  const uint32_t mantissa = abs & (kHiddenBit - 1);
  const int32_t half_exp = exp + static_cast<int32_t>(kF16ExpBias);

  if (half_exp >= static_cast<int32_t>(kF16ExpMax)) return sign | kF16InfBits;  // overflow

  if (half_exp <= 0) {
    // Subnormal half (or zero): value = m * 2^-24 with m < 2^10. The float's full significand
    // (hidden bit included) is shifted down by 13 + (1 - half_exp) bits. float32 subnormals are
    // far below half's smallest subnormal and round to zero through the same path.
    const uint32_t significand = (abs >> kF32MantissaBits) == 0 ? mantissa : mantissa | kHiddenBit;
    const auto shift = static_cast<uint32_t>(static_cast<int32_t>(kMantissaShift) + 1 - half_exp);
    // A carry out of the mantissa lands in the exponent field: the smallest normal, correct.
    return sign | static_cast<uint16_t>(shift_round_even(significand, shift));
  }

  // Normal half. Rounding may carry into the exponent, and from the largest finite value into
  // inf; both are what the bit layout gives for free.
  const uint32_t rounded = shift_round_even(mantissa, kMantissaShift);
  const uint32_t result = (static_cast<uint32_t>(half_exp) << kF16MantissaBits) + rounded;
  return sign | static_cast<uint16_t>(result);
}

float float16_to_float32(uint16_t bits) {
  const uint32_t sign = static_cast<uint32_t>(bits & kF16SignMask) << 16;
  const uint32_t exp = (bits & kF16InfBits) >> kF16MantissaBits;
  uint32_t mantissa = bits & ((1u << kF16MantissaBits) - 1);

  if (exp == kF16ExpMax) {  // inf or NaN: payload moves to the top of the float mantissa
    return std::bit_cast<float>(sign | kF32InfBits | (mantissa << kMantissaShift));
  }
  if (exp == 0) {
    if (mantissa == 0) return std::bit_cast<float>(sign);
    // Subnormal half: normalise. Value = mantissa * 2^-24.
    int32_t e = 1 - static_cast<int32_t>(kF16ExpBias);
    while ((mantissa & (1u << kF16MantissaBits)) == 0) {
      mantissa <<= 1;
      --e;
    }
    mantissa &= (1u << kF16MantissaBits) - 1;
    const auto f32_exp = static_cast<uint32_t>(e + static_cast<int32_t>(kF32ExpBias));
    return std::bit_cast<float>(sign | (f32_exp << kF32MantissaBits) |
                                (mantissa << kMantissaShift));
  }
  const uint32_t f32_exp = exp - kF16ExpBias + kF32ExpBias;
  return std::bit_cast<float>(sign | (f32_exp << kF32MantissaBits) | (mantissa << kMantissaShift));
}

void float32_to_float16(const float* in, size_t n, uint16_t* out) {
  for (size_t i = 0; i < n; ++i) out[i] = float32_to_float16(in[i]);
}

void float16_to_float32(const uint16_t* in, size_t n, float* out) {
  for (size_t i = 0; i < n; ++i) out[i] = float16_to_float32(in[i]);
}

}  // namespace clipret::core
