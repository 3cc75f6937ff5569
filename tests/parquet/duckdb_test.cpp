// Cross-check with DuckDB (npm @duckdb/node-api, installed by scripts/setup.sh into
// tests/parquet/duckdb/node_modules): DuckDB reads what we write, and we read what DuckDB writes,
// across codecs, page versions and encodings. Skipped when node or the package is missing.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/error.h"
#include "parquet/json_value_format.h"
#include "parquet/parquet_reader.h"
#include "parquet/parquet_writer.h"
#include "test_util.h"

namespace clipret::parquet {
namespace {

using nlohmann::json;

const std::string kDuckDbDir = std::string(CLIPRET_SOURCE_DIR) + "/tests/parquet/duckdb";

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

bool duckdb_available() {
  return std::filesystem::exists(kDuckDbDir + "/node_modules/@duckdb/node-api") &&
         std::system("node --version > /dev/null 2>&1") == 0;
}

void duckdb(const std::string& mode, const std::string& sql, const std::string& out = "") {
  std::string command = "node ";
  command.append(shell_quote(kDuckDbDir + "/duckdb_check.mjs")).append(" ").append(mode);
  command.append(" ").append(shell_quote(sql));
  if (!out.empty()) command.append(" ").append(shell_quote(out));
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

std::vector<json> read_json_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<json> rows;
  std::string line;
  while (std::getline(in, line)) rows.push_back(json::parse(line));
  return rows;
}

// Compares a cell with DuckDB's JSON for it (temporal and decimal values cast in the query:
// dates and decimals to VARCHAR, timestamps to epoch microseconds).
void expect_cell(const Column& column, size_t row, const json& expected) {
  SCOPED_TRACE(column.name() + " row " + std::to_string(row) + " expected " + expected.dump());
  if (expected.is_null()) {
    EXPECT_TRUE(column.is_null(row));
    return;
  }
  ASSERT_FALSE(column.is_null(row));
  const LogicalType& logical = column.type().logical;
  std::string text;
  append_json_value(column, row, &text);
  switch (logical.kind) {
    case LogicalKind::kDate:
      EXPECT_EQ(text, json(expected.get<std::string>()).dump());
      return;
    case LogicalKind::kDecimal:
      EXPECT_EQ(text, expected.get<std::string>());
      return;
    case LogicalKind::kTimestamp:
      EXPECT_EQ(column.int64_at(row), expected.get<int64_t>());
      return;
    default:
      break;
  }
  switch (column.physical()) {
    case PhysicalType::kBoolean:
      EXPECT_EQ(column.bool_at(row), expected.get<bool>());
      break;
    case PhysicalType::kInt32:
    case PhysicalType::kInt64:
      EXPECT_EQ(json::parse(text), expected);
      break;
    case PhysicalType::kFloat:
      EXPECT_EQ(column.float_at(row), static_cast<float>(expected.get<double>()));
      break;
    case PhysicalType::kDouble:
      EXPECT_EQ(column.double_at(row), expected.get<double>());
      break;
    default:
      EXPECT_EQ(column.bytes_at(row), expected.get<std::string>());
  }
}

void expect_table_matches(const Table& table, const std::vector<json>& rows) {
  ASSERT_EQ(table.num_rows(), rows.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    for (const Column& column : table.columns()) {
      expect_cell(column, r, rows[r].at(column.name()));
      if (::testing::Test::HasFailure()) return;
    }
  }
}

Table metadata_like_table(size_t rows) {
  Table table({{"b", bool_type(), true},
               {"i32", int32_type(), true},
               {"i64", int64_type(), false},
               {"u32", uint32_type(), true},
               {"f", float_type(), true},
               {"d", double_type(), true},
               {"s", string_type(), true},
               {"low", string_type(), false},
               {"dt", date_type(), true},
               {"ts", timestamp_type(TimeUnit::kMicros, true), true},
               {"dec", decimal_type(PhysicalType::kInt64, 18, 4), true}});
  const char* const words[] = {"", "plain", "ünïcödé 猫 🐱", "quote \" and \\ backslash",
                               "tab\tnewline\n"};
  for (size_t i = 0; i < rows; ++i) {
    const int64_t x = static_cast<int64_t>(i);
    auto maybe_null = [&](Column& c, int every) {
      if (i % every == 0) c.append_null();
      return i % every != 0;
    };
    if (maybe_null(table.column(0), 7)) table.column(0).append_bool(i % 2);
    if (maybe_null(table.column(1), 5))
      table.column(1).append_int32(static_cast<int32_t>(x * 37 - 5000));
    table.column(2).append_int64(x * 1000003 - (int64_t{1} << 40));
    if (maybe_null(table.column(3), 9))
      table.column(3).append_int32(static_cast<int32_t>(0xfffffff0u + i % 16));
    if (maybe_null(table.column(4), 4))
      table.column(4).append_float(0.1f * static_cast<float>(x) - 3.0f);
    if (maybe_null(table.column(5), 6)) table.column(5).append_double(1.0 / (x + 1) - 0.5);
    if (maybe_null(table.column(6), 3)) {
      table.column(6).append_bytes(std::string(words[i % 5]) + " " + std::to_string(i));
    }
    table.column(7).append_bytes(words[i % 5]);
    if (maybe_null(table.column(8), 8))
      table.column(8).append_int32(static_cast<int32_t>(x - 2000));
    if (maybe_null(table.column(9), 10)) table.column(9).append_int64(x * 1000000123LL);
    if (maybe_null(table.column(10), 11)) table.column(10).append_int64(x * 12345 - 99999);
  }
  return table;
}

const char* const kDuckDbSelect =
    "SELECT b, i32, i64, u32, f, d, s, low, dt::VARCHAR AS dt, epoch_us(ts) AS ts, "
    "dec::VARCHAR AS dec FROM read_parquet('%s')";

TEST(DuckDbTest, DuckDbReadsWhatWeWrite) {
  if (!duckdb_available()) {
    GTEST_SKIP() << "DuckDB cross-check skipped: run `npm install` in tests/parquet/duckdb";
  }
  testing::TempDir dir;
  const Table table = metadata_like_table(5000);
  for (Compression codec : {Compression::kSnappy, Compression::kZstd, Compression::kGzip,
                            Compression::kLz4Raw, Compression::kUncompressed}) {
    SCOPED_TRACE(compression_name(codec));
    WriterOptions options;
    options.compression = codec;
    options.row_group_rows = 1500;
    options.page_bytes = 4096;
    const std::string path = dir.file(std::string(compression_name(codec)) + ".parquet");
    write_parquet_file(path, table, options);
    const std::string out = dir.file("duckdb.jsonl");
    duckdb("json", string_printf(kDuckDbSelect, path.c_str()), out);
    expect_table_matches(table, read_json_lines(out));
    // And our own reader agrees.
    expect_table_matches(read_parquet_file(path), read_json_lines(out));
  }
}

TEST(DuckDbTest, WeReadWhatDuckDbWrites) {
  if (!duckdb_available()) {
    GTEST_SKIP() << "DuckDB cross-check skipped: run `npm install` in tests/parquet/duckdb";
  }
  testing::TempDir dir;
  const std::string data =
      "SELECT i::INTEGER AS i32, CASE WHEN i % 7 = 0 THEN NULL ELSE i * 1000003 END::BIGINT AS "
      "i64, (i * 0.25)::FLOAT AS f, (i / 7)::DOUBLE AS d, CASE WHEN i % 5 = 0 THEN NULL WHEN i "
      "% 11 = 0 THEN '' ELSE 'str ü ' || (i % 50) END AS s, 'unique-' || i AS u, i % 3 = 0 AS "
      "b, DATE '2020-01-01' + (i % 1000)::INTEGER AS dt, TIMESTAMP '2020-01-01' + "
      "to_seconds(i) AS ts, (i / 100)::DECIMAL(10, 2) AS dec, (i / 3)::DECIMAL(30, 3) AS "
      "bigdec, (i % 200)::UTINYINT AS u8, (i * 3)::UINTEGER AS u32, [i, i + 1] AS lst FROM "
      "range(10000) t(i)";
  const char* const variants[] = {
      "PARQUET_VERSION v1, COMPRESSION snappy", "PARQUET_VERSION v2, COMPRESSION zstd",
      "PARQUET_VERSION v2, COMPRESSION gzip",   "PARQUET_VERSION v1, COMPRESSION uncompressed",
      "PARQUET_VERSION v2, COMPRESSION lz4",
  };
  for (size_t v = 0; v < std::size(variants); ++v) {
    SCOPED_TRACE(variants[v]);
    const std::string path = dir.file(string_printf("duck%zu.parquet", v));
    duckdb("exec", "COPY (" + data + ") TO '" + path + "' (FORMAT parquet, ROW_GROUP_SIZE 3000, " +
                       variants[v] + ")");
    const std::string out = dir.file("expected.jsonl");
    duckdb("json",
           "SELECT i32, i64, f, d, s, u, b, dt::VARCHAR AS dt, epoch_us(ts) AS ts, "
           "dec::VARCHAR AS dec, bigdec::VARCHAR AS bigdec, u8, u32 FROM read_parquet('" +
               path + "')",
           out);
    auto reader = ParquetReader::open(path);
    EXPECT_EQ(reader->nested_columns(), std::vector<std::string>{"lst"});
    Table table = reader->read_all();
    EXPECT_EQ(table.column("ts").type().logical.kind, LogicalKind::kTimestamp);
    EXPECT_EQ(logical_type_name(table.column("u8").type().logical), "INT(8, false)");
    expect_table_matches(table, read_json_lines(out));
  }
}

}  // namespace
}  // namespace clipret::parquet
