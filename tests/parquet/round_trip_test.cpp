// Property test: random tables written by ParquetWriter read back identically by ParquetReader.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <random>
#include <string>

#include "core/error.h"
#include "parquet/file_metadata.h"
#include "parquet/parquet_reader.h"
#include "parquet/parquet_writer.h"
#include "test_util.h"

namespace clipret::parquet {
namespace {

Schema all_types_schema(bool optional) {
  Schema schema = {
      {"bool", bool_type(), optional},
      {"int32", int32_type(), optional},
      {"int64", int64_type(), optional},
      {"uint32", uint32_type(), optional},
      {"float", float_type(), optional},
      {"double", double_type(), optional},
      {"string", string_type(), optional},
      {"low_card", string_type(), optional},
      {"binary", binary_type(), optional},
      {"date", date_type(), optional},
      {"timestamp", timestamp_type(TimeUnit::kMicros, true), optional},
      {"decimal", decimal_type(PhysicalType::kInt64, 18, 4), optional},
  };
  ColumnType uuid;
  uuid.physical = PhysicalType::kFixedLenByteArray;
  uuid.type_length = 16;
  uuid.logical.kind = LogicalKind::kUuid;
  schema.push_back({"uuid", uuid, optional});
  for (ColumnSchema& c : schema) c.name += optional ? "_opt" : "_req";
  return schema;
}

const char* const kStrings[] = {"",
                                "a",
                                "héllo wörld",
                                "猫 🐱",
                                "a\"quote\\",
                                "\n\t",
                                "http://example.com/some/long/path/image.jpg"};

double special_double(std::mt19937_64& rng) {
  const double specials[] = {0.0,
                             -0.0,
                             1.0,
                             -1.5,
                             1e300,
                             -1e-300,
                             std::numeric_limits<double>::infinity(),
                             -std::numeric_limits<double>::infinity(),
                             std::numeric_limits<double>::quiet_NaN()};
  if (rng() % 4 == 0) return specials[rng() % std::size(specials)];
  return std::uniform_real_distribution<double>(-1e6, 1e6)(rng);
}

std::string random_string(std::mt19937_64& rng) {
  if (rng() % 2) return kStrings[rng() % std::size(kStrings)];
  std::string s = "item-" + std::to_string(rng() % 100000);
  s.append(rng() % 40, 'x');
  return s;
}

Table random_table(std::mt19937_64& rng, size_t rows) {
  Table table;
  for (bool optional : {true, false}) {
    for (const ColumnSchema& c : all_types_schema(optional)) table.add_column(c);
  }
  // Half the columns take few distinct values, so both PLAIN and dictionary pages occur.
  for (Column& column : table.columns()) {
    const bool few = rng() % 2 == 0;
    const double null_rate = column.schema().optional ? (rng() % 3) * 0.3 : 0.0;
    for (size_t r = 0; r < rows; ++r) {
      if (std::uniform_real_distribution<double>(0, 1)(rng) < null_rate) {
        column.append_null();
        continue;
      }
      const uint64_t x = few ? rng() % 5 : rng();
      const std::string& name = column.name();
      switch (column.physical()) {
        case PhysicalType::kBoolean:
          column.append_bool(x & 1);
          break;
        case PhysicalType::kInt32:
          column.append_int32(static_cast<int32_t>(x));
          break;
        case PhysicalType::kInt64:
          column.append_int64(static_cast<int64_t>(x));
          break;
        case PhysicalType::kFloat:
          column.append_float(few ? float(x) : static_cast<float>(special_double(rng)));
          break;
        case PhysicalType::kDouble:
          column.append_double(few ? double(x) : special_double(rng));
          break;
        case PhysicalType::kByteArray:
          if (name.rfind("binary", 0) == 0) {
            std::string bytes(x % 7, '\0');
            for (char& ch : bytes) ch = static_cast<char>(rng());
            column.append_bytes(bytes);
          } else {
            column.append_bytes(few || name.rfind("low", 0) == 0 ? kStrings[x % 7]
                                                                 : random_string(rng));
          }
          break;
        case PhysicalType::kFixedLenByteArray: {
          char bytes[16];
          for (char& ch : bytes) ch = static_cast<char>(few ? x : rng());
          column.append_bytes(std::string_view(bytes, 16));
          break;
        }
        default:
          ADD_FAILURE();
      }
    }
  }
  return table;
}

// Cell-by-cell, floats by bit pattern (NaN and -0.0 included).
void expect_tables_equal(const Table& a, const Table& b) {
  ASSERT_EQ(a.schema(), b.schema());
  ASSERT_EQ(a.num_rows(), b.num_rows());
  for (size_t c = 0; c < a.num_columns(); ++c) {
    const Column& x = a.column(c);
    const Column& y = b.column(c);
    for (size_t r = 0; r < a.num_rows(); ++r) {
      ASSERT_EQ(x.is_null(r), y.is_null(r)) << x.name() << " row " << r;
      if (x.is_null(r)) continue;
      bool same = false;
      switch (x.physical()) {
        case PhysicalType::kBoolean:
          same = x.bool_at(r) == y.bool_at(r);
          break;
        case PhysicalType::kInt32:
          same = x.int32_at(r) == y.int32_at(r);
          break;
        case PhysicalType::kInt64:
          same = x.int64_at(r) == y.int64_at(r);
          break;
        case PhysicalType::kFloat: {
          const float fx = x.float_at(r), fy = y.float_at(r);
          same = std::memcmp(&fx, &fy, sizeof(float)) == 0;
          break;
        }
        case PhysicalType::kDouble: {
          const double dx = x.double_at(r), dy = y.double_at(r);
          same = std::memcmp(&dx, &dy, sizeof(double)) == 0;
          break;
        }
        default:
          same = x.bytes_at(r) == y.bytes_at(r);
      }
      ASSERT_TRUE(same) << x.name() << " row " << r;
    }
  }
}

struct Case {
  size_t rows;
  size_t row_group_rows;
  size_t page_bytes;
  Compression compression;
};

class RoundTripTest : public ::testing::TestWithParam<Case> {};

TEST_P(RoundTripTest, RandomTablesReadBackIdentically) {
  const Case& param = GetParam();
  testing::TempDir dir;
  for (uint64_t seed = 0; seed < 3; ++seed) {
    std::mt19937_64 rng(seed * 7919 + param.rows);
    const Table table = random_table(rng, param.rows);
    WriterOptions options;
    options.row_group_rows = param.row_group_rows;
    options.page_bytes = param.page_bytes;
    options.compression = param.compression;
    options.key_value_metadata = {{"origin", "round trip"}};
    const std::string path = dir.file(string_printf("t%d.parquet", static_cast<int>(seed)));
    write_parquet_file(path, table, options);
    auto reader = ParquetReader::open(path);
    EXPECT_EQ(reader->num_rows(), int64_t(param.rows));
    EXPECT_EQ(reader->num_row_groups(),
              (param.rows + param.row_group_rows - 1) / param.row_group_rows);
    ASSERT_EQ(reader->metadata().key_value_metadata.size(), 1u);
    EXPECT_EQ(reader->metadata().key_value_metadata[0].value, "round trip");
    expect_tables_equal(table, reader->read_all());
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, RoundTripTest,
                         ::testing::Values(Case{0, 100, 1 << 20, Compression::kSnappy},
                                           Case{1, 100, 1 << 20, Compression::kSnappy},
                                           Case{1000, 1 << 20, 1 << 20, Compression::kSnappy},
                                           Case{2500, 300, 256, Compression::kSnappy},
                                           Case{2000, 700, 1024, Compression::kZstd},
                                           Case{1500, 1000, 4096, Compression::kGzip},
                                           Case{1500, 512, 4096, Compression::kLz4Raw},
                                           Case{1500, 400, 2048, Compression::kUncompressed}));

TEST(ParquetWriterTest, BuffersRowsAcrossWrites) {
  testing::TempDir dir;
  const std::string path = dir.file("rows.parquet");
  Schema schema = {{"image_path", string_type(), false},
                   {"caption", string_type(), true},
                   {"width", int64_type(), true}};
  WriterOptions options;
  options.row_group_rows = 4;
  ParquetWriter writer(path, schema, options);
  for (int i = 0; i < 10; ++i) {
    Table row(schema);
    row.column(0).append_bytes("img" + std::to_string(i) + ".jpg");
    if (i % 3 == 0) {
      row.column(1).append_null();
    } else {
      row.column(1).append_bytes("caption " + std::to_string(i));
    }
    row.column(2).append_int64(i);
    writer.write(row);
  }
  EXPECT_FALSE(std::filesystem::exists(path));  // renamed into place only by close()
  writer.close();
  auto reader = ParquetReader::open(path);
  EXPECT_EQ(reader->num_row_groups(), 3u);  // 4 + 4 + 2
  Table all = reader->read_all();
  ASSERT_EQ(all.num_rows(), 10u);
  EXPECT_EQ(all.column(0).bytes_at(9), "img9.jpg");
  EXPECT_TRUE(all.column(1).is_null(3));
  EXPECT_EQ(all.column(1).bytes_at(4), "caption 4");
  EXPECT_EQ(all.column(2).int64_at(7), 7);
}

TEST(ParquetWriterTest, StatisticsAreWritten) {
  testing::TempDir dir;
  Table table({{"s", string_type(), true}, {"d", double_type(), true}});
  table.column(0).append_bytes("pear");
  table.column(0).append_null();
  table.column(0).append_bytes("apple");
  table.column(1).append_double(2.5);
  table.column(1).append_double(std::nan(""));
  table.column(1).append_double(-0.0);
  write_parquet_file(dir.file("s.parquet"), table);
  auto reader = ParquetReader::open(dir.file("s.parquet"));
  const Statistics& s = reader->metadata().row_groups[0].columns[0].meta_data->statistics;
  EXPECT_EQ(s.null_count, 1);
  EXPECT_EQ(s.min_value, "apple");
  EXPECT_EQ(s.max_value, "pear");
  const Statistics& d = reader->metadata().row_groups[0].columns[1].meta_data->statistics;
  double lo, hi;
  std::memcpy(&lo, d.min_value->data(), 8);
  std::memcpy(&hi, d.max_value->data(), 8);
  EXPECT_EQ(lo, 0.0);
  EXPECT_TRUE(std::signbit(lo));
  EXPECT_EQ(hi, 2.5);
}

TEST(ParquetWriterTest, AbandonedWriterLeavesNoFile) {
  testing::TempDir dir;
  const std::string path = dir.file("gone.parquet");
  {
    ParquetWriter writer(path, {{"x", int32_type(), false}});
    Table t(writer.schema());
    t.column(0).append_int32(1);
    writer.write(t);
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(ParquetWriterTest, RejectsBadInput) {
  testing::TempDir dir;
  const std::string path = dir.file("bad.parquet");
  auto kind_of = [](auto&& f) {
    try {
      f();
    } catch (const Error& e) {
      return e.kind();
    }
    return ErrorKind::kInternal;
  };
  EXPECT_EQ(kind_of([&] { ParquetWriter w(path, {}); }), ErrorKind::kInvalidInput);
  EXPECT_EQ(kind_of([&] {
              ParquetWriter w(path, {{"a", int32_type()}, {"a", int32_type()}});
            }),
            ErrorKind::kInvalidInput);
  ColumnType bad = int32_type();
  bad.logical.kind = LogicalKind::kString;
  EXPECT_EQ(kind_of([&] { ParquetWriter w(path, {{"a", bad}}); }), ErrorKind::kInvalidInput);
  Column required({"r", int32_type(), false});
  EXPECT_EQ(kind_of([&] { required.append_null(); }), ErrorKind::kInvalidInput);
  EXPECT_EQ(kind_of([&] { required.append_bytes("x"); }), ErrorKind::kInvalidInput);
  EXPECT_EQ(kind_of([&] {
              ParquetWriter w(dir.file("no/such/dir/x.parquet"), {{"a", int32_type()}});
            }),
            ErrorKind::kIo);
  ParquetWriter w(path, {{"a", int32_type()}});
  Table other({{"b", int32_type()}});
  EXPECT_EQ(kind_of([&] { w.write(other); }), ErrorKind::kInvalidInput);
}

}  // namespace
}  // namespace clipret::parquet
