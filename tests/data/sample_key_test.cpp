#include "data/sample_key.h"

#include <gtest/gtest.h>

namespace clipret::data {
namespace {

void expect_split(const std::string& path, const std::string& key, const std::string& ext) {
  const std::optional<MemberName> name = split_member_name(path);
  ASSERT_TRUE(name.has_value()) << path;
  EXPECT_EQ(name->key, key) << path;
  EXPECT_EQ(name->extension, ext) << path;
}

TEST(SampleKeyTest, SplitsAtFirstDotOfBasename) {
  expect_split("dir/000123.jpg", "dir/000123", "jpg");
  expect_split("a.b.c/x.seg.png", "a.b.c/x", "seg.png");
  expect_split("000.txt", "000", "txt");
  expect_split("./shard/7.JSON", "./shard/7", "json");
  expect_split("x.Seg.PNG", "x", "seg.png");
}

TEST(SampleKeyTest, SkipsNamesWithoutSample) {
  EXPECT_FALSE(split_member_name("README"));
  EXPECT_FALSE(split_member_name("dir/x."));
  EXPECT_FALSE(split_member_name("dir/._000.jpg"));
  EXPECT_FALSE(split_member_name(".hidden.txt"));
  EXPECT_FALSE(split_member_name("__meta__"));
  EXPECT_FALSE(split_member_name("dir/"));
  EXPECT_FALSE(split_member_name(""));
}

}  // namespace
}  // namespace clipret::data
