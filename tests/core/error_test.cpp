#include "core/error.h"

#include <gtest/gtest.h>

namespace clipret {
namespace {

TEST(ErrorTest, CheckThrowsWithKindAndFormattedMessage) {
  try {
    CLIPRET_CHECK(1 + 1 == 3, InvalidInput, "%s: batch_size must be positive, got %d", "opts", -4);
    FAIL() << "no throw";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
    EXPECT_STREQ(e.what(), "opts: batch_size must be positive, got -4");
  }
}

TEST(ErrorTest, CheckPassesSilently) {
  EXPECT_NO_THROW(CLIPRET_CHECK(true, Internal, "never"));
}

TEST(ErrorTest, LongMessagesAreNotTruncated) {
  const std::string long_text(5000, 'x');
  try {
    CLIPRET_THROW(Corrupt, "%s|end", long_text.c_str());
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), long_text + "|end");
    EXPECT_EQ(e.kind(), ErrorKind::kCorrupt);
  }
}

TEST(ErrorTest, KindNames) {
  EXPECT_STREQ(error_kind_name(ErrorKind::kNotFound), "not found");
  EXPECT_STREQ(error_kind_name(ErrorKind::kUnsupported), "unsupported");
}

}  // namespace
}  // namespace clipret
