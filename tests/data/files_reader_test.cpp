#include "data/files_reader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"
#include "data/partitioning.h"
#include "test_util.h"

namespace clipret::data {
namespace {

using clipret::testing::TempDir;
using clipret::testing::write_file;

std::vector<std::string> keys_of(const FilesSelection& selection) {
  std::vector<std::string> keys;
  for (const FileSample& s : selection.samples) keys.push_back(s.key);
  return keys;
}

FilesReaderOptions options(bool text, bool image, bool metadata) {
  FilesReaderOptions o;
  o.enable_text = text;
  o.enable_image = image;
  o.enable_metadata = metadata;
  return o;
}

TEST(FilesReaderTest, PairsImagesCaptionsAndMetadataInNestedFolders) {
  TempDir dir;
  write_file(dir.file("a/b/001.jpg"), "img");
  write_file(dir.file("a/b/001.txt"), "caption one");
  write_file(dir.file("a/b/001.json"), "{}");
  write_file(dir.file("a/002.png"), "img");
  write_file(dir.file("a/002.txt"), "caption two");
  write_file(dir.file("a/002.json"), "{}");
  const FilesFolder folder = scan_files_folder(dir.path().string());
  EXPECT_TRUE(folder.has_images);
  EXPECT_TRUE(folder.has_captions);
  EXPECT_TRUE(folder.has_metadata);

  // Text + image: no KeyError-style mismatch between .txt and image keys (original #345).
  const FilesSelection selection = select_file_samples(folder, options(true, true, true));
  EXPECT_TRUE(selection.missing.empty());
  ASSERT_EQ(keys_of(selection), (std::vector<std::string>{"a/002", "a/b/001"}));
  const FileSample& s = selection.samples[1];
  EXPECT_EQ(*s.image_path, dir.file("a/b/001.jpg"));
  EXPECT_EQ(*s.caption_path, dir.file("a/b/001.txt"));
  EXPECT_EQ(*s.metadata_path, dir.file("a/b/001.json"));

  // A disabled part has no path even if the file exists.
  const FilesSelection image_only = select_file_samples(folder, options(false, true, false));
  ASSERT_EQ(image_only.samples.size(), 2u);
  EXPECT_FALSE(image_only.samples[0].caption_path.has_value());
  EXPECT_FALSE(image_only.samples[0].metadata_path.has_value());
}

TEST(FilesReaderTest, SameNameInDifferentFoldersDoesNotCollide) {
  // Original issue #321: stem keys made these one sample.
  TempDir dir;
  write_file(dir.file("x/001.jpg"), "1");
  write_file(dir.file("y/001.jpg"), "2");
  write_file(dir.file("x/001.txt"), "c1");
  write_file(dir.file("y/001.txt"), "c2");
  const FilesSelection selection =
      select_file_samples(scan_files_folder(dir.path().string()), options(true, true, false));
  ASSERT_EQ(keys_of(selection), (std::vector<std::string>{"x/001", "y/001"}));
  EXPECT_EQ(*selection.samples[1].caption_path, dir.file("y/001.txt"));
}

TEST(FilesReaderTest, MissingPartnersAreReportedAndExcluded) {
  TempDir dir;
  write_file(dir.file("1.jpg"), "i");
  write_file(dir.file("1.txt"), "c");
  write_file(dir.file("2.txt"), "caption without image");
  write_file(dir.file("3.jpg"), "image without caption");
  const FilesFolder folder = scan_files_folder(dir.path().string());

  // Text drives the key list: 2 lacks an image; 3 is not a key at all (spec §1.4).
  const FilesSelection text_image = select_file_samples(folder, options(true, true, false));
  EXPECT_EQ(keys_of(text_image), (std::vector<std::string>{"1"}));
  ASSERT_EQ(text_image.missing.size(), 1u);
  EXPECT_EQ(text_image.missing[0].key, "2");
  EXPECT_EQ(text_image.missing[0].missing, FileKind::kImage);

  // Image drives the key list when text is off; metadata missing everywhere.
  const FilesSelection image_meta = select_file_samples(folder, options(false, true, true));
  EXPECT_TRUE(image_meta.samples.empty());
  ASSERT_EQ(image_meta.missing.size(), 2u);
  EXPECT_EQ(image_meta.missing[0].key, "1");
  EXPECT_EQ(image_meta.missing[1].key, "3");
  EXPECT_EQ(image_meta.missing[1].missing, FileKind::kMetadata);
  EXPECT_STREQ(file_kind_name(image_meta.missing[1].missing), "metadata");

  EXPECT_THROW(select_file_samples(folder, options(false, false, false)), Error);
}

TEST(FilesReaderTest, ExtensionsInAnyCaseAndOthersIgnored) {
  TempDir dir;
  write_file(dir.file("a.JPG"), "");
  write_file(dir.file("b.Jpeg"), "");
  write_file(dir.file("c.PNG"), "");
  write_file(dir.file("d.webp"), "");
  write_file(dir.file("e.BMP"), "");
  write_file(dir.file("f.gif"), "");
  write_file(dir.file("g.tar.jpg"), "");
  write_file(dir.file(".hidden.jpg"), "");
  write_file(dir.file("._h.jpg"), "");
  write_file(dir.file(".cache/i.jpg"), "");
  write_file(dir.file("A.TXT"), "");
  const FilesFolder folder = scan_files_folder(dir.path().string());
  const FilesSelection selection = select_file_samples(folder, options(false, true, false));
  EXPECT_EQ(keys_of(selection), (std::vector<std::string>{"a", "b", "c", "d", "e", "g.tar"}));
  EXPECT_EQ(*selection.samples[0].image_path, dir.file("a.JPG"));
  EXPECT_TRUE(folder.has_captions);
  EXPECT_FALSE(folder.has_metadata);
}

TEST(FilesReaderTest, DuplicateKeyKeepsFirstInPathOrder) {
  TempDir dir;
  write_file(dir.file("a.png"), "");
  write_file(dir.file("a.jpg"), "");
  write_file(dir.file("b.jpg"), "");
  const FilesFolder folder = scan_files_folder(dir.path().string());
  ASSERT_EQ(folder.duplicates.size(), 1u);
  EXPECT_EQ(folder.duplicates[0].key, "a");
  EXPECT_EQ(folder.duplicates[0].kind, FileKind::kImage);
  EXPECT_EQ(folder.duplicates[0].kept_path, dir.file("a.jpg"));
  EXPECT_EQ(folder.duplicates[0].ignored_path, dir.file("a.png"));
  EXPECT_EQ(*folder.groups.at("a").image_path, dir.file("a.jpg"));
  EXPECT_EQ(folder.groups.size(), 2u);
}

TEST(FilesReaderTest, AutoDetectionTurnsOffAbsentParts) {
  TempDir dir;
  write_file(dir.file("1.jpg"), "");
  const FilesFolder folder = scan_files_folder(dir.path().string());
  const FilesReaderOptions detected = detect_modalities(folder, options(true, true, true));
  EXPECT_FALSE(detected.enable_text);
  EXPECT_TRUE(detected.enable_image);
  EXPECT_FALSE(detected.enable_metadata);
  // Only turns parts off, never on.
  EXPECT_FALSE(detect_modalities(folder, options(false, true, false)).enable_text);
  try {
    detect_modalities(folder, options(true, false, true));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
    EXPECT_NE(std::string(e.what()).find("no sample found"), std::string::npos);
  }
}

TEST(FilesReaderTest, EmptyFolderHasNoSample) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "sub" / "deeper");
  const FilesFolder folder = scan_files_folder(dir.path().string());
  EXPECT_TRUE(folder.groups.empty());
  try {
    detect_modalities(folder, FilesReaderOptions{});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
    EXPECT_NE(std::string(e.what()).find("no sample found"), std::string::npos);
  }
}

TEST(FilesReaderTest, MissingFolderAndFileAreErrors) {
  TempDir dir;
  try {
    scan_files_folder(dir.file("nope"));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
  }
  write_file(dir.file("file.txt"), "");
  try {
    scan_files_folder(dir.file("file.txt"));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
  }
}

TEST(FilesReaderTest, SymlinkLoopDoesNotHang) {
  TempDir dir;
  write_file(dir.file("a/1.jpg"), "");
  std::filesystem::create_directory_symlink(dir.path(), dir.path() / "a" / "loop");
  std::filesystem::create_symlink(dir.path() / "a" / "1.jpg", dir.path() / "2.jpg");
  std::filesystem::create_symlink(dir.path() / "missing.jpg", dir.path() / "3.jpg");
  const FilesSelection selection =
      select_file_samples(scan_files_folder(dir.path().string()), options(false, true, false));
  // File links are followed, folder links are not descended, dangling links are ignored.
  EXPECT_EQ(keys_of(selection), (std::vector<std::string>{"2", "a/1"}));
}

TEST(FilesReaderTest, SevenImagesInTwoPartitions) {
  // Spec §1.3 example: 7 images, P=2 -> 4 and 3 samples.
  TempDir dir;
  for (const char* name :
       {"123_456", "208_495", "321_421", "389_535", "416_264", "456_123", "524_316"}) {
    write_file(dir.file(std::string(name) + ".jpg"), "");
  }
  const FilesFolder folder = scan_files_folder(dir.path().string());
  const FilesReaderOptions detected = detect_modalities(folder, FilesReaderOptions{});
  const FilesSelection selection = select_file_samples(folder, detected);
  ASSERT_EQ(selection.samples.size(), 7u);
  const std::vector<FileSample> p0 = take_partition(selection.samples, 0, 2);
  const std::vector<FileSample> p1 = take_partition(selection.samples, 1, 2);
  ASSERT_EQ(p0.size(), 4u);
  ASSERT_EQ(p1.size(), 3u);
  EXPECT_EQ(p0[0].key, "123_456");
  EXPECT_EQ(p0[1].key, "321_421");
  EXPECT_EQ(p1[0].key, "208_495");
  EXPECT_EQ(p1[2].key, "456_123");
}

}  // namespace
}  // namespace clipret::data
