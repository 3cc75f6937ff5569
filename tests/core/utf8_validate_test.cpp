#include "core/utf8_validate.h"

#include <gtest/gtest.h>

namespace clipret::core {
namespace {

TEST(Utf8ValidateTest, AcceptsWellFormedText) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("ünïcödé 猫 🐱"));
  EXPECT_TRUE(is_valid_utf8("\xEF\xBF\xBD"));      // U+FFFD itself
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
  EXPECT_TRUE(is_valid_utf8(std::string_view("a\0b", 3)));
}

TEST(Utf8ValidateTest, RejectsMalformedSequences) {
  EXPECT_FALSE(is_valid_utf8("\x80"));              // stray continuation
  EXPECT_FALSE(is_valid_utf8("\xC3"));              // truncated
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate D800
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xFF"));
  EXPECT_FALSE(is_valid_utf8("caf\xE9"));   // Latin-1 é
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));  // truncated euro sign
}

}  // namespace
}  // namespace clipret::core
