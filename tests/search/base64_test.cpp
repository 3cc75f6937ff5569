#include "search/base64.h"

#include <gtest/gtest.h>

namespace clipret::search {
namespace {

TEST(Base64, EncodesAsPython) {
  // base64.b64encode(b"...") in Python.
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode(std::string("\xff\x00\xfe", 3)), "/wD+");
}

TEST(Base64, DecodesAndRoundTrips) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  EXPECT_EQ(base64_decode(base64_encode(all)), all);
  EXPECT_EQ(base64_decode("Zm9v\nYmFy"), "foobar");  // line breaks skipped, as b64decode
  EXPECT_EQ(base64_decode("Zg=="), "f");
}

TEST(Base64, RejectsBadPadding) {
  EXPECT_FALSE(base64_decode("Zg").has_value());
  EXPECT_FALSE(base64_decode("Z").has_value());
  EXPECT_FALSE(base64_decode("Zg==Zg==").has_value());
}

}  // namespace
}  // namespace clipret::search
