// core/json_text.h against nlohmann::json (an independent JSON writer) and Python's repr values.
#include "core/json_text.h"

#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>

namespace clipret::core {
namespace {

const std::vector<std::string>& samples() {
  static const std::vector<std::string> kSamples = {
      "plain",
      "a longer plain ASCII text that spans several eight-byte words",
      "quote \" backslash \\ slash /",
      "tab\tnewline\nreturn\r backspace\b formfeed\f",
      std::string("\x01\x1f control \x7f del", 17),
      "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
      "bad \xff utf8",
      "truncated \xe2\x82",
      "overlong \xc0\xaf and surrogate \xed\xa0\x80",
      ""};
  return kSamples;
}

TEST(JsonTextTest, ReplacePolicyWritesWhatNlohmannWrites) {
  for (const std::string& text : samples()) {
    std::string out = "prefix:";
    append_json_string(text, out);
    const std::string expected =
        nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    EXPECT_EQ(out, "prefix:" + expected) << text;
    EXPECT_TRUE(nlohmann::json::parse(expected).is_string());
  }
}

TEST(JsonTextTest, EscapeBytesPolicyKeepsEveryByteRecoverable) {
  std::string out;
  append_json_string("bad \xff utf8 caf\xc3\xa9 \xe2\x82", out, InvalidUtf8::kEscapeBytes);
  EXPECT_EQ(out, "\"bad \\u00ff utf8 caf\xc3\xa9 \\u00e2\\u0082\"");
  // On valid text both policies agree with nlohmann.
  for (const std::string& text : samples()) {
    if (text.find("bad") != std::string::npos || text.find("trunc") != std::string::npos ||
        text.find("overlong") != std::string::npos) {
      continue;
    }
    std::string escaped;
    append_json_string(text, escaped, InvalidUtf8::kEscapeBytes);
    EXPECT_EQ(escaped, nlohmann::json(text).dump()) << text;
  }
}

TEST(JsonTextTest, PythonFloatReprs) {
  // Python 3: repr(x) for each x.
  const std::vector<std::pair<double, std::string>> cases = {
      {0.0, "0.0"},
      {-0.0, "-0.0"},
      {1.0, "1.0"},
      {0.1, "0.1"},
      {-2.5, "-2.5"},
      {1.0 / 3.0, "0.3333333333333333"},
      {0.0001, "0.0001"},
      {0.00001, "1e-05"},
      {2.5e-7, "2.5e-07"},
      {123.456, "123.456"},
      {1e15, "1000000000000000.0"},
      {9999999999999998.0, "9999999999999998.0"},
      {1e16, "1e+16"},
      {1.5e16, "1.5e+16"},
      {1e22, "1e+22"},
      {std::numeric_limits<double>::max(), "1.7976931348623157e+308"},
      {std::numeric_limits<double>::denorm_min(), "5e-324"},
  };
  for (const auto& [value, expected] : cases) {
    std::string out;
    append_python_float(value, out);
    EXPECT_EQ(out, expected) << expected;
  }
}

TEST(JsonTextTest, Utf8SequenceLength) {
  const std::string text = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xff\xc3";
  EXPECT_EQ(utf8_sequence_length(text, 0), 1u);
  EXPECT_EQ(utf8_sequence_length(text, 1), 2u);
  EXPECT_EQ(utf8_sequence_length(text, 3), 3u);
  EXPECT_EQ(utf8_sequence_length(text, 6), 4u);
  EXPECT_EQ(utf8_sequence_length(text, 10), 0u);  // 0xff
  EXPECT_EQ(utf8_sequence_length(text, 11), 0u);  // truncated
}

}  // namespace
}  // namespace clipret::core
