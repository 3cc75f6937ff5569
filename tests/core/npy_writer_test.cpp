#include "core/npy_writer.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <csignal>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/float16.h"
#include "core/npy_reader.h"
#include "test_util.h"

namespace clipret::core {
namespace {

using clipret::testing::read_file;
using clipret::testing::TempDir;
using clipret::testing::write_file;

// Names in `dir`, to check what is visible before and after close().
std::vector<std::string> list_dir(const TempDir& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(NpyWriterTest, AppendsBatchesAndRewritesTheRowCount) {
  TempDir dir;
  const std::string path = dir.file("img_emb_0.npy");
  NpyWriter writer(path, NpyDtype::kInt32, {3});
  const std::vector<int32_t> a = {1, 2, 3, 4, 5, 6};
  const std::vector<int32_t> b = {7, 8, 9};
  writer.append_rows(a.data(), 2);
  writer.append_rows(b.data(), 1);
  writer.append_rows(nullptr, 0);
  EXPECT_EQ(writer.rows(), 3u);
  EXPECT_EQ(writer.row_elements(), 3u);
  // Nothing under the final name yet, and the temporary name is not a *.npy.
  ASSERT_EQ(list_dir(dir).size(), 1u);
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_EQ(list_dir(dir)[0].rfind("img_emb_0.npy.tmp-", 0), 0u);
  writer.close();
  EXPECT_EQ(list_dir(dir), std::vector<std::string>{"img_emb_0.npy"});

  const NpyReader reader = NpyReader::open(path);
  EXPECT_EQ(reader.shape(), (std::vector<uint64_t>{3, 3}));
  const auto* data = static_cast<const int32_t*>(reader.data());
  EXPECT_EQ(std::vector<int32_t>(data, data + 9),
            (std::vector<int32_t>{1, 2, 3, 4, 5, 6, 7, 8, 9}));
  // Header exactly as np.save would write for the final shape.
  EXPECT_EQ(read_file(path).substr(0, reader.header().data_offset),
            format_npy_header(NpyDtype::kInt32, {3, 3}));
}

TEST(NpyWriterTest, DroppedWriterLeavesNoFile) {
  TempDir dir;
  const std::string path = dir.file("x.npy");
  {
    NpyWriter writer(path, NpyDtype::kFloat32, {2});
    const float row[2] = {1, 2};
    writer.append_rows(row, 1);
  }
  EXPECT_TRUE(list_dir(dir).empty());

  // An existing file stays as it was until a replacement is complete.
  write_file(path, "old");
  { NpyWriter writer(path, NpyDtype::kFloat32, {2}); }
  EXPECT_EQ(read_file(path), "old");
  NpyWriter writer(path, NpyDtype::kFloat32, {2});
  writer.close();
  EXPECT_EQ(NpyReader::open(path).rows(), 0u);
}

TEST(NpyWriterTest, AppendRowsF32ConvertsToTheFileDtype) {
  TempDir dir;
  const std::vector<float> values = {0.1f, -3.5f, 65504.0f, 1e-8f, 70000.0f, 0.333f};
  NpyWriter half(dir.file("h.npy"), NpyDtype::kFloat16, {2});
  half.append_rows_f32(values.data(), 3);
  half.close();
  const NpyReader h = NpyReader::open(dir.file("h.npy"));
  ASSERT_EQ(h.dtype(), NpyDtype::kFloat16);
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(static_cast<const uint16_t*>(h.data())[i], float32_to_float16(values[i])) << i;
  }

  NpyWriter wide(dir.file("d.npy"), NpyDtype::kFloat64, {3});
  wide.append_rows_f32(values.data(), 2);
  wide.close();
  const NpyReader d = NpyReader::open(dir.file("d.npy"));
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(static_cast<const double*>(d.data())[i], static_cast<double>(values[i]));
  }

  NpyWriter ints(dir.file("i.npy"), NpyDtype::kInt64, {2});
  EXPECT_THROW(ints.append_rows_f32(values.data(), 1), Error);
}

TEST(NpyWriterTest, LargeAppendsCrossTheConversionChunk) {
  TempDir dir;
  constexpr uint64_t kRows = 300;
  constexpr uint64_t kDim = 512;  // 153600 values: more than one 65536-value chunk
  std::vector<float> values(kRows * kDim);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i % 2048) / 8.0f;
  NpyWriter writer(dir.file("big.npy"), NpyDtype::kFloat16, {kDim});
  writer.append_rows_f32(values.data(), kRows);
  writer.close();
  const NpyReader reader = NpyReader::open(dir.file("big.npy"));
  std::vector<float> back(values.size());
  reader.read_rows_f32(0, kRows, back.data());
  EXPECT_EQ(back, values);
}

TEST(NpyWriterTest, UsesVersion2ForHugeHeaders) {
  TempDir dir;
  const std::vector<uint64_t> row_shape(30000, 1);
  NpyWriter writer(dir.file("v2.npy"), NpyDtype::kInt32, row_shape);
  const int32_t values[2] = {11, 12};
  writer.append_rows(values, 2);
  writer.close();
  const NpyReader reader = NpyReader::open(dir.file("v2.npy"));
  EXPECT_EQ(reader.header().major_version, 2);
  EXPECT_EQ(reader.rows(), 2u);
  EXPECT_EQ(static_cast<const int32_t*>(reader.data())[1], 12);
}

TEST(NpyWriterTest, Errors) {
  TempDir dir;
  try {
    NpyWriter writer(dir.file("no/such/dir/x.npy"), NpyDtype::kFloat32, {2});
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
    EXPECT_NE(std::string(e.what()).find("no/such/dir/x.npy"), std::string::npos) << e.what();
  }

  NpyWriter closed(dir.file("c.npy"), NpyDtype::kFloat32, {2});
  closed.close();
  const float row[2] = {1, 2};
  EXPECT_THROW(closed.append_rows(row, 1), Error);
  EXPECT_THROW(closed.close(), Error);

  // The folder disappears before close(): the rename fails with kIo and nothing is left.
  const std::string sub = dir.file("sub");
  std::filesystem::create_directory(sub);
  NpyWriter writer(sub + "/y.npy", NpyDtype::kFloat32, {2});
  writer.append_rows(row, 1);
  std::filesystem::rename(sub, dir.file("moved"));
  std::filesystem::create_directory(sub);  // a fresh folder: the rename target's folder exists
  std::filesystem::remove_all(dir.file("moved"));
  try {
    writer.close();
    ADD_FAILURE() << "renamed from a folder that is gone";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
  }
  EXPECT_FALSE(std::filesystem::exists(sub + "/y.npy"));

  EXPECT_THROW(NpyWriter(dir.file("o.npy"), NpyDtype::kFloat64, {1ull << 62, 4}), Error);
}

// Caps the size of files this process writes, so a write fails part-way with EFBIG.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &saved_);
    previous_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limited = saved_;
    limited.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &limited);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, previous_handler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit saved_{};
  void (*previous_handler_)(int) = nullptr;
};

TEST(NpyWriterTest, AFailedWriteIsNeverPublished) {
  TempDir dir;
  const std::string path = dir.file("full.npy");
  NpyWriter writer(path, NpyDtype::kFloat32, {1024});
  const std::vector<float> rows(4 * 1024, 1.0f);
  {
    FileSizeLimit limit(8192);
    try {
      writer.append_rows(rows.data(), 4);
      ADD_FAILURE() << "write past the file size limit succeeded";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kIo) << e.what();
    }
  }
  try {
    writer.close();
    ADD_FAILURE() << "a broken file was published";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput) << e.what();
    EXPECT_NE(std::string(e.what()).find("earlier write failed"), std::string::npos);
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace clipret::core
