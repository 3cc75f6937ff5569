// Hostile files: wrong magic, truncation, lying lengths and offsets, flipped bytes. Each must
// give a clipret::Error naming the file, never a crash or a huge allocation.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <functional>
#include <string>

#include "core/error.h"
#include "core/random_access_file.h"
#include "parquet/file_metadata.h"
#include "parquet/parquet_reader.h"
#include "parquet/parquet_writer.h"
#include "test_util.h"

namespace clipret::parquet {
namespace {

// Bounds low enough that a lying file cannot make the test allocate much.
ReaderOptions small_limits() {
  ReaderOptions options;
  options.max_page_bytes = 1 << 22;
  options.max_row_group_rows = 1 << 20;
  options.max_string_bytes = 1 << 24;
  return options;
}

// Reads everything; returns "" on success or the error's message.
std::string read_bytes(const std::string& bytes, ErrorKind* kind = nullptr) {
  try {
    auto reader = ParquetReader::open(core::open_memory_file("mem.parquet", bytes), small_limits());
    for (size_t g = 0; g < reader->num_row_groups(); ++g) reader->read_row_group(g);
    return "";
  } catch (const Error& e) {
    if (kind) *kind = e.kind();
    return e.what();
  }
}

std::string small_file() {
  testing::TempDir dir;
  Table table({{"s", string_type(), true}, {"i", int64_type(), false}, {"f", float_type(), true}});
  for (int r = 0; r < 50; ++r) {
    if (r % 5 == 0) {
      table.column(0).append_null();
    } else {
      table.column(0).append_bytes(r % 2 ? "odd" : "even value " + std::to_string(r));
    }
    table.column(1).append_int64(r * 1000);
    table.column(2).append_float(0.5f * static_cast<float>(r));
  }
  WriterOptions options;
  options.row_group_rows = 20;
  write_parquet_file(dir.file("small.parquet"), table, options);
  return testing::read_file(dir.file("small.parquet"));
}

TEST(CorruptFileTest, MissingFileIsNotFound) {
  try {
    ParquetReader::open("/nonexistent/x.parquet");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
  }
}

TEST(CorruptFileTest, WrongMagicNamesTheFile) {
  std::string bytes = small_file();
  bytes[0] = 'X';
  ErrorKind kind;
  const std::string message = read_bytes(bytes, &kind);
  EXPECT_EQ(kind, ErrorKind::kCorrupt);
  EXPECT_NE(message.find("mem.parquet"), std::string::npos) << message;
  EXPECT_NE(message.find("PAR1"), std::string::npos) << message;
  EXPECT_NE(read_bytes("PAR1"), "");
  EXPECT_NE(read_bytes(""), "");
}

TEST(CorruptFileTest, EveryTruncationFails) {
  const std::string bytes = small_file();
  ASSERT_EQ(read_bytes(bytes), "");
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_NE(read_bytes(bytes.substr(0, n)), "") << "prefix of " << n << " bytes";
  }
}

TEST(CorruptFileTest, LyingFooterLength) {
  std::string bytes = small_file();
  for (uint32_t length : {0xffffffffu, 0x7fffffffu, static_cast<uint32_t>(bytes.size())}) {
    std::memcpy(&bytes[bytes.size() - 8], &length, 4);
    ErrorKind kind;
    const std::string message = read_bytes(bytes, &kind);
    EXPECT_EQ(kind, ErrorKind::kCorrupt) << message;
    EXPECT_NE(message.find("footer"), std::string::npos) << message;
  }
}

// Rewrites the footer of `bytes` after `edit` changed its metadata.
template <typename Edit>
std::string with_metadata(const std::string& bytes, Edit edit) {
  uint32_t length;
  std::memcpy(&length, &bytes[bytes.size() - 8], 4);
  const size_t footer_start = bytes.size() - 8 - length;
  FileMetaData meta = parse_file_metadata(
      reinterpret_cast<const uint8_t*>(bytes.data()) + footer_start, length, "x");
  edit(meta);
  const std::string footer = serialize_file_metadata(meta);
  std::string out = bytes.substr(0, footer_start) + footer;
  const uint32_t new_length = static_cast<uint32_t>(footer.size());
  out.append(reinterpret_cast<const char*>(&new_length), 4);
  out.append("PAR1");
  return out;
}

TEST(CorruptFileTest, LyingOffsetsAndSizes) {
  const std::string bytes = small_file();
  auto chunk = [](FileMetaData& m) -> ColumnMetaData& {
    return *m.row_groups[0].columns[0].meta_data;
  };
  const std::vector<std::function<void(FileMetaData&)>> edits = {
      [&](FileMetaData& m) {
        chunk(m).dictionary_page_offset.reset();
        chunk(m).data_page_offset = 1 << 30;
      },
      [&](FileMetaData& m) { chunk(m).data_page_offset = -5; },
      [&](FileMetaData& m) { chunk(m).total_compressed_size = int64_t{1} << 40; },
      [&](FileMetaData& m) { chunk(m).total_compressed_size = 3; },
      [&](FileMetaData& m) { chunk(m).type = 1; },
      [&](FileMetaData& m) { chunk(m).codec = 99; },
      [&](FileMetaData& m) { m.row_groups[0].num_rows = int64_t{1} << 40; },
      [&](FileMetaData& m) { m.row_groups[0].num_rows = 21; },
      [&](FileMetaData& m) { m.row_groups[0].num_rows = -1; },
      [&](FileMetaData& m) { m.row_groups[0].columns.pop_back(); },
      [&](FileMetaData& m) { m.schema[0].num_children = 100; },
      [&](FileMetaData& m) { m.schema[1].type = 42; },
      [&](FileMetaData& m) { m.schema.resize(1); },
  };
  for (size_t i = 0; i < edits.size(); ++i) {
    const std::string message = read_bytes(with_metadata(bytes, edits[i]));
    EXPECT_NE(message, "") << "edit " << i;
    EXPECT_NE(message.find("mem.parquet"), std::string::npos) << message;
  }
}

TEST(CorruptFileTest, FlippedBytesNeverCrash) {
  const std::string bytes = small_file();
  // Every byte, three patterns: the reader may succeed (a flipped value) or throw Error.
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (uint8_t mask : {0x01, 0x80, 0xff}) {
      std::string copy = bytes;
      copy[i] = static_cast<char>(copy[i] ^ mask);
      read_bytes(copy);
    }
  }
}

TEST(CorruptFileTest, FixtureWithFlippedBytesNeverCrashes) {
  const std::string bytes = testing::read_file(testing::fixture_path("parquet/page_v2.parquet"));
  // The footer and the first pages, where lengths live.
  for (size_t i = 0; i < bytes.size(); i += (i < 2000 || i + 2000 > bytes.size()) ? 1 : 97) {
    std::string copy = bytes;
    copy[i] = static_cast<char>(copy[i] ^ 0x55);
    read_bytes(copy);
  }
}

TEST(CorruptFileTest, NestedColumnsAreSkippedOrRefused) {
  // Schema: a INT32, tags (group { element INT32 }), no row groups.
  FileMetaData meta;
  SchemaElement root;
  root.name = "schema";
  root.num_children = 2;
  SchemaElement a;
  a.name = "a";
  a.type = static_cast<int32_t>(PhysicalType::kInt32);
  a.repetition = kRepetitionRequired;
  SchemaElement tags;
  tags.name = "tags";
  tags.num_children = 1;
  tags.repetition = kRepetitionOptional;
  SchemaElement element = a;
  element.name = "element";
  element.repetition = kRepetitionRepeated;
  meta.schema = {root, a, tags, element};
  const std::string footer = serialize_file_metadata(meta);
  std::string bytes = "PAR1" + footer;
  const uint32_t length = static_cast<uint32_t>(footer.size());
  bytes.append(reinterpret_cast<const char*>(&length), 4);
  bytes.append("PAR1");
  auto reader = ParquetReader::open(core::open_memory_file("nested.parquet", bytes));
  ASSERT_EQ(reader->schema().size(), 1u);
  EXPECT_EQ(reader->schema()[0].name, "a");
  EXPECT_EQ(reader->nested_columns(), std::vector<std::string>{"tags"});
  ReaderOptions options;
  options.columns = {"tags"};
  try {
    ParquetReader::open(core::open_memory_file("nested.parquet", bytes), options);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUnsupported);
    EXPECT_NE(std::string(e.what()).find("nested"), std::string::npos);
  }
  options.columns = {"nope"};
  try {
    ParquetReader::open(core::open_memory_file("nested.parquet", bytes), options);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
  }
}

// Inputs that once crashed the fuzzer (scripts/fuzz_parquet.sh copies them here).
TEST(CorruptFileTest, FuzzRegressionsNeverCrash) {
  const std::filesystem::path folder =
      std::filesystem::path(CLIPRET_SOURCE_DIR) / "tests/parquet/fuzz_regressions";
  size_t replayed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (!entry.is_regular_file() || entry.path().filename() == "README.md") continue;
    read_bytes(testing::read_file(entry.path().string()));
    ++replayed;
  }
  RecordProperty("replayed", static_cast<int>(replayed));
}

}  // namespace
}  // namespace clipret::parquet
