// The files source reads each sample's files when its partition runs, long after the listing:
// a file that vanished, became a folder or cannot be read by then is a skipped sample with the
// reason counted ("unreadable file") and the file named, never an empty caption or image.
#include "inference/sample_source.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "test_util.h"

namespace clipret::inference {
namespace {

namespace fs = std::filesystem;

TEST(FilesSource, FilesGoneSinceTheListingAreSkippedWithTheFileNamed) {
  testing::TempDir dir;
  std::vector<data::FileSample> samples;
  for (const char* key : {"a", "b", "c", "d"}) {
    testing::write_file(dir.file(std::string(key) + ".jpg"), std::string("image ") + key);
    testing::write_file(dir.file(std::string(key) + ".txt"), std::string("caption ") + key);
    samples.push_back({key, dir.file(std::string(key) + ".jpg"),
                       dir.file(std::string(key) + ".txt"), std::nullopt});
  }
  std::unique_ptr<SampleSource> source = make_files_source(samples, SourceParts{});
  // After the listing: b's image vanishes, c's caption becomes a folder.
  fs::remove(dir.file("b.jpg"));
  fs::remove(dir.file("c.txt"));
  fs::create_directory(dir.file("c.txt"));

  std::optional<RawSample> a = source->next();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->skip_reason, "");
  EXPECT_EQ(a->image_bytes, "image a");
  EXPECT_EQ(a->caption, "caption a");

  std::optional<RawSample> b = source->next();
  ASSERT_TRUE(b);
  EXPECT_EQ(b->skip_reason, "unreadable file");
  EXPECT_NE(b->skip_detail.find(dir.file("b.jpg")), std::string::npos) << b->skip_detail;

  std::optional<RawSample> c = source->next();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->skip_reason, "unreadable file");
  EXPECT_NE(c->skip_detail.find(dir.file("c.txt")), std::string::npos) << c->skip_detail;
  EXPECT_EQ(c->caption, "");

  std::optional<RawSample> d = source->next();
  ASSERT_TRUE(d);
  EXPECT_EQ(d->skip_reason, "");
  EXPECT_EQ(d->caption, "caption d");
  EXPECT_FALSE(source->next());
}

}  // namespace
}  // namespace clipret::inference
