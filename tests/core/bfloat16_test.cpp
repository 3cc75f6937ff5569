// core/bfloat16.h against bit patterns worked out by hand from the definition (round the low 16
// bits to nearest, ties to even) and against the exact way back.
#include "core/bfloat16.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

namespace clipret::core {
namespace {

float from_bits(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

TEST(Bfloat16Test, RoundsToNearestEven) {
  struct Case {
    uint32_t in;
    uint16_t out;
  };
  const Case cases[] = {
      {0x3f800000u, 0x3f80},  // 1
      {0x40490fdbu, 0x4049},  // pi: low half 0x0fdb rounds down
      {0x3f808000u, 0x3f80},  // tie, 0x3f80 even: down
      {0x3f818000u, 0x3f82},  // tie, 0x3f81 odd: up
      {0x3f808001u, 0x3f81},  // just above the tie: up
      {0xbf818000u, 0xbf82},  // negative tie: away from zero when that is even
      {0x80000000u, 0x8000},  // -0
      {0x00000001u, 0x0000},  // smallest subnormal: to zero
      {0x007fffffu, 0x0080},  // largest subnormal: up to the smallest normal
      {0x7f7fffffu, 0x7f80},  // largest float: past the largest bfloat16, to inf
      {0x7f800000u, 0x7f80},  // inf
      {0xff800000u, 0xff80},  // -inf
      {0x7fc00001u, 0x7fc0},  // quiet NaN
      {0xffc12345u, 0xffc1},  // NaN, sign and payload top kept
      {0x7f800001u, 0x7fc0},  // signalling NaN with a low payload only: still a NaN
  };
  for (const Case& c : cases) {
    EXPECT_EQ(float32_to_bfloat16(from_bits(c.in)), c.out) << std::hex << c.in;
  }
  EXPECT_TRUE(std::isnan(bfloat16_to_float32(float32_to_bfloat16(from_bits(0x7f800001u)))));
}

TEST(Bfloat16Test, WideningIsExactAndRoundTrips) {
  for (uint32_t h = 0; h <= 0xffffu; ++h) {
    const auto bits = static_cast<uint16_t>(h);
    const float wide = bfloat16_to_float32(bits);
    uint32_t wide_bits;
    std::memcpy(&wide_bits, &wide, sizeof wide_bits);
    ASSERT_EQ(wide_bits, h << 16);
    if (!std::isnan(wide)) {
      ASSERT_EQ(float32_to_bfloat16(wide), bits) << std::hex << h;
    }
  }
}

TEST(Bfloat16Test, ErrorIsAtMostHalfAnUlp) {
  const float values[] = {0.1f, -0.3333333f, 123.456f, 1e-20f, 6.02e23f, -7.5e-39f};
  for (float v : values) {
    const float back = bfloat16_to_float32(float32_to_bfloat16(v));
    // 8 significant bits: half an ulp is 2^-8 of the value (relative), subnormals aside.
    EXPECT_LE(std::abs(back - v), std::ldexp(std::abs(v), -8) + 1e-40f) << v;
  }
  uint16_t out[3];
  const float in[3] = {1.0f, 0.1f, -2.0f};
  float32_to_bfloat16(in, 3, out);
  EXPECT_EQ(out[0], 0x3f80);
  EXPECT_EQ(out[1], float32_to_bfloat16(0.1f));
  EXPECT_EQ(out[2], 0xc000);
}

}  // namespace
}  // namespace clipret::core
