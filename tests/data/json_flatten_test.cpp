#include "data/json_flatten.h"

#include <gtest/gtest.h>

namespace clipret::data {
namespace {

TEST(JsonFlattenTest, NestedObjectsBecomeDottedNamesInOrder) {
  std::string error;
  const auto fields = flatten_json_object(
      R"({"url": "http://x/1.jpg", "size": {"w": 3, "h": 4.5}, "ok": true, "none": null,
          "tags": ["a", 1], "empty": {}, "caption": "dropped", "image_path": "dropped",
          "metadata": {"also": "dropped"}, "z": {"caption": "kept when nested"}})",
      &error);
  ASSERT_TRUE(fields.has_value()) << error;
  std::vector<std::string> names;
  for (const auto& f : *fields) names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{"url", "size.w", "size.h", "ok", "none", "tags",
                                             "empty", "z.caption"}));
  EXPECT_EQ((*fields)[0].value.string_value, "http://x/1.jpg");
  EXPECT_EQ((*fields)[1].value.kind, FlatValue::Kind::kInt);
  EXPECT_EQ((*fields)[1].value.int_value, 3);
  EXPECT_EQ((*fields)[2].value.kind, FlatValue::Kind::kDouble);
  EXPECT_DOUBLE_EQ((*fields)[2].value.double_value, 4.5);
  EXPECT_EQ((*fields)[3].value.kind, FlatValue::Kind::kBool);
  EXPECT_EQ((*fields)[4].value.kind, FlatValue::Kind::kNull);
  EXPECT_EQ((*fields)[5].value.string_value, R"(["a",1])");
  EXPECT_EQ((*fields)[6].value.string_value, "{}");
}

TEST(JsonFlattenTest, NonObjectsAndBadJsonAreReported) {
  std::string error;
  EXPECT_FALSE(flatten_json_object("[1, 2]", &error).has_value());
  EXPECT_EQ(error, "json is not an object");
  EXPECT_FALSE(flatten_json_object("{\"a\": ", &error).has_value());
  EXPECT_EQ(error, "invalid json");
  EXPECT_FALSE(flatten_json_object("", &error).has_value());
  EXPECT_TRUE(flatten_json_object("{}", &error)->empty());
}

}  // namespace
}  // namespace clipret::data
