#include "core/brace_expand.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/error.h"

namespace clipret::core {
namespace {

struct Case {
  const char* pattern;
  std::vector<std::string> expected;
};

// Expected outputs come from braceexpand 0.1.7's algorithm run under Python 3.
TEST(BraceExpandTest, MatchesPythonBraceexpand) {
  const Case cases[] = {
      {"plain.tar", {"plain.tar"}},
      {"", {""}},
      {"{000..003}.tar", {"000.tar", "001.tar", "002.tar", "003.tar"}},
      {"{0..3}", {"0", "1", "2", "3"}},
      {"{00..3}", {"00", "01", "02", "03"}},
      {"{7..10}", {"7", "8", "9", "10"}},
      {"{07..10}", {"07", "08", "09", "10"}},
      {"{1..010}", {"001", "002", "003", "004", "005", "006", "007", "008", "009", "010"}},
      {"{0..2}", {"0", "1", "2"}},
      {"{-0..2}", {"0", "1", "2"}},
      {"{-1..2}", {"-1", "0", "1", "2"}},
      {"{2..-1}", {"2", "1", "0", "-1"}},
      {"{-01..1}", {"-01", "000", "001"}},
      {"{-05..5..5}", {"-05", "000", "005"}},
      {"{5..1}", {"5", "4", "3", "2", "1"}},
      {"{1..1}", {"1"}},
      {"{1..10..2}", {"1", "3", "5", "7", "9"}},
      {"{10..1..3}", {"10", "7", "4", "1"}},
      {"{1..10..-3}", {"1", "4", "7", "10"}},
      {"{1..3..0}", {"1", "2", "3"}},
      {"{1..3..99999999999999999999}", {"1"}},
      {"{a..e}", {"a", "b", "c", "d", "e"}},
      {"{e..a}", {"e", "d", "c", "b", "a"}},
      {"{a..g..2}", {"a", "c", "e", "g"}},
      {"{A..C}", {"A", "B", "C"}},
      {"{Y..c}", {"Y", "Z", "a", "b", "c"}},
      {"{c..Y}", {"c", "b", "a", "Z", "Y"}},
      {"{b..A}", {"b", "a", "Z", "Y", "X", "W", "V", "U", "T", "S", "R", "Q", "P", "O",
                  "N", "M", "L", "K", "J", "I", "H", "G", "F", "E", "D", "C", "B", "A"}},
      {"{A..A}", {"A"}},
      {"{z..A..25}", {"z", "a", "B"}},
      {"{a,b,c}", {"a", "b", "c"}},
      {"x{a,b}y", {"xay", "xby"}},
      {"{a,b}{1,2}", {"a1", "a2", "b1", "b2"}},
      {"{a,b}-{1..2}-{x,y}",
       {"a-1-x", "a-1-y", "a-2-x", "a-2-y", "b-1-x", "b-1-y", "b-2-x", "b-2-y"}},
      {"{a,b{1..2}}", {"a", "b1", "b2"}},
      {"python{2.{5..7},3.{2,3}}",
       {"python2.5", "python2.6", "python2.7", "python3.2", "python3.3"}},
      {"index.html{,.backup}", {"index.html", "index.html.backup"}},
      {"{,}", {"", ""}},
      {"{a,}", {"a", ""}},
      {"{,,}", {"", "", ""}},
      {"{a}", {"{a}"}},
      {"{}", {"{}"}},
      {"a{}b", {"a{}b"}},
      {"{{a,b}}", {"{a}", "{b}"}},
      {"{{a}}", {"{{a}}"}},
      {"{a{1,2}}", {"{a1}", "{a2}"}},
      {"{a,{b,c}}", {"a", "b", "c"}},
      {"{{1..2}}", {"{1}", "{2}"}},
      {"{1..3}{}", {"1{}", "2{}", "3{}"}},
      {"{a\\,b}", {"{a,b}"}},
      {"{a\\,b,c}", {"a,b", "c"}},
      {"{a,b\\}}", {"a", "b}"}},
      {"\\\\{a,b}", {"\\a", "\\b"}},
      {"a\\b", {"ab"}},
      {"a\\\\b", {"a\\b"}},
      {"trail\\", {"trail\\"}},
      {"{1\\{2,3}", {"1{2", "3"}},
      {"{1..3\n}", {"1", "2", "3"}},
      {"{1..2..}", {"{1..2..}"}},
      {"{1...3}", {"{1...3}"}},
      {"{a..1}", {"{a..1}"}},
      {"{1..b}", {"{1..b}"}},
      {"{aa..c}", {"{aa..c}"}},
      {"{-a..c}", {"{-a..c}"}},
      {"{+1..3}", {"{+1..3}"}},
      {"{ 1..3}", {"{ 1..3}"}},
      {"pipe:aws s3 cp s3://b/{000..002}.tar -",
       {"pipe:aws s3 cp s3://b/000.tar -", "pipe:aws s3 cp s3://b/001.tar -",
        "pipe:aws s3 cp s3://b/002.tar -"}},
      {"}{", {"}{"}},
      {"a}{b", {"a}{b"}},
      {"}{a,b}{", {"}{a,b}{"}},
      {"}{{a,b}", {"}{a", "}{b"}},
      {"\\{a\\}", {"{a}"}},
      {"\\{a,b\\}", {"{a,b}"}},
      {"shard\\{{1,2}\\}", {"shard{1}", "shard{2}"}},
      {"x\\}y", {"x}y"}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(brace_expand(c.pattern), c.expected) << "pattern: " << c.pattern;
  }
}

TEST(BraceExpandTest, UnbalancedBracesAreAnError) {
  // braceexpand raises UnbalancedBracesError for each of these.
  const char* patterns[] = {
      "\\{a,b}", "{1..3", "{1{2,3}", "a}", "}", "{", "a{b", "{a,b}}", "{{a,b}", "x}{a,b}",
  };
  for (const char* pattern : patterns) {
    try {
      brace_expand(pattern);
      ADD_FAILURE() << "no error for " << pattern;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput) << pattern;
      EXPECT_NE(std::string(e.what()).find("unbalanced braces"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(pattern), std::string::npos) << e.what();
    }
  }
}

TEST(BraceExpandTest, WithoutEscapesBackslashesAreLiteral) {
  const Case cases[] = {
      {"\\{1,2}", {"\\1", "\\2"}},
      {"{a\\,b}", {"a\\", "b"}},
      {"\\\\{a,b}", {"\\\\a", "\\\\b"}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(brace_expand(c.pattern, {.escape = false}), c.expected) << c.pattern;
  }
}

TEST(BraceExpandTest, ListsConcatenateTheirExpansions) {
  // The original passes a list straight to braceexpand and crashes (issue #180).
  EXPECT_EQ(brace_expand_all({"a{1..2}.tar", "b.tar", "{x,y}"}),
            (std::vector<std::string>{"a1.tar", "a2.tar", "b.tar", "x", "y"}));
  EXPECT_TRUE(brace_expand_all({}).empty());
  EXPECT_THROW(brace_expand_all({"ok", "{bad"}), Error);
}

TEST(BraceExpandTest, RefusesAbsurdExpansionsBeforeExpanding) {
  // 10^12 strings: refused at once, without allocating them.
  try {
    brace_expand("{0..999999}{0..999999}");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
    EXPECT_NE(std::string(e.what()).find("exceeds 10000000"), std::string::npos) << e.what();
  }
  EXPECT_THROW(brace_expand("{-9223372036854775808..9223372036854775807}"), Error);
  // Products that overflow 64 bits saturate rather than wrap to a small count.
  EXPECT_THROW(brace_expand("{0..4294967295}{0..4294967295}{0..1}"), Error);
  // The limit applies to the total of a list, and is configurable.
  EXPECT_EQ(brace_expand("{1..5}", {.max_items = 5}).size(), 5u);
  EXPECT_THROW(brace_expand("{1..6}", {.max_items = 5}), Error);
  EXPECT_THROW(brace_expand_all({"{1..3}", "{1..3}"}, {.max_items = 5}), Error);
}

TEST(BraceExpandTest, Int64Bounds) {
  EXPECT_EQ(brace_expand("{9223372036854775806..9223372036854775807}"),
            (std::vector<std::string>{"9223372036854775806", "9223372036854775807"}));
  EXPECT_EQ(brace_expand("{-9223372036854775807..-9223372036854775808}"),
            (std::vector<std::string>{"-9223372036854775807", "-9223372036854775808"}));
  EXPECT_EQ(brace_expand("{-9223372036854775808..9223372036854775807..9223372036854775807}"),
            (std::vector<std::string>{"-9223372036854775808", "-1", "9223372036854775806"}));
  try {
    brace_expand("{1..9223372036854775808}");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUnsupported);
  }
}

TEST(BraceExpandTest, DeepNestingIsRefused) {
  const std::string deep = std::string(5000, '{') + "a" + std::string(5000, '}');
  EXPECT_THROW(brace_expand(deep), Error);
  const std::string fine = std::string(50, '{') + "a,b" + std::string(50, '}');
  EXPECT_EQ(brace_expand(fine).size(), 2u);
}

}  // namespace
}  // namespace clipret::core
