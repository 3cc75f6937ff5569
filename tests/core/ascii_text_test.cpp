#include "core/ascii_text.h"

#include <gtest/gtest.h>

namespace clipret::core {
namespace {

TEST(AsciiText, LowerChangesOnlyAsciiLetters) {
  EXPECT_EQ(ascii_lower("AbC.JPG-é"), "abc.jpg-é");
  EXPECT_EQ(ascii_lower("X-Robots-Tag"), "x-robots-tag");
  EXPECT_EQ(ascii_lower("\xc3\x89T\xc3\x89"), "\xc3\x89t\xc3\x89");  // É stays: not ASCII
  EXPECT_EQ(ascii_lower(""), "");
}

TEST(AsciiText, TrimRemovesHttpWhiteSpaceAtBothEnds) {
  EXPECT_EQ(trim_space("  noai, noindex \t\r\n"), "noai, noindex");
  EXPECT_EQ(trim_space("a b"), "a b");
  EXPECT_EQ(trim_space(" \t "), "");
  EXPECT_EQ(trim_space("\xc2\xa0x\xc2\xa0"), "\xc2\xa0x\xc2\xa0");  // a no-break space is kept
}

}  // namespace
}  // namespace clipret::core
