#include "cli/option_table.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace clipret::cli {
namespace {

struct Sample {
  std::vector<std::string> input;
  std::string output;
  std::string format = "files";
  int64_t batch_size = 256;
  std::optional<int64_t> count;
  std::optional<std::string> cache;
  double threshold = 0.5;
  bool enable_text = true;
  bool enable_metadata = false;
};

class OptionTableTest : public ::testing::Test {
 protected:
  OptionTableTest() : table_("tool sub", "A test command.") {
    table_.add_string_list("input_dataset", &s_.input, "inputs", true);
    table_.add_string("output_folder", &s_.output, "output", true);
    table_.add_string("input_format", &s_.format, "format");
    table_.add_int("batch_size", &s_.batch_size, "batch");
    table_.add_optional_int("output_partition_count", &s_.count, "count");
    table_.add_optional_string("cache_path", &s_.cache, "cache");
    table_.add_float("threshold", &s_.threshold, "threshold");
    table_.add_bool("enable_text", &s_.enable_text, "text");
    table_.add_bool("enable_metadata", &s_.enable_metadata, "metadata");
  }
  void parse(std::vector<std::string> args) { ASSERT_TRUE(table_.parse(args)); }
  std::string error_of(std::vector<std::string> args) {
    try {
      table_.parse(args);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
      return e.what();
    }
    return "<no error>";
  }

  Sample s_;
  OptionTable table_;
};

TEST_F(OptionTableTest, NamedValuesBothSpellings) {
  parse({"--input_dataset", "in", "--output-folder=out", "--batch-size", "32", "--threshold=0.25"});
  EXPECT_EQ(s_.input, std::vector<std::string>{"in"});
  EXPECT_EQ(s_.output, "out");
  EXPECT_EQ(s_.batch_size, 32);
  EXPECT_DOUBLE_EQ(s_.threshold, 0.25);
  EXPECT_TRUE(table_.was_given("batch-size"));
  EXPECT_FALSE(table_.was_given("input_format"));
}

TEST_F(OptionTableTest, PositionalFillInDeclarationOrder) {
  parse({"in_folder", "--batch_size=8", "out_folder", "webdataset"});
  EXPECT_EQ(s_.input, std::vector<std::string>{"in_folder"});
  EXPECT_EQ(s_.output, "out_folder");
  EXPECT_EQ(s_.format, "webdataset");
  EXPECT_EQ(s_.batch_size, 8);
}

TEST_F(OptionTableTest, PositionalSkipsOptionsGivenByName) {
  parse({"--output_folder", "out", "in", "webdataset"});
  EXPECT_EQ(s_.input, std::vector<std::string>{"in"});
  EXPECT_EQ(s_.format, "webdataset");
}

TEST_F(OptionTableTest, BooleansAllSpellings) {
  for (const auto& [text, value] : std::vector<std::pair<std::string, bool>>{{"True", true},
                                                                             {"False", false},
                                                                             {"true", true},
                                                                             {"false", false},
                                                                             {"1", true},
                                                                             {"0", false}}) {
    Sample fresh;
    s_ = fresh;
    parse({"i", "o", "--enable_text", text});
    EXPECT_EQ(s_.enable_text, value) << text;
    s_ = fresh;
    parse({"i", "o", "--enable_text=" + text});
    EXPECT_EQ(s_.enable_text, value) << text;
  }
}

TEST_F(OptionTableTest, BareFlagIsTrueAndNoPrefixIsFalse) {
  parse({"--enable_metadata", "i", "o", "--noenable_text"});
  EXPECT_TRUE(s_.enable_metadata);
  EXPECT_FALSE(s_.enable_text);
  EXPECT_EQ(s_.input, std::vector<std::string>{"i"});
}

TEST_F(OptionTableTest, NoneForNullableOptions) {
  s_.count = 5;
  parse({"i", "o", "--output_partition_count", "None", "--cache_path=None"});
  EXPECT_FALSE(s_.count.has_value());
  EXPECT_FALSE(s_.cache.has_value());
  parse({"i", "o", "--output_partition_count", "12", "--cache_path", "/c"});
  EXPECT_EQ(s_.count, 12);
  EXPECT_EQ(s_.cache, "/c");
}

TEST_F(OptionTableTest, ListsAsPythonOrJsonLiterals) {
  parse({"--input_dataset", R"(["a.tar", 'b.tar' ,"c\"d.tar"])", "o"});
  EXPECT_EQ(s_.input, (std::vector<std::string>{"a.tar", "b.tar", "c\"d.tar"}));
  parse({"--input_dataset=[]", "o"});
  EXPECT_TRUE(s_.input.empty());
}

TEST_F(OptionTableTest, IntegersAcceptPythonSpellings) {
  parse({"i", "o", "--batch_size", "1_000"});
  EXPECT_EQ(s_.batch_size, 1000);
  parse({"i", "o", "--batch_size", "1e6"});
  EXPECT_EQ(s_.batch_size, 1000000);
  parse({"i", "o", "--batch_size", "-3"});
  EXPECT_EQ(s_.batch_size, -3);  // range checks belong to the Options' validate()
}

TEST_F(OptionTableTest, Errors) {
  EXPECT_NE(error_of({"i", "o", "--batch_sise", "3"})
                .find("unknown option --batch_sise; did you "
                      "mean --batch_size?"),
            std::string::npos);
  EXPECT_NE(error_of({"i", "o", "--batch_size", "abc"}).find("--batch_size: expected an integer"),
            std::string::npos);
  EXPECT_NE(error_of({"i", "o", "--batch_size", "2.5"}).find("expected an integer"),
            std::string::npos);
  EXPECT_NE(error_of({"i", "o", "--threshold", "x"}).find("--threshold: expected a number"),
            std::string::npos);
  EXPECT_NE(error_of({"i", "o", "--enable_text=maybe"}).find("expected a boolean"),
            std::string::npos);
  EXPECT_NE(error_of({"i", "o", "--batch_size"}).find("--batch_size needs a value"),
            std::string::npos);
  EXPECT_NE(error_of({"i"}).find("missing required option --output_folder"), std::string::npos);
  EXPECT_NE(error_of({"i", "o", "files", "3", "4", "c", "0.1", "True", "True", "extra"})
                .find("unexpected argument 'extra'"),
            std::string::npos);
  EXPECT_NE(error_of({"--input_dataset", "[\"a\"", "o"}).find("malformed list"), std::string::npos);
  EXPECT_NE(error_of({"i", "o", "--batch_size", "None"}).find("does not accept None"),
            std::string::npos);
  EXPECT_NE(error_of({"i", "o", "--batch_size=1", "--batch-size=2"}).find("given twice"),
            std::string::npos);
  EXPECT_NE(error_of({"i", "o", "--zzzzzzzzzzzz"}).find("unknown option --zzzzzzzzzzzz"),
            std::string::npos);
  EXPECT_EQ(error_of({"i", "o", "--zzzzzzzzzzzz"}).find("did you mean"), std::string::npos);
}

TEST_F(OptionTableTest, HelpRequestAndText) {
  EXPECT_FALSE(table_.parse({"--help"}));
  EXPECT_FALSE(table_.parse({"i", "-h"}));
  const std::string help = table_.help();
  EXPECT_NE(help.find("--batch_size (int)  default: 256"), std::string::npos) << help;
  EXPECT_NE(help.find("--input_format (str)  default: \"files\""), std::string::npos);
  EXPECT_NE(help.find("--output_partition_count (int)  default: None"), std::string::npos);
  EXPECT_NE(help.find("--enable_metadata (bool)  default: False"), std::string::npos);
  EXPECT_NE(help.find("--input_dataset (str|list)  required"), std::string::npos);
}

TEST(OptionTableDeclarationTest, DuplicateDeclarationIsABug) {
  OptionTable table("t", "s");
  int64_t a = 0;
  table.add_int("x_y", &a, "h");
  EXPECT_THROW(table.add_int("x_y", &a, "h"), Error);
}

TEST(EditDistanceTest, Basics) {
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("same", "same"), 0u);
}

}  // namespace
}  // namespace clipret::cli

namespace clipret::cli {
namespace {

TEST(OptionTableRepeatedTest, EachOccurrenceAppendsAndListsAppendAll) {
  std::vector<std::string> texts;
  std::string output = "-";
  OptionTable table("t", "s");
  table.add_repeated_string("text", &texts, "a text");
  table.add_string("output", &output, "where");
  ASSERT_TRUE(
      table.parse({"--text", "a cat", "out.npy", "--text=a dog", "--text", "[\"x\",\"y\"]"}));
  EXPECT_EQ(texts, (std::vector<std::string>{"a cat", "a dog", "x", "y"}));
  EXPECT_EQ(output, "out.npy");  // bare words skip repeatable options
  EXPECT_NE(table.help().find("--text (str|list, repeatable)  default: []"), std::string::npos);
}

}  // namespace
}  // namespace clipret::cli
