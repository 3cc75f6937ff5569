// Memory strings as autofaiss's cast_memory_to_bytes reads them (autofaiss-notes §0).
#include "index/memory_string.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace clipret::index {
namespace {

TEST(MemoryStringTest, UnitsArePowersOf1024) {
  EXPECT_EQ(parse_memory_string("16G", "m"), 16ull << 30);
  EXPECT_EQ(parse_memory_string("16GB", "m"), 16ull << 30);
  EXPECT_EQ(parse_memory_string("512MB", "m"), 512ull << 20);
  EXPECT_EQ(parse_memory_string("1.5g", "m"), 3ull << 29);
  EXPECT_EQ(parse_memory_string("4k", "m"), 4096u);
  EXPECT_EQ(parse_memory_string("100B", "m"), 100u);
  EXPECT_EQ(parse_memory_string("1T", "m"), 1ull << 40);
}

TEST(MemoryStringTest, MalformedStringsAreRefusedNamingTheOption) {
  for (const char* bad : {"16 G", "G", "-1G", "4X", "16", "1.G", "GB", "4GBB", ""}) {
    try {
      parse_memory_string(bad, "max_index_memory_usage");
      FAIL() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
      EXPECT_NE(std::string(e.what()).find("--max_index_memory_usage"), std::string::npos);
    }
  }
}

TEST(MemoryStringTest, FormatsWithOneDecimal) {
  EXPECT_EQ(format_memory(16449464320ull), "15.3GB");
  EXPECT_EQ(format_memory(512), "512.0B");
  EXPECT_EQ(format_memory(3ull << 29), "1.5GB");
}

}  // namespace
}  // namespace clipret::index
