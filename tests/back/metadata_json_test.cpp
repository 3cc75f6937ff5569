#include "back/metadata_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace clipret::back {
namespace {

TEST(AppendJsonString, EscapesLikeAJsonLibrary) {
  for (const std::string& text :
       {std::string("plain"), std::string("quote \" backslash \\ slash /"),
        std::string("tab\tnewline\nreturn\r"), std::string("\x01\x1f control", 10),
        std::string("caf\xc3\xa9 \xe2\x82\xac"), std::string("bad \xff utf8"), std::string("")}) {
    std::string out;
    append_json_string(text, out);
    const nlohmann::json parsed = nlohmann::json::parse(out);
    const std::string expected =
        nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    EXPECT_EQ(out, expected) << text;
    EXPECT_TRUE(parsed.is_string());
  }
}

}  // namespace
}  // namespace clipret::back
