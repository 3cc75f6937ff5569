#include "data/partition_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "core/float16.h"
#include "core/npy_reader.h"
#include "parquet/parquet_reader.h"
#include "parquet/table.h"
#include "test_util.h"

namespace clipret::data {
namespace {

namespace fs = std::filesystem;

std::vector<FlatField> fields_of(const std::string& json) {
  std::string error;
  return *flatten_json_object(json, &error);
}

TEST(PartitionWriterTest, WritesAlignedNpyAndParquet) {
  testing::TempDir dir;
  PartitionWriter writer({.output_folder = dir.path().string(),
                          .partition = 3,
                          .partition_count = 12,
                          .enable_image = true,
                          .enable_text = true,
                          .enable_metadata = true});
  EXPECT_EQ(writer.file_number(), "03");
  const std::vector<float> image = {1, 0, 0, 0.6f, 0.8f, 0, 0, 0, 1};
  const std::vector<float> text = {0, 1, 0, 1};
  const auto f0 = fields_of(R"({"url": "u0", "width": 10})");
  const auto f1 = fields_of(R"({"url": "u1", "width": 2.5, "extra": true})");
  const auto f2 = fields_of(R"({"url": "u2"})");
  SampleRecord first[] = {{"a.jpg", "cap a", &f0}, {"b.jpg", "cap b", &f1}};
  SampleRecord second[] = {{"c.jpg", "cap c", &f2}};
  writer.append(2, image.data(), 3, text.data(), 2, first);
  EXPECT_FALSE(fs::exists(dir.file("img_emb/img_emb_03.npy"))) << "visible before finish()";
  writer.append(1, image.data() + 6, 3, text.data() + 2, 2, second);
  writer.finish();

  auto img = core::NpyReader::open(dir.file("img_emb/img_emb_03.npy"));
  EXPECT_EQ(img.dtype(), core::NpyDtype::kFloat16);
  EXPECT_EQ(img.shape(), (std::vector<uint64_t>{3, 3}));
  std::vector<float> back(9);
  img.read_rows_f32(0, 3, back.data());
  for (size_t i = 0; i < 9; ++i) EXPECT_NEAR(back[i], image[i], 1e-3);
  auto txt = core::NpyReader::open(dir.file("text_emb/text_emb_03.npy"));
  EXPECT_EQ(txt.shape(), (std::vector<uint64_t>{3, 2}));

  const auto table = parquet::read_parquet_file(dir.file("metadata/metadata_03.parquet"));
  ASSERT_EQ(table.num_rows(), 3u);
  ASSERT_EQ(table.num_columns(), 5u);
  EXPECT_EQ(table.column(0).name(), "image_path");
  EXPECT_EQ(table.column(1).name(), "caption");
  EXPECT_EQ(table.column(2).name(), "url");
  EXPECT_EQ(table.column(3).name(), "width");
  EXPECT_EQ(table.column(4).name(), "extra");
  EXPECT_EQ(table.column(0).bytes_at(2), "c.jpg");
  EXPECT_EQ(table.column(1).bytes_at(1), "cap b");
  EXPECT_DOUBLE_EQ(table.column("width").double_at(0), 10.0);  // int + float → DOUBLE
  EXPECT_DOUBLE_EQ(table.column("width").double_at(1), 2.5);
  EXPECT_TRUE(table.column("width").is_null(2));
  EXPECT_TRUE(table.column("extra").bool_at(1));
  EXPECT_TRUE(table.column("extra").is_null(0));
}

TEST(PartitionWriterTest, ImageOnlyHasNoTextFolderNorCaption) {
  testing::TempDir dir;
  PartitionWriter writer({.output_folder = dir.path().string(),
                          .partition = 0,
                          .partition_count = 1,
                          .enable_image = true,
                          .enable_text = false,
                          .enable_metadata = false});
  const std::vector<float> image = {1, 0};
  SampleRecord record{"k", "", nullptr};
  writer.append(1, image.data(), 2, nullptr, 0, &record);
  writer.finish();
  EXPECT_FALSE(fs::exists(dir.file("text_emb")));
  const auto table = parquet::read_parquet_file(dir.file("metadata/metadata_0.parquet"));
  ASSERT_EQ(table.num_columns(), 1u);
  EXPECT_EQ(table.column(0).name(), "image_path");
}

TEST(PartitionWriterTest, EmptyPartitionWritesNoFileAndAbandonedWriterLeavesNothing) {
  testing::TempDir dir;
  {
    PartitionWriter writer({.output_folder = dir.path().string()});
    writer.finish();
  }
  EXPECT_TRUE(fs::is_directory(dir.file("metadata")));
  EXPECT_TRUE(fs::is_empty(dir.file("img_emb")));
  {
    PartitionWriter writer({.output_folder = dir.path().string()});
    const std::vector<float> v = {1, 0};
    SampleRecord record{"k", "c", nullptr};
    writer.append(1, v.data(), 2, v.data(), 2, &record);
    // destroyed without finish(): an interrupted partition
  }
  EXPECT_TRUE(fs::is_empty(dir.file("img_emb")));
  EXPECT_TRUE(fs::is_empty(dir.file("metadata")));
}

}  // namespace
}  // namespace clipret::data
