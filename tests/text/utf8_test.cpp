#include "text/utf8.h"

#include <gtest/gtest.h>

namespace clipret::text {
namespace {

TEST(Utf8Test, DecodesValidText) {
  EXPECT_EQ(decode_utf8("a\xC3\xA9\xE6\x9D\xB1\xF0\x9F\x90\xB1"), U"a\u00E9\u6771\U0001F431");
  EXPECT_EQ(decode_utf8(""), U"");
  EXPECT_EQ(decode_utf8(std::string_view("a\0b", 3)), std::u32string(U"a\0b", 3));
}

// Expected values are what CPython's bytes.decode("utf-8", "replace") returns.
TEST(Utf8Test, ReplacesEachMaximalInvalidSubpart) {
  EXPECT_EQ(decode_utf8("\xFF"), U"\uFFFD");
  EXPECT_EQ(decode_utf8("a\x80z"), U"a\uFFFDz");
  EXPECT_EQ(decode_utf8("\xC0\xAF"), U"\uFFFD\uFFFD");                      // overlong '/'
  EXPECT_EQ(decode_utf8("\xE0\x80\xAF"), U"\uFFFD\uFFFD\uFFFD");            // overlong, 3 bytes
  EXPECT_EQ(decode_utf8("\xED\xA0\x80"), U"\uFFFD\uFFFD\uFFFD");            // surrogate U+D800
  EXPECT_EQ(decode_utf8("\xF4\x90\x80\x80"), U"\uFFFD\uFFFD\uFFFD\uFFFD");  // > U+10FFFF
  EXPECT_EQ(decode_utf8("\xE6\x9D"), U"\uFFFD");                            // truncated at the end
  EXPECT_EQ(decode_utf8("\xE6\x9Dx"), U"\uFFFDx");  // truncated in the middle
  EXPECT_EQ(decode_utf8("\xF0\x9F\x90"), U"\uFFFD");
  EXPECT_EQ(decode_utf8("\xE6\xC3\xA9"), U"\uFFFD\u00E9");  // the offending byte starts anew
}

TEST(Utf8Test, EncodeRoundTrips) {
  const std::u32string text = U"a\u00E9\u0800\uFFFF\U00010000\U0010FFFF";
  EXPECT_EQ(decode_utf8(encode_utf8(text)), text);
  EXPECT_EQ(encode_utf8(U"\u00E9"), "\xC3\xA9");
}

// ftfy's "utf-8-variants": strict UTF-8 plus CESU-8 pairs and Java's C0 80.
TEST(Utf8Test, DecodesUtf8VariantsStrictly) {
  EXPECT_EQ(decode_utf8_variants("a\xC3\xA9\xF0\x9F\x90\xB1"), U"a\u00E9\U0001F431");
  EXPECT_EQ(decode_utf8_variants("\xED\xA0\xBD\xED\xB8\x80"), U"\U0001F600");  // CESU-8
  EXPECT_EQ(decode_utf8_variants("a\xC0\x80z"), std::u32string(U"a\0z", 3));
  EXPECT_EQ(decode_utf8_variants(""), U"");
  EXPECT_FALSE(decode_utf8_variants("\xED\xA0\x80").has_value());  // lone surrogate
  EXPECT_FALSE(decode_utf8_variants("caf\xE9").has_value());
  EXPECT_FALSE(decode_utf8_variants("\xC3").has_value());
  EXPECT_FALSE(decode_utf8_variants("\xC0\xAF").has_value());  // overlong
}

}  // namespace
}  // namespace clipret::text
