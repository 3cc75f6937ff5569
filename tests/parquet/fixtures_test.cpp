// Every file in ../shared/fixtures/parquet reads back exactly the rows of expected.jsonl.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "parquet/file_metadata.h"
#include "parquet/json_lines.h"
#include "parquet/parquet_reader.h"
#include "test_util.h"

namespace clipret::parquet {
namespace {

using nlohmann::json;

const char* const kFixtures[] = {
    "default_snappy.parquet", "gzip.parquet",         "many_rowgroups_small_pages.parquet",
    "page_v2.parquet",        "pandas_index.parquet", "plain_uncompressed.parquet",
    "zstd.parquet",
};

std::vector<json> expected_rows() {
  std::ifstream in(testing::fixture_path("parquet/expected.jsonl"));
  std::vector<json> rows;
  std::string line;
  while (std::getline(in, line)) rows.push_back(json::parse(line));
  return rows;
}

// Compares one cell with its expected JSON value, by the column's type.
void expect_cell(const Column& column, size_t row, const json& expected) {
  SCOPED_TRACE(column.name() + " row " + std::to_string(row));
  if (expected.is_null()) {
    EXPECT_TRUE(column.is_null(row));
    return;
  }
  ASSERT_FALSE(column.is_null(row));
  switch (column.physical()) {
    case PhysicalType::kBoolean:
      EXPECT_EQ(column.bool_at(row), expected.get<bool>());
      break;
    case PhysicalType::kInt32:
      EXPECT_EQ(column.int32_at(row), expected.get<int64_t>());
      break;
    case PhysicalType::kInt64:
      EXPECT_EQ(column.int64_at(row), expected.get<int64_t>());
      break;
    case PhysicalType::kFloat:
      // expected.jsonl holds the float widened to double: exact.
      EXPECT_EQ(static_cast<double>(column.float_at(row)), expected.get<double>());
      break;
    case PhysicalType::kDouble:
      EXPECT_EQ(column.double_at(row), expected.get<double>());
      break;
    case PhysicalType::kByteArray:
      EXPECT_EQ(column.bytes_at(row), expected.get<std::string>());
      break;
    default:
      FAIL() << "unexpected type";
  }
}

class FixtureTest : public ::testing::TestWithParam<const char*> {};

TEST_P(FixtureTest, ReadsExpectedRows) {
  const std::vector<json> rows = expected_rows();
  ASSERT_EQ(rows.size(), 3000u);
  const std::string path = testing::fixture_path(std::string("parquet/") + GetParam());
  Table table = read_parquet_file(path);
  ASSERT_EQ(table.num_rows(), rows.size());
  // Column types are the ones pyarrow wrote for the expected values.
  EXPECT_EQ(table.column("key").type(), string_type());
  EXPECT_EQ(table.column("width").physical(), PhysicalType::kInt32);
  // pandas turns an int column with nulls into float64 before pyarrow sees it.
  const bool from_pandas = std::string(GetParam()) == "pandas_index.parquet";
  EXPECT_EQ(table.column("height").physical(),
            from_pandas ? PhysicalType::kDouble : PhysicalType::kInt64);
  EXPECT_EQ(table.column("score").physical(), PhysicalType::kFloat);
  EXPECT_EQ(table.column("similarity").physical(), PhysicalType::kDouble);
  EXPECT_EQ(table.column("ok").physical(), PhysicalType::kBoolean);
  for (const auto& [name, value] : rows[0].items()) {
    const Column& column = table.column(name);
    for (size_t r = 0; r < rows.size(); ++r) {
      expect_cell(column, r, rows[r][name]);
      if (::testing::Test::HasFailure()) return;
    }
  }
  if (from_pandas) {
    // The RangeIndex lives in the "pandas" key-value metadata, not in a column.
    EXPECT_EQ(table.num_columns(), rows[0].size());
    auto reader = ParquetReader::open(path);
    bool found = false;
    for (const KeyValue& kv : reader->metadata().key_value_metadata) {
      if (kv.key == "pandas") found = kv.value.find("\"start\": 1000") != std::string::npos;
    }
    EXPECT_TRUE(found);
  }
}

TEST_P(FixtureTest, JsonLinesMatchExpectedFile) {
  CatOptions options;
  options.columns = {"key",        "url",   "caption", "width", "height",
                     "similarity", "score", "nsfw",    "ok"};
  std::ostringstream out;
  const std::string path = testing::fixture_path(std::string("parquet/") + GetParam());
  EXPECT_EQ(write_json_lines(path, options, out), 3000);
  const std::string expected = testing::read_file(testing::fixture_path("parquet/expected.jsonl"));
  if (std::string(GetParam()) != "pandas_index.parquet") {
    EXPECT_TRUE(out.str() == expected) << "JSON lines differ from expected.jsonl";
    return;
  }
  // pandas stored `height` as float64 (3229.0): equal as JSON values, not as text.
  std::istringstream got(out.str()), want(expected);
  std::string got_line, want_line;
  size_t lines = 0;
  while (std::getline(want, want_line)) {
    ASSERT_TRUE(std::getline(got, got_line));
    ASSERT_EQ(json::parse(got_line), json::parse(want_line)) << got_line;
    ++lines;
  }
  EXPECT_EQ(lines, 3000u);
}

TEST_P(FixtureTest, RowGroupsStreamAndProject) {
  const std::string path = testing::fixture_path(std::string("parquet/") + GetParam());
  ReaderOptions options;
  options.columns = {"ok", "key"};
  auto reader = ParquetReader::open(path, options);
  ASSERT_EQ(reader->schema().size(), 2u);
  EXPECT_EQ(reader->schema()[0].name, "ok");
  size_t rows = 0;
  for (size_t g = 0; g < reader->num_row_groups(); ++g) {
    Table part = reader->read_row_group(g);
    ASSERT_EQ(part.num_columns(), 2u);
    EXPECT_EQ(int64_t(part.num_rows()), reader->row_group_num_rows(g));
    EXPECT_EQ(part.column(1).bytes_at(0), string_printf("%09zu", rows));
    rows += part.num_rows();
  }
  EXPECT_EQ(rows, 3000u);
}

INSTANTIATE_TEST_SUITE_P(Pyarrow, FixtureTest, ::testing::ValuesIn(kFixtures),
                         [](const auto& info) {
                           std::string name = info.param;
                           return name.substr(0, name.find('.'));
                         });

TEST(FixtureLimitTest, LimitStopsEarly) {
  CatOptions options;
  options.limit = 5;
  options.columns = {"key"};
  std::ostringstream out;
  EXPECT_EQ(write_json_lines(testing::fixture_path("parquet/many_rowgroups_small_pages.parquet"),
                             options, out),
            5);
  EXPECT_EQ(out.str(),
            "{\"key\": \"000000000\"}\n{\"key\": \"000000001\"}\n{\"key\": \"000000002\"}\n"
            "{\"key\": \"000000003\"}\n{\"key\": \"000000004\"}\n");
}

}  // namespace
}  // namespace clipret::parquet
