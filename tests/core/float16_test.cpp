#include "core/float16.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace clipret::core {
namespace {

TEST(Float16Test, KnownValues) {
  struct Case {
    float value;
    uint16_t bits;
  };
  const Case cases[] = {
      {0.0f, 0x0000},
      {-0.0f, 0x8000},
      {1.0f, 0x3c00},
      {-2.0f, 0xc000},
      {0.5f, 0x3800},
      {0.1f, 0x2e66},
      {65504.0f, 0x7bff},  // largest finite half
      {65519.0f, 0x7bff},  // below the midpoint to 65536: rounds down
      {65520.0f, 0x7c00},  // midpoint: ties to even = 65536 = inf
      {1e10f, 0x7c00},     // overflow
      {-1e10f, 0xfc00},
      {std::ldexp(1.0f, -14), 0x0400},  // smallest normal
      {std::ldexp(1.0f, -24), 0x0001},  // smallest subnormal
      {std::ldexp(1.0f, -25), 0x0000},  // half of it: tie to even (zero)
      {std::ldexp(3.0f, -25), 0x0002},  // 1.5 subnormal ulps: tie to even (2)
      {std::ldexp(1.0f, -26), 0x0000},
      {std::nextafter(std::ldexp(1.0f, -25), 1.0f), 0x0001},
      {std::ldexp(1023.0f, -24), 0x03ff},      // largest subnormal
      {std::ldexp(2047.0f, -25), 0x0400},      // rounds up into the smallest normal
      {1.0f + std::ldexp(1.0f, -11), 0x3c00},  // tie between 1 and 1+2^-10: even (1)
      {1.0f + std::ldexp(3.0f, -11), 0x3c02},  // tie: even (1+2^-9)
      {std::numeric_limits<float>::denorm_min(), 0x0000},
      {std::numeric_limits<float>::infinity(), 0x7c00},
      {-std::numeric_limits<float>::infinity(), 0xfc00},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(float32_to_float16(c.value), c.bits) << c.value;
  }
}

TEST(Float16Test, NanStaysNan) {
  EXPECT_EQ(float32_to_float16(std::numeric_limits<float>::quiet_NaN()), 0x7e00);
  // A payload only in the low bits must not become inf.
  const uint16_t low_payload = float32_to_float16(std::bit_cast<float>(0x7f800001u));
  EXPECT_EQ(low_payload & 0x7c00, 0x7c00);
  EXPECT_NE(low_payload & 0x03ff, 0);
  EXPECT_EQ(float32_to_float16(std::bit_cast<float>(0xffc00000u)), 0xfe00);
  EXPECT_TRUE(std::isnan(float16_to_float32(0x7e00)));
  EXPECT_TRUE(std::isnan(float16_to_float32(0x7c01)));
}

TEST(Float16Test, EveryHalfRoundTripsExactly) {
  for (uint32_t bits = 0; bits <= 0xffff; ++bits) {
    const auto h = static_cast<uint16_t>(bits);
    ASSERT_EQ(float32_to_float16(float16_to_float32(h)), h) << std::hex << bits;
  }
}

TEST(Float16Test, HalfToFloatValues) {
  EXPECT_EQ(float16_to_float32(0x3c00), 1.0f);
  EXPECT_EQ(float16_to_float32(0x0001), std::ldexp(1.0f, -24));
  EXPECT_EQ(float16_to_float32(0x03ff), std::ldexp(1023.0f, -24));
  EXPECT_EQ(float16_to_float32(0x7bff), 65504.0f);
  EXPECT_EQ(float16_to_float32(0xfc00), -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::signbit(float16_to_float32(0x8000)));
}

#if defined(__FLT16_MAX__)
// The compiler's _Float16 conversion (libgcc, round to nearest even) is an independent truth.
uint16_t reference_half(float value) {
  return std::bit_cast<uint16_t>(static_cast<_Float16>(value));
}

TEST(Float16Test, MatchesCompilerConversionOnMidpointsAndNeighbours) {
  for (uint32_t bits = 0; bits < 0x7c00; ++bits) {
    const float lo = float16_to_float32(static_cast<uint16_t>(bits));
    const float hi = float16_to_float32(static_cast<uint16_t>(bits + 1));
    const float mid = lo + (hi - lo) / 2;  // exact in float32
    for (float v : {mid, std::nextafter(mid, 0.0f), std::nextafter(mid, 1e30f), lo}) {
      ASSERT_EQ(float32_to_float16(v), reference_half(v)) << v;
      ASSERT_EQ(float32_to_float16(-v), reference_half(-v)) << -v;
    }
  }
}

TEST(Float16Test, MatchesCompilerConversionOnSampledFloats) {
  constexpr uint64_t kStride = 4099;  // ~1M samples over every finite float bit pattern
  for (uint64_t bits = 0; bits < 0x100000000ull; bits += kStride) {
    const float v = std::bit_cast<float>(static_cast<uint32_t>(bits));
    if (std::isnan(v)) continue;
    ASSERT_EQ(float32_to_float16(v), reference_half(v)) << std::hex << bits;
  }
}
#endif

TEST(Float16Test, ArrayConversions) {
  const std::vector<float> in = {1.0f, -0.5f, 3.140625f, 0.0f};
  std::vector<uint16_t> half(in.size());
  float32_to_float16(in.data(), in.size(), half.data());
  std::vector<float> back(in.size());
  float16_to_float32(half.data(), half.size(), back.data());
  EXPECT_EQ(back, in);
}

}  // namespace
}  // namespace clipret::core
