#include "text/single_byte_codecs.h"

#include <gtest/gtest.h>

namespace clipret::text {
namespace {

TEST(SingleByteCodecsTest, SloppyWindows1252FillsTheHoles) {
  EXPECT_EQ(decode_sloppy_windows_1252(0x80), U'\u20AC');
  EXPECT_EQ(decode_sloppy_windows_1252(0x81), U'\u0081');  // undefined in Windows-1252
  EXPECT_EQ(decode_sloppy_windows_1252(0x9D), U'\u009D');
  EXPECT_EQ(decode_sloppy_windows_1252(0x9F), U'\u0178');
  EXPECT_EQ(decode_sloppy_windows_1252(0xE9), U'\u00E9');
  EXPECT_EQ(decode_sloppy_windows_1252(0x1A), U'\uFFFD');
  EXPECT_EQ(decode_sloppy_windows_1252('a'), U'a');
  // Every byte round-trips.
  for (int b = 0; b < 256; ++b) {
    const auto byte = static_cast<uint8_t>(b);
    EXPECT_EQ(sloppy_windows_1252_byte(decode_sloppy_windows_1252(byte)), byte) << b;
  }
}

TEST(SingleByteCodecsTest, EncodesOrRefuses) {
  EXPECT_EQ(encode_latin1(U"caf\u00C3\u00A9\u0080"), "caf\xC3\xA9\x80");
  EXPECT_FALSE(encode_latin1(U"\u20AC").has_value());
  EXPECT_EQ(encode_sloppy_windows_1252(U"\u00E2\u20AC\u2122\u009D\uFFFD"), "\xE2\x80\x99\x9D\x1A");
  EXPECT_FALSE(encode_sloppy_windows_1252(U"\u0080").has_value());  // 0x80 is the euro sign
  EXPECT_FALSE(encode_sloppy_windows_1252(U"\u001A").has_value());
  EXPECT_FALSE(encode_sloppy_windows_1252(U"\u6771").has_value());
}

}  // namespace
}  // namespace clipret::text
