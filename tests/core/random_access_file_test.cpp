#include "core/random_access_file.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "test_util.h"

namespace clipret::core {
namespace {

TEST(RandomAccessFileTest, ReadsRangesOfAFile) {
  testing::TempDir dir;
  testing::write_file(dir.file("f.bin"), "0123456789");
  auto file = open_random_access_file(dir.file("f.bin"));
  EXPECT_EQ(file->size(), 10u);
  char buf[4];
  file->read_at(3, 4, buf);
  EXPECT_EQ(std::string(buf, 4), "3456");
  file->read_at(10, 0, buf);  // empty read at the end is fine
}

TEST(RandomAccessFileTest, ReadPastEndIsCorrupt) {
  auto file = open_memory_file("mem", "abc");
  char buf[8];
  try {
    file->read_at(2, 2, buf);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kCorrupt);
    EXPECT_NE(std::string(e.what()).find("mem"), std::string::npos);
  }
  // offset + n overflowing 64 bits must not wrap around into a valid range
  EXPECT_THROW(file->read_at(UINT64_MAX, 2, buf), Error);
}

TEST(RandomAccessFileTest, MissingFileIsNotFound) {
  try {
    open_random_access_file("/nonexistent/clipret/file");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
  }
}

TEST(RandomAccessFileTest, DirectoryIsAnIoError) {
  testing::TempDir dir;
  EXPECT_THROW(open_random_access_file(dir.path().string()), Error);
}

}  // namespace
}  // namespace clipret::core
