// Parquet types beyond the fixture's, as both stores serve them (value_kind.h).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "metadata/metadata_store.h"
#include "parquet/parquet_writer.h"
#include "test_util.h"

namespace clipret::metadata {
namespace {

namespace pq = clipret::parquet;

class ValueKindTest : public ::testing::TestWithParam<bool> {};

TEST_P(ValueKindTest, TypesServedAsDocumented) {
  clipret::testing::TempDir dir;
  std::filesystem::create_directories(dir.path() / "metadata");
  pq::ColumnType half;
  half.physical = pq::PhysicalType::kFixedLenByteArray;
  half.type_length = 2;
  half.logical.kind = pq::LogicalKind::kFloat16;
  pq::Table table({{"u32", pq::uint32_type(), true},
                   {"u64", pq::uint64_type(), true},
                   {"dec", pq::decimal_type(pq::PhysicalType::kInt64, 10, 2), true},
                   {"day", pq::date_type(), true},
                   {"half", half, true},
                   {"f", pq::float_type(), true}});
  table.column(0).append_int32(static_cast<int32_t>(4000000000u));
  table.column(1).append_int64(-1);  // 2^64 - 1 as UINT64
  table.column(2).append_int64(12345);
  table.column(3).append_int32(19000);
  table.column(4).append_bytes(std::string("\x00\x3c", 2));  // 1.0, little-endian
  table.column(5).append_float(std::numeric_limits<float>::quiet_NaN());
  for (size_t c = 0; c < table.num_columns(); ++c) table.column(c).append_null();
  pq::write_parquet_file(dir.file("metadata/metadata_0.parquet"), table);

  MetadataOptions options;
  options.indice_folder = dir.path().string();
  options.columns_to_return = {"u32", "u64", "dec", "day", "half", "f"};
  options.enable_hdf5 = GetParam();
  const OpenedMetadata opened = open_metadata(options, nullptr);
  const std::vector<int64_t> ids = {0, 1};
  const auto rows = opened.store->get(ids);
  ASSERT_TRUE(rows[0] && rows[1]);
  const auto& first = rows[0]->fields;
  EXPECT_EQ(first[0].second, MetadataValue{int64_t{4000000000}});
  EXPECT_EQ(first[1].second, MetadataValue{18446744073709551615.0});
  ASSERT_TRUE(std::holds_alternative<double>(first[2].second));
  EXPECT_NEAR(std::get<double>(first[2].second), 123.45, 1e-12);
  EXPECT_EQ(first[3].second, MetadataValue{int64_t{19000}});
  EXPECT_EQ(first[4].second, MetadataValue{1.0});
  EXPECT_TRUE(std::holds_alternative<std::monostate>(first[5].second));  // NaN
  for (const auto& [name, value] : rows[1]->fields) {
    EXPECT_TRUE(std::holds_alternative<std::monostate>(value)) << name;
  }
}

INSTANTIATE_TEST_SUITE_P(Stores, ValueKindTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? std::string("Sqlite") : std::string("InMemory");
                         });

}  // namespace
}  // namespace clipret::metadata
