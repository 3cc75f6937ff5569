#include "core/stream.h"

#include <gtest/gtest.h>

#include <string>

#include "core/error.h"
#include "test_util.h"

namespace clipret::core {
namespace {

using clipret::testing::TempDir;
using clipret::testing::write_file;

TEST(StreamTest, ReadsLocalFile) {
  TempDir dir;
  const std::string path = dir.file("a.bin");
  std::string bytes(200000, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7);
  write_file(path, bytes);
  auto stream = open_input_stream(path);
  EXPECT_EQ(stream->name(), path);
  EXPECT_EQ(read_all(*stream), bytes);
  char c;
  EXPECT_EQ(stream->read(&c, 1), 0u);
}

TEST(StreamTest, MissingFileIsNotFound) {
  TempDir dir;
  try {
    open_input_stream(dir.file("nope.tar"));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
    EXPECT_NE(std::string(e.what()).find("nope.tar"), std::string::npos);
  }
}

TEST(StreamTest, DirectoryIsIoError) {
  TempDir dir;
  try {
    open_input_stream(dir.path().string());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
  }
}

TEST(StreamTest, MemoryStreamReadsInPieces) {
  auto stream = open_memory_stream("mem", "hello world");
  EXPECT_EQ(stream->name(), "mem");
  char buffer[4];
  ASSERT_EQ(stream->read(buffer, 4), 4u);
  EXPECT_EQ(std::string(buffer, 4), "hell");
  EXPECT_EQ(read_all(*stream), "o world");
  EXPECT_EQ(stream->read(buffer, 4), 0u);
}

TEST(StreamTest, ReadAllRejectsTooLargeInput) {
  auto stream = open_memory_stream("big", std::string(100, 'x'));
  try {
    read_all(*stream, 99);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
    EXPECT_NE(std::string(e.what()).find("big"), std::string::npos);
  }
  auto exact = open_memory_stream("exact", std::string(100, 'x'));
  EXPECT_EQ(read_all(*exact, 100).size(), 100u);
}

TEST(StreamTest, PipeLocations) {
  EXPECT_TRUE(is_pipe_location("pipe:cat x"));
  EXPECT_FALSE(is_pipe_location("/data/pipe:x"));
  EXPECT_FALSE(is_pipe_location("shard.tar"));
}

}  // namespace
}  // namespace clipret::core
