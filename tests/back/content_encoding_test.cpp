#include "back/content_encoding.h"

#include <gtest/gtest.h>

namespace clipret::back {
namespace {

TEST(WithoutBrotli, DropsBrAndKeepsTheRestInOrder) {
  EXPECT_EQ(without_brotli("gzip, deflate, br"), "gzip, deflate");  // Chromium's
  EXPECT_EQ(without_brotli("gzip, deflate, br, zstd"), "gzip, deflate, zstd");
  EXPECT_EQ(without_brotli("br;q=1.0, gzip;q=0.8, *;q=0.1"), "gzip;q=0.8, *;q=0.1");
  EXPECT_EQ(without_brotli("BR,gzip"), "gzip");
  EXPECT_EQ(without_brotli("br"), "");
  EXPECT_EQ(without_brotli(""), "");
  EXPECT_EQ(without_brotli("identity"), "identity");
  EXPECT_EQ(without_brotli("  gzip ,, deflate  "), "gzip, deflate");
}

}  // namespace
}  // namespace clipret::back
