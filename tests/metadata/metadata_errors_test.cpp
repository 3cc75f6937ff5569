// Bad metadata folders: each error names the file or folder at fault.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"
#include "metadata/metadata_store.h"
#include "metadata_fixture.h"
#include "parquet/parquet_writer.h"
#include "test_util.h"

namespace clipret::metadata {
namespace {

namespace fs = std::filesystem;

class MetadataErrorsTest : public ::testing::TestWithParam<bool> {
 protected:
  // Expects open_metadata to throw `kind` with `needle` in the message.
  void expect_error(ErrorKind kind, const std::string& needle) {
    MetadataOptions options;
    options.indice_folder = dir_.path().string();
    options.enable_hdf5 = GetParam();
    try {
      open_metadata(options, nullptr);
      FAIL() << "expected an error";
    } catch (const Error& error) {
      EXPECT_EQ(error.kind(), kind) << error.what();
      EXPECT_NE(std::string(error.what()).find(needle), std::string::npos) << error.what();
    }
    EXPECT_FALSE(fs::exists(dir_.path() / "metadata.sqlite"));
  }

  clipret::testing::TempDir dir_;
};

TEST_P(MetadataErrorsTest, MissingMetadataFolder) {
  expect_error(ErrorKind::kNotFound, (dir_.path() / "metadata").string());
}

TEST_P(MetadataErrorsTest, NoParquetFile) {
  clipret::testing::write_file(dir_.file("metadata/readme.txt"), "no parquet here");
  expect_error(ErrorKind::kNotFound, "no .parquet file");
}

TEST_P(MetadataErrorsTest, CorruptParquetFile) {
  testing::write_fixture_metadata(dir_.path(), {4, 4});
  const std::string bad = dir_.file("metadata/metadata_1.parquet");
  std::string bytes = clipret::testing::read_file(bad);
  bytes.resize(bytes.size() / 2);
  clipret::testing::write_file(bad, bytes);
  expect_error(ErrorKind::kCorrupt, bad);
}

TEST_P(MetadataErrorsTest, UnreadableFile) {
  testing::write_fixture_metadata(dir_.path(), {4});
  const fs::path link = dir_.path() / "metadata" / "metadata_9.parquet";
  fs::create_symlink(dir_.path() / "gone.parquet", link);  // dangling: cannot be opened
  expect_error(ErrorKind::kNotFound, link.string());
}

TEST_P(MetadataErrorsTest, IncompatibleColumnTypesAcrossFiles) {
  testing::write_fixture_metadata(dir_.path(), {4});
  parquet::Table table({{"caption", parquet::int64_type(), false}});
  table.column(0).append_int64(1);
  const std::string second = dir_.file("metadata/metadata_1.parquet");
  parquet::write_parquet_file(second, table);
  expect_error(ErrorKind::kInvalidInput, second);
}

TEST_P(MetadataErrorsTest, AnUnservableColumnIsLeftOut) {
  parquet::Table table(
      {{"caption", parquet::string_type(), false},
       {"price", parquet::decimal_type(parquet::PhysicalType::kFixedLenByteArray, 10, 2, 5),
        false}});
  table.column(0).append_bytes("a cat");
  table.column(1).append_bytes(std::string(5, '\1'));
  fs::create_directories(dir_.path() / "metadata");
  parquet::write_parquet_file(dir_.file("metadata/metadata_0.parquet"), table);
  MetadataOptions options;
  options.indice_folder = dir_.path().string();
  options.columns_to_return = {"caption", "price"};
  options.enable_hdf5 = GetParam();
  const OpenedMetadata opened = open_metadata(options, nullptr);
  EXPECT_EQ(opened.store->columns(), std::vector<std::string>{"caption"});
  const std::vector<int64_t> ids = {0};
  EXPECT_EQ(opened.store->get(ids)[0], (MetadataRow{{{"caption", std::string("a cat")}}}));
}

INSTANTIATE_TEST_SUITE_P(Stores, MetadataErrorsTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? std::string("Sqlite") : std::string("InMemory");
                         });

}  // namespace
}  // namespace clipret::metadata
