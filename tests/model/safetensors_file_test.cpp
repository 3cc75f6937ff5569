#include "model/safetensors_file.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "core/error.h"
#include "model/safetensors_writer.h"
#include "test_util.h"

namespace clipret::model {
namespace {

using testing::TempDir;
using testing::write_file;

// Builds a file from a raw header and data, bypassing the writer's checks.
std::string raw_file(const std::string& header, const std::string& data) {
  std::string out;
  const uint64_t length = header.size();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((length >> (8 * i)) & 0xff));
  return out + header + data;
}

// Expects SafetensorsFile::open(path) to throw `kind` with every `needles` in the message.
void expect_open_error(const std::string& path, ErrorKind kind,
                       const std::vector<std::string>& needles) {
  try {
    SafetensorsFile::open(path);
    ADD_FAILURE() << "no error for " << path;
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    for (const std::string& needle : needles) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos)
          << "'" << needle << "' not in: " << e.what();
    }
  }
}

TEST(SafetensorsFileTest, RoundTripsF32AndSkipsNothing) {
  TempDir dir;
  const std::string path = dir.file("a.safetensors");
  write_safetensors(
      path, {{"w", {2, 3}, {1, 2, 3, 4, 5, 6}}, {"scalar", {}, {2.5f}}, {"empty", {0, 4}, {}}},
      {{"format", "pt"}});
  const SafetensorsFile file = SafetensorsFile::open(path);
  ASSERT_EQ(file.tensors().size(), 3u);
  const SafetensorsTensorInfo* w = file.find("w");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(file.read_f32("w"), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(file.read_f32("scalar"), std::vector<float>{2.5f});
  EXPECT_TRUE(file.read_f32("empty").empty());
  EXPECT_EQ(file.find("missing"), nullptr);
  EXPECT_THROW(file.read_f32("missing"), Error);
}

TEST(SafetensorsFileTest, ConvertsF16AndBF16ToF32) {
  TempDir dir;
  const std::vector<float> values = {0.0f, -1.5f, 3.140625f, 65504.0f, 1e-6f, -0.099609375f};
  write_safetensors(dir.file("h.safetensors"),
                    {{"half", {6}, values, SafetensorsDtype::kF16},
                     {"brain", {2, 3}, values, SafetensorsDtype::kBF16}});
  const SafetensorsFile file = SafetensorsFile::open(dir.file("h.safetensors"));
  EXPECT_EQ(file.find("half")->dtype, SafetensorsDtype::kF16);
  EXPECT_EQ(file.find("half")->end - file.find("half")->begin, 12u);
  const std::vector<float> half = file.read_f32("half");
  const std::vector<float> brain = file.read_f32("brain");
  for (size_t i = 0; i < values.size(); ++i) {
    // F16: 11 significant bits (subnormal 1e-6 keeps ~6e-8 absolute); BF16: 8 bits.
    EXPECT_NEAR(half[i], values[i], std::abs(values[i]) * 1e-3 + 6e-8) << i;
    EXPECT_NEAR(brain[i], values[i], std::abs(values[i]) * 4e-3) << i;
  }
  EXPECT_EQ(half[1], -1.5f);  // exactly representable values are exact
  EXPECT_EQ(brain[2], 3.140625f);
  EXPECT_EQ(half[3], 65504.0f);
}

TEST(SafetensorsFileTest, HandWrittenBF16Bits) {
  TempDir dir;
  // 0x3FC0 = 1.5, 0xC040 = -3.0 as bfloat16, little-endian.
  const std::string data("\xC0\x3F\x40\xC0", 4);
  write_file(dir.file("b.safetensors"),
             raw_file(R"({"x":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}})", data));
  EXPECT_EQ(SafetensorsFile::open(dir.file("b.safetensors")).read_f32("x"),
            (std::vector<float>{1.5f, -3.0f}));
}

TEST(SafetensorsFileTest, OtherDtypesLoadOnlyAsMetadata) {
  TempDir dir;
  write_file(dir.file("i.safetensors"),
             raw_file(R"({"position_ids":{"dtype":"I64","shape":[1,2],"data_offsets":[0,16]}})",
                      std::string(16, '\0')));
  const SafetensorsFile file = SafetensorsFile::open(dir.file("i.safetensors"));
  EXPECT_EQ(file.find("position_ids")->dtype, SafetensorsDtype::kI64);
  try {
    file.read_f32("position_ids");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUnsupported);
    EXPECT_NE(std::string(e.what()).find("position_ids"), std::string::npos);
  }
}

TEST(SafetensorsFileTest, MissingFileIsNotFound) {
  expect_open_error("/nonexistent/x.safetensors", ErrorKind::kNotFound, {"x.safetensors"});
}

TEST(SafetensorsFileTest, TruncatedFilesAreCorrupt) {
  TempDir dir;
  const std::string good = serialize_safetensors({{"w", {4, 4}, std::vector<float>(16, 1.0f)}});
  write_file(dir.file("short.safetensors"), good.substr(0, 5));
  expect_open_error(dir.file("short.safetensors"), ErrorKind::kCorrupt, {"short.safetensors"});
  write_file(dir.file("header.safetensors"), good.substr(0, 20));
  expect_open_error(dir.file("header.safetensors"), ErrorKind::kCorrupt,
                    {"header length", "truncated"});
  write_file(dir.file("data.safetensors"), good.substr(0, good.size() - 1));
  expect_open_error(dir.file("data.safetensors"), ErrorKind::kCorrupt,
                    {"data.safetensors", "'w'", "outside"});
}

TEST(SafetensorsFileTest, AbsurdHeaderLengthIsCorrupt) {
  TempDir dir;
  std::string bytes = serialize_safetensors({{"w", {1}, {1.0f}}});
  std::memset(bytes.data(), 0xff, 8);  // 2^64 - 1: would overflow 8 + N
  write_file(dir.file("a.safetensors"), bytes);
  expect_open_error(dir.file("a.safetensors"), ErrorKind::kCorrupt, {"header length"});
}

TEST(SafetensorsFileTest, HeaderThatIsNotJsonIsCorrupt) {
  TempDir dir;
  write_file(dir.file("a.safetensors"), raw_file(R"({"w": {"dtype": "F32",)", ""));
  expect_open_error(dir.file("a.safetensors"), ErrorKind::kCorrupt, {"JSON"});
  write_file(dir.file("b.safetensors"), raw_file("[1, 2]  ", ""));
  expect_open_error(dir.file("b.safetensors"), ErrorKind::kCorrupt, {"'{'"});
}

TEST(SafetensorsFileTest, LyingOffsetsAreCorrupt) {
  TempDir dir;
  const std::string data(32, '\0');
  // Past the end of the data.
  write_file(dir.file("a.safetensors"),
             raw_file(R"({"w":{"dtype":"F32","shape":[8],"data_offsets":[16,48]}})", data));
  expect_open_error(dir.file("a.safetensors"), ErrorKind::kCorrupt, {"'w'", "outside"});
  // Backwards.
  write_file(dir.file("b.safetensors"),
             raw_file(R"({"w":{"dtype":"F32","shape":[0],"data_offsets":[16,8]}})", data));
  expect_open_error(dir.file("b.safetensors"), ErrorKind::kCorrupt, {"'w'", "backwards"});
  // Overlapping.
  write_file(dir.file("c.safetensors"),
             raw_file(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},)"
                      R"("b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}})",
                      data));
  expect_open_error(dir.file("c.safetensors"), ErrorKind::kCorrupt, {"overlaps"});
  // Negative and non-integer offsets.
  write_file(dir.file("d.safetensors"),
             raw_file(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}})", data));
  expect_open_error(dir.file("d.safetensors"), ErrorKind::kCorrupt, {"'w'", "data_offsets[0]"});
}

TEST(SafetensorsFileTest, BadDtypeIsCorrupt) {
  TempDir dir;
  write_file(
      dir.file("a.safetensors"),
      raw_file(R"({"w":{"dtype":"F33","shape":[1],"data_offsets":[0,4]}})", std::string(4, '\0')));
  expect_open_error(dir.file("a.safetensors"), ErrorKind::kCorrupt,
                    {"a.safetensors", "'w'", "unknown dtype 'F33'"});
  write_file(dir.file("b.safetensors"),
             raw_file(R"({"w":{"shape":[1],"data_offsets":[0,4]}})", std::string(4, '\0')));
  expect_open_error(dir.file("b.safetensors"), ErrorKind::kCorrupt, {"'w'", "dtype"});
}

TEST(SafetensorsFileTest, ShapeDisagreeingWithByteRangeIsCorrupt) {
  TempDir dir;
  write_file(dir.file("a.safetensors"),
             raw_file(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}})",
                      std::string(16, '\0')));
  expect_open_error(dir.file("a.safetensors"), ErrorKind::kCorrupt, {"'w'", "need 12 bytes"});
  // A shape whose product overflows 64 bits.
  write_file(dir.file("b.safetensors"),
             raw_file(R"({"w":{"dtype":"F32","shape":[4294967296,4294967296,4],)"
                      R"("data_offsets":[0,0]}})",
                      ""));
  expect_open_error(dir.file("b.safetensors"), ErrorKind::kCorrupt, {"'w'", "overflows"});
}

TEST(SafetensorsFileTest, BadMetadataIsCorrupt) {
  TempDir dir;
  write_file(dir.file("a.safetensors"), raw_file(R"({"__metadata__":{"format":1}})", ""));
  expect_open_error(dir.file("a.safetensors"), ErrorKind::kCorrupt, {"__metadata__"});
}

TEST(SafetensorsFileTest, WriterRejectsMismatchedValues) {
  EXPECT_THROW(serialize_safetensors({{"w", {2, 2}, {1, 2, 3}}}), Error);
  EXPECT_THROW(serialize_safetensors({{"w", {1}, {1}}, {"w", {1}, {1}}}), Error);
}

TEST(SafetensorsFileTest, WriterPadsHeaderToEightBytes) {
  const std::string bytes = serialize_safetensors({{"abc", {1}, {1.0f}}});
  uint64_t length = 0;
  std::memcpy(&length, bytes.data(), 8);
  EXPECT_EQ(length % 8, 0u);
  EXPECT_EQ(bytes.size(), 8 + length + 4);
}

}  // namespace
}  // namespace clipret::model
