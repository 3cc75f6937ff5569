#include "core/npy_reader.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/float16.h"
#include "core/npy_writer.h"
#include "test_util.h"

namespace clipret::core {
namespace {

using clipret::testing::read_file;
using clipret::testing::TempDir;
using clipret::testing::write_file;

template <typename T>
void expect_round_trip(NpyDtype dtype, const std::vector<T>& values, uint64_t rows, uint64_t cols) {
  TempDir dir;
  const std::string path = dir.file("a.npy");
  write_npy(path, dtype, {rows, cols}, values.data());
  const NpyReader reader = NpyReader::open(path);
  EXPECT_EQ(reader.dtype(), dtype);
  EXPECT_EQ(reader.shape(), (std::vector<uint64_t>{rows, cols}));
  EXPECT_EQ(reader.rows(), rows);
  EXPECT_EQ(reader.row_elements(), cols);
  EXPECT_EQ(reader.row_bytes(), cols * sizeof(T));
  EXPECT_EQ(reader.header().data_offset % 64, 0u);
  ASSERT_EQ(std::memcmp(reader.data(), values.data(), values.size() * sizeof(T)), 0);
  for (uint64_t r = 0; r < rows; ++r) {
    EXPECT_EQ(std::memcmp(reader.row(r), values.data() + r * cols, cols * sizeof(T)), 0);
  }
}

TEST(NpyReaderTest, RoundTripsEveryDtype) {
  expect_round_trip<uint16_t>(NpyDtype::kFloat16, {0x3c00, 0xc000, 0x0001, 0x7bff, 0x7c00, 0x8000},
                              2, 3);
  expect_round_trip<float>(NpyDtype::kFloat32, {1.5f, -2.25f, 3e-38f, 1e38f}, 4, 1);
  expect_round_trip<double>(NpyDtype::kFloat64, {1e-300, -1e300, 0.1, 2.0 / 3.0, 5, 6}, 3, 2);
  expect_round_trip<int32_t>(NpyDtype::kInt32, {INT32_MIN, -1, 0, INT32_MAX}, 2, 2);
  expect_round_trip<int64_t>(NpyDtype::kInt64, {INT64_MIN, -1, 0, 1, INT64_MAX, 5000000000}, 1, 6);
}

TEST(NpyReaderTest, ZeroRowsOneDimensionalAndScalarArrays) {
  TempDir dir;
  write_npy(dir.file("empty.npy"), NpyDtype::kFloat16, {0, 512}, nullptr);
  const NpyReader empty = NpyReader::open(dir.file("empty.npy"));
  EXPECT_EQ(empty.rows(), 0u);
  EXPECT_EQ(empty.row_elements(), 512u);
  empty.read_rows_f32(0, 0, nullptr);

  const std::vector<int64_t> ids = {4, 5, 6};
  write_npy(dir.file("ids.npy"), NpyDtype::kInt64, {3}, ids.data());
  const NpyReader one_d = NpyReader::open(dir.file("ids.npy"));
  EXPECT_EQ(one_d.rows(), 3u);
  EXPECT_EQ(one_d.row_elements(), 1u);
  EXPECT_EQ(*static_cast<const int64_t*>(one_d.row(2)), 6);

  const double pi = 3.25;
  write_npy(dir.file("scalar.npy"), NpyDtype::kFloat64, {}, &pi);
  const NpyReader scalar = NpyReader::open(dir.file("scalar.npy"));
  EXPECT_TRUE(scalar.shape().empty());
  EXPECT_EQ(scalar.rows(), 1u);
  EXPECT_EQ(*static_cast<const double*>(scalar.data()), 3.25);
}

TEST(NpyReaderTest, ReadRowsF32ConvertsFloatDtypes) {
  TempDir dir;
  const std::vector<float> values = {0.5f, -1.0f, 2.0f, 0.25f, 1024.0f, -0.125f};
  std::vector<uint16_t> half(values.size());
  float32_to_float16(values.data(), values.size(), half.data());
  const std::vector<double> wide(values.begin(), values.end());
  write_npy(dir.file("h.npy"), NpyDtype::kFloat16, {3, 2}, half.data());
  write_npy(dir.file("f.npy"), NpyDtype::kFloat32, {3, 2}, values.data());
  write_npy(dir.file("d.npy"), NpyDtype::kFloat64, {3, 2}, wide.data());
  for (const char* name : {"h.npy", "f.npy", "d.npy"}) {
    const NpyReader reader = NpyReader::open(dir.file(name));
    std::vector<float> all(6);
    reader.read_rows_f32(0, 3, all.data());
    EXPECT_EQ(all, values) << name;
    std::vector<float> middle(2);
    reader.read_rows_f32(1, 2, middle.data());
    EXPECT_EQ(middle, (std::vector<float>{2.0f, 0.25f})) << name;
    EXPECT_THROW(reader.read_rows_f32(2, 4, all.data()), Error);
    EXPECT_THROW(reader.read_rows_f32(2, 1, all.data()), Error);
  }
  const std::vector<int32_t> ints = {1, 2};
  write_npy(dir.file("i.npy"), NpyDtype::kInt32, {2}, ints.data());
  float out[2];
  try {
    NpyReader::open(dir.file("i.npy")).read_rows_f32(0, 2, out);
    ADD_FAILURE() << "int32 rows converted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUnsupported);
  }
}

TEST(NpyReaderTest, ReleasedRowsReadBackTheSame) {
  TempDir dir;
  const std::string path = dir.file("a.npy");
  const uint64_t rows = 4096;  // 4096 x 64 floats: 256 pages of 4 KiB
  std::vector<float> values(rows * 64);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i);
  write_npy(path, NpyDtype::kFloat32, {rows, 64}, values.data());
  const NpyReader reader = NpyReader::open(path);
  std::vector<float> out(values.size());
  reader.read_rows_f32(0, rows, out.data());
  reader.release_rows(0, rows);
  reader.release_rows(10, 20);
  reader.release_rows(rows, rows + 5);  // past the end: nothing
  std::vector<float> again(values.size());
  reader.read_rows_f32(0, rows, again.data());
  EXPECT_EQ(out, values);
  EXPECT_EQ(again, values);
}

TEST(NpyReaderTest, RowOutOfRange) {
  TempDir dir;
  const std::vector<float> values = {1, 2};
  write_npy(dir.file("a.npy"), NpyDtype::kFloat32, {2, 1}, values.data());
  const NpyReader reader = NpyReader::open(dir.file("a.npy"));
  try {
    reader.row(2);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
  }
}

TEST(NpyReaderTest, MoveKeepsTheMapping) {
  TempDir dir;
  const std::vector<int32_t> values = {7, 8};
  write_npy(dir.file("a.npy"), NpyDtype::kInt32, {2}, values.data());
  NpyReader a = NpyReader::open(dir.file("a.npy"));
  const void* data = a.data();
  NpyReader b = std::move(a);
  EXPECT_EQ(b.data(), data);
  EXPECT_EQ(*static_cast<const int32_t*>(b.row(1)), 8);
}

void expect_open_error(const std::string& path, ErrorKind kind, const std::string& what) {
  try {
    NpyReader::open(path);
    ADD_FAILURE() << "opened " << path;
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
  }
}

TEST(NpyReaderTest, ErrorsNameTheFile) {
  TempDir dir;
  expect_open_error(dir.file("missing.npy"), ErrorKind::kNotFound, "no such file");
  expect_open_error(dir.path().string(), ErrorKind::kIo, "not a regular file");
  write_file(dir.file("empty.npy"), "");
  expect_open_error(dir.file("empty.npy"), ErrorKind::kCorrupt, "bad magic");
  write_file(dir.file("text.npy"), "hello, world\n");
  expect_open_error(dir.file("text.npy"), ErrorKind::kCorrupt, "bad magic");
}

TEST(NpyReaderTest, TruncatedDataIsCorrupt) {
  TempDir dir;
  const std::vector<float> values(12, 1.0f);
  const std::string path = dir.file("t.npy");
  write_npy(path, NpyDtype::kFloat32, {3, 4}, values.data());
  const std::string whole = read_file(path);
  // Every cut inside the data, down to the bare header.
  for (size_t keep : {whole.size() - 1, whole.size() - 16, whole.size() - 48}) {
    write_file(path, whole.substr(0, keep));
    expect_open_error(path, ErrorKind::kCorrupt, "truncated .npy data");
  }
  // Inside the header.
  write_file(path, whole.substr(0, 40));
  expect_open_error(path, ErrorKind::kCorrupt, "truncated .npy header");
  // Extra bytes after the data are ignored, as numpy does.
  write_file(path, whole + "trailing");
  EXPECT_EQ(NpyReader::open(path).rows(), 3u);
}

TEST(NpyReaderTest, HeaderErrorsComeThrough) {
  TempDir dir;
  const std::string path = dir.file("f.npy");
  std::string bytes = format_npy_header(NpyDtype::kFloat32, {2, 2}) + std::string(16, '\0');
  bytes.replace(bytes.find("False"), 5, "True ");
  write_file(path, bytes);
  expect_open_error(path, ErrorKind::kUnsupported, "Fortran");
}

}  // namespace
}  // namespace clipret::core
