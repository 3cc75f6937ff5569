#include "core/atomic_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <iterator>
#include <string>
#include <utility>

#include "core/error.h"
#include "test_util.h"

namespace clipret::core {
namespace {

namespace fs = std::filesystem;
using clipret::testing::read_file;
using clipret::testing::TempDir;
using clipret::testing::write_file;

long count_entries(const TempDir& dir) {
  return std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator());
}

// Runs `f`, which must throw Error(kIo) whose message contains `needle`.
template <typename F>
void expect_io_error_naming(F&& f, const std::string& needle) {
  try {
    std::forward<F>(f)();
    ADD_FAILURE() << "no throw";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo) << e.what();
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(AtomicFileTest, TemporaryIsBesideTheFinalNameAndUnique) {
  const std::string a = temporary_path_for("/data/img_emb_0.npy");
  const std::string b = temporary_path_for("/data/img_emb_0.npy");
  EXPECT_NE(a, b);
  EXPECT_EQ(fs::path(a).parent_path(), "/data");
  EXPECT_EQ(a.rfind("/data/img_emb_0.npy.tmp-" + std::to_string(::getpid()) + "-", 0), 0u) << a;
  EXPECT_NE(fs::path(a).extension(), ".npy");
  EXPECT_TRUE(is_temporary_for(a, "/data/img_emb_0.npy"));
  EXPECT_TRUE(is_temporary_for("/data/img_emb_0.npy.tmp-1a2b3c4d", "/data/img_emb_0.npy"));
  EXPECT_FALSE(is_temporary_for("/data/img_emb_0.npy", "/data/img_emb_0.npy"));
  EXPECT_FALSE(is_temporary_for("/data/img_emb_01.npy.tmp-1-0", "/data/img_emb_0.npy"));
}

TEST(AtomicFileTest, AppearsCompleteOnlyAfterCommit) {
  TempDir dir;
  const std::string path = dir.file("out.json");
  AtomicFile file(path);
  EXPECT_NE(file.path(), path);
  EXPECT_EQ(file.final_path(), path);
  write_file(file.path(), "{\"a\": 1}\n");
  EXPECT_FALSE(fs::exists(path));
  file.commit();
  EXPECT_EQ(read_file(path), "{\"a\": 1}\n");
  EXPECT_EQ(count_entries(dir), 1);
}

TEST(AtomicFileTest, CommitReplacesAnExistingFile) {
  TempDir dir;
  const std::string path = dir.file("stats.json");
  write_file(path, "old");
  write_file_atomically(path, "new");
  EXPECT_EQ(read_file(path), "new");
  EXPECT_EQ(count_entries(dir), 1);
}

TEST(AtomicFileTest, UncommittedTemporaryIsRemoved) {
  TempDir dir;
  std::string temporary;
  {
    AtomicFile file(dir.file("part_0.index"));
    temporary = file.path();
    write_file(temporary, "half an index");
    ASSERT_TRUE(fs::exists(temporary));
  }
  EXPECT_FALSE(fs::exists(temporary));
  EXPECT_EQ(count_entries(dir), 0);
}

TEST(AtomicFileTest, UncommittedFolderIsRemovedWithItsContent) {
  TempDir dir;
  std::string temporary;
  {
    AtomicFile folder(dir.file("metadata"));
    temporary = folder.path();
    write_file(temporary + "/metadata_0.parquet", "rows");
  }
  EXPECT_FALSE(fs::exists(temporary));
  EXPECT_EQ(count_entries(dir), 0);
}

TEST(AtomicFileTest, MovedFileIsRemovedOnceAndCommittedByTheNewOwner) {
  TempDir dir;
  AtomicFile first(dir.file("a.bin"));
  write_file(first.path(), "x");
  AtomicFile second(std::move(first));
  second.commit();
  EXPECT_EQ(read_file(dir.file("a.bin")), "x");
  EXPECT_EQ(count_entries(dir), 1);
}

TEST(AtomicFileTest, RenameOntoANonEmptyFolderThrowsIoNamingThePath) {
  TempDir dir;
  const std::string path = dir.file("populated.index");
  write_file(path + "/inside", "keeps the folder non-empty");
  std::string temporary;
  {
    AtomicFile file(path);
    temporary = file.path();
    write_file(temporary, "index bytes");
    expect_io_error_naming([&] { file.commit(); }, path);
    EXPECT_TRUE(fs::exists(temporary));  // still ours until the guard goes
  }
  EXPECT_FALSE(fs::exists(temporary));
  EXPECT_TRUE(fs::is_directory(path));
}

TEST(AtomicFileTest, RenameIntoAMissingFolderThrowsIoNamingBothPaths) {
  TempDir dir;
  const std::string temporary = dir.file("x.tmp");
  write_file(temporary, "bytes");
  const std::string missing = dir.file("no/such/folder/x");
  expect_io_error_naming([&] { rename_into_place(temporary, missing); }, missing);
  expect_io_error_naming([&] { rename_into_place(temporary, missing); }, temporary);
  EXPECT_TRUE(fs::exists(temporary));
}

TEST(AtomicFileTest, WriteIntoAMissingFolderThrowsIoAndLeavesNothing) {
  TempDir dir;
  expect_io_error_naming([&] { write_file_atomically(dir.file("gone/stats.json"), "{}"); },
                         dir.file("gone/stats.json"));
  EXPECT_EQ(count_entries(dir), 0);
}

TEST(AtomicFileTest, CreatedTemporariesAreNewFiles) {
  TempDir dir;
  const std::string path = dir.file("metadata_0.parquet");
  std::string a;
  std::string b;
  const int fa = create_temporary_file(path, &a);
  const int fb = create_temporary_file(path, &b);
  ::close(fa);
  ::close(fb);
  EXPECT_NE(a, b);
  EXPECT_TRUE(is_temporary_for(a, path));
  EXPECT_TRUE(fs::exists(a));
  EXPECT_TRUE(fs::exists(b));
  EXPECT_FALSE(fs::exists(path));
  expect_io_error_naming([&] { create_temporary_file(dir.file("gone/x.npy"), &a); }, "gone/x.npy");
}

}  // namespace
}  // namespace clipret::core
