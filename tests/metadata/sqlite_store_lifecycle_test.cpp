// The on-disk store's file: built once, reused, rebuilt when stale, never left half-built.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"
#include "metadata/metadata_store.h"
#include "metadata/sqlite_store.h"
#include "metadata_fixture.h"
#include "test_util.h"

namespace clipret::metadata {
namespace {

namespace fs = std::filesystem;

const std::vector<int64_t> kRowsPerFile = {10, 6};

struct FileIdentity {
  ino_t inode = 0;
  int64_t mtime_ns = 0;
  bool operator==(const FileIdentity&) const = default;
};

FileIdentity identity(const std::string& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
  return {info.st_ino, info.st_mtim.tv_sec * 1000000000LL + info.st_mtim.tv_nsec};
}

class SqliteLifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::write_fixture_metadata(dir_.path(), kRowsPerFile); }
  OpenedMetadata open(std::vector<std::string> columns = {}) {
    MetadataOptions options;
    options.indice_folder = dir_.path().string();
    options.columns_to_return = std::move(columns);
    options.enable_hdf5 = true;
    return open_metadata(options, nullptr);
  }
  std::string db() const { return dir_.file("metadata.sqlite"); }
  // Files in the index folder other than the store and metadata/ (leftover temporaries).
  std::vector<std::string> stray_files() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_.path())) {
      const std::string name = entry.path().filename().string();
      if (name != "metadata" && name != "metadata.sqlite") names.push_back(name);
    }
    return names;
  }

  clipret::testing::TempDir dir_;
};

TEST_F(SqliteLifecycleTest, BuiltOnceThenReused) {
  open();
  ASSERT_TRUE(fs::exists(db()));
  const FileIdentity built = identity(db());
  const OpenedMetadata again = open();
  EXPECT_EQ(identity(db()), built);
  EXPECT_EQ(again.store->num_rows(), 16);
  EXPECT_TRUE(stray_files().empty());
  // Asking for fewer columns than stored reuses the file too.
  open({"caption"});
  EXPECT_EQ(identity(db()), built);
}

TEST_F(SqliteLifecycleTest, RebuiltWhenASourceFileChanges) {
  open();
  const FileIdentity built = identity(db());
  // Rewrite the second file with more rows: a different size and time.
  const std::vector<int64_t> grown = {10, 9};
  fs::remove_all(dir_.path() / "metadata");
  testing::write_fixture_metadata(dir_.path(), grown);
  const OpenedMetadata reopened = open({"image_path"});
  EXPECT_NE(identity(db()), built);
  ASSERT_EQ(reopened.store->num_rows(), 19);
  const std::vector<int64_t> ids = {18};
  EXPECT_EQ(reopened.store->get(ids)[0], testing::fixture_row(18, {"image_path"}, grown));
}

TEST_F(SqliteLifecycleTest, RebuiltWhenAFileIsAddedOrTouched) {
  open();
  FileIdentity built = identity(db());
  const fs::path first = dir_.path() / "metadata" / "metadata_0.parquet";
  fs::last_write_time(first, fs::last_write_time(first) + std::chrono::seconds(5));
  open();
  EXPECT_NE(identity(db()), built);
  built = identity(db());
  fs::copy_file(first, dir_.path() / "metadata" / "metadata_2.parquet");
  EXPECT_EQ(open().store->num_rows(), 26);
  EXPECT_NE(identity(db()), built);
}

TEST_F(SqliteLifecycleTest, RebuiltWhenAColumnIsMissing) {
  open({"caption"});
  const FileIdentity built = identity(db());
  const OpenedMetadata wider = open({"caption", "width"});
  EXPECT_NE(identity(db()), built);
  EXPECT_EQ(wider.store->columns(), (std::vector<std::string>{"caption", "width"}));
}

TEST_F(SqliteLifecycleTest, AGarbageFileIsRebuilt) {
  clipret::testing::write_file(db(), "this is not a database");
  const OpenedMetadata opened = open();
  EXPECT_EQ(opened.store->num_rows(), 16);
  EXPECT_TRUE(stray_files().empty());
}

TEST_F(SqliteLifecycleTest, AFailedBuildLeavesNothingBehind) {
  // A corrupt second file fails the build after the first file's rows are in.
  clipret::testing::write_file(dir_.file("metadata/metadata_1.parquet"), "PAR1 garbage PAR1");
  EXPECT_THROW(open(), Error);
  EXPECT_FALSE(fs::exists(db()));
  EXPECT_TRUE(stray_files().empty());
}

TEST_F(SqliteLifecycleTest, ServedWithoutItsParquetFiles) {
  open({"image_path", "url"});
  fs::remove_all(dir_.path() / "metadata");
  const OpenedMetadata opened = open({"url"});
  EXPECT_EQ(opened.store->num_rows(), 16);
  const std::vector<int64_t> ids = {15};
  EXPECT_EQ(opened.store->get(ids)[0], testing::fixture_row(15, {"url"}, kRowsPerFile));
}

TEST_F(SqliteLifecycleTest, OpeningAStoreMissingAColumnDirectlyIsAnError) {
  open({"caption"});
  try {
    SqliteStore::open(db(), {"caption", "url"});
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kInvalidInput);
    EXPECT_NE(std::string(error.what()).find("'url'"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace clipret::metadata
