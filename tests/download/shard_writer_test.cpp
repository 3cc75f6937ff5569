// ShardWriter: img2dataset's shard outputs (notes §5), each checked against an independent
// reader: Python's json and tarfile modules (/usr/bin/python3), libarchive, and our parquet
// reader for the metadata parquet.
#include "download/shard_writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/error.h"
#include "download/status_counter.h"
#include "download/tar_writer.h"
#include "parquet/column.h"
#include "parquet/parquet_reader.h"
#include "test_util.h"

namespace clipret::download {
namespace {

using clipret::testing::read_file;
using clipret::testing::run_command;
using clipret::testing::TempDir;
using nlohmann::ordered_json;
namespace fs = std::filesystem;

// Captions that exercise Python's ensure_ascii escaping: quotes, backslash, the named escapes,
// other control characters and DEL, BMP and astral code points.
const std::vector<std::optional<std::string>> kCaptions = {
    "a \"quoted\" back\\slash",
    "plain",
    "caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80 tab\tnl\ncr\r\x01\x1F\x7F\b\f/",
    std::nullopt,
    "last",
};
constexpr int64_t kPerShard = 10;  // one key digit for the row
constexpr int64_t kShardId = 3;

// Rows: score (int64, null in row 2), ratio (double), caption (string, null in row 3), url.
parquet::Table input_rows(bool with_hash_column = false) {
  parquet::Column score({"score", parquet::int64_type(), true});
  parquet::Column ratio({"ratio", parquet::double_type(), true});
  parquet::Column caption({"caption", parquet::string_type(), true});
  parquet::Column hash({"sha256", parquet::string_type(), true});
  parquet::Column url({"url", parquet::string_type(), true});
  const double ratios[] = {0.1, 1e-05, 1e16, 2.0, -3.5};
  for (size_t i = 0; i < kCaptions.size(); ++i) {
    i == 2 ? score.append_null() : score.append_int64(static_cast<int64_t>(i) * 1000 - 1);
    ratio.append_double(ratios[i]);
    kCaptions[i] ? caption.append_bytes(*kCaptions[i]) : caption.append_null();
    hash.append_bytes("expected" + std::to_string(i));
    url.append_bytes("http://example.com/" + std::to_string(i) + ".jpg");
  }
  parquet::Table t;
  t.add_column(std::move(score));
  t.add_column(std::move(ratio));
  t.add_column(std::move(caption));
  if (with_hash_column) t.add_column(std::move(hash));
  t.add_column(std::move(url));
  return t;
}

std::string key(size_t row) {
  return "00003" + std::to_string(row);
}
std::string image(size_t row) {
  return "IMAGE" + std::string(row * 300, static_cast<char>(row));
}

SampleResult success(size_t row) {
  SampleResult s;
  s.row = row;
  s.status = "success";
  s.width = 256;
  s.height = 200 + static_cast<int>(row);
  s.original_width = 640;
  s.original_height = 427;
  s.exif = "{\"Image Make\": \"Canon \\\"5D\\\"\"}";
  s.hash = "hash" + std::to_string(row);
  s.image = image(row);
  return s;
}

SampleResult failure(size_t row, const std::string& status, const std::string& message) {
  SampleResult s;
  s.row = row;
  s.status = status;
  s.error_message = message;
  return s;
}

// Rows 3, 0, 2 succeed (completion order), 1 fails to download, 4 fails to resize.
std::vector<SampleResult> outcomes() {
  return {success(3), failure(1, "failed_to_download", "HTTP Error 404: Not Found"), success(0),
          failure(4, "failed_to_resize", "image too small"), success(2)};
}

ShardWriterOptions options_for(const TempDir& dir, const std::string& format) {
  return {.output_folder = dir.file("out"),
          .shard_id = kShardId,
          .oom_shard_count = 5,
          .output_format = format,
          .encode_format = "jpg",
          .save_caption = true,
          .extract_exif = true,
          .hash_name = "sha256"};
}

void write_shard(const ShardWriterOptions& options, const parquet::Table& rows,
                 const std::vector<SampleResult>& results, bool close = true) {
  ShardWriter writer(options, rows, kPerShard);
  for (const SampleResult& r : results) writer.write(r);
  if (close) writer.close(1700000000.25, 1700000012.5);
}

// Runs a Python program on `input` (its stdin) and returns its stdout.
std::string python(const TempDir& dir, const std::string& program, const std::string& input) {
  clipret::testing::write_file(dir.file("py/program.py"), program);
  clipret::testing::write_file(dir.file("py/input"), input);
  auto result = run_command("/usr/bin/python3 '" + dir.file("py/program.py") + "' < '" +
                            dir.file("py/input") + "'");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return result.out;
}

// What Python's json.dumps(record, indent=4) gives for each record ("__nan__" stands for NaN,
// which nlohmann cannot write).
std::vector<std::string> python_dumps(const TempDir& dir, const ordered_json& records) {
  const std::string out = python(dir, R"(
import json, sys
records = json.loads(sys.stdin.read())
nan = lambda d: {k: float("nan") if v == "__nan__" else v for k, v in d.items()}
print(json.dumps([json.dumps(nan(r), indent=4) for r in records]))
)",
                                 records.dump());
  return nlohmann::json::parse(out).get<std::vector<std::string>>();
}

// The sidecar img2dataset writes for success(row): input columns, then the download's fields,
// the hash last.
ordered_json expected_meta(const parquet::Table& rows, size_t row) {
  ordered_json m;
  const auto& score = rows.column("score");
  m["score"] = score.is_null(row) ? ordered_json() : ordered_json(score.int64_at(row));
  m["ratio"] = rows.column("ratio").double_at(row);
  m["caption"] = kCaptions[row] ? ordered_json(*kCaptions[row]) : ordered_json();
  m["url"] = std::string(rows.column("url").bytes_at(row));
  const SampleResult s = success(row);
  m["key"] = key(row);
  m["status"] = "success";
  m["error_message"] = nullptr;
  m["width"] = *s.width;
  m["height"] = *s.height;
  m["original_width"] = *s.original_width;
  m["original_height"] = *s.original_height;
  m["exif"] = *s.exif;
  m["sha256"] = *s.hash;
  return m;
}

std::set<std::string> listing(const std::string& folder) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) {
    names.insert(entry.path().filename().string());
  }
  return names;
}

// Checks the metadata parquet: one row per input row in key order, img2dataset's columns and
// types, and values.
void expect_metadata_parquet(const std::string& path, const std::vector<std::string>& columns) {
  const parquet::Table t = parquet::read_parquet_file(path);
  std::vector<std::string> names;
  for (const auto& c : t.schema()) names.push_back(c.name);
  ASSERT_EQ(names, columns);
  ASSERT_EQ(t.num_rows(), 5u);
  EXPECT_EQ(t.column("score").type(), parquet::int64_type());
  EXPECT_EQ(t.column("ratio").type(), parquet::double_type());
  for (const char* s : {"caption", "url", "key", "status", "error_message", "exif", "sha256"}) {
    EXPECT_EQ(t.column(s).type(), parquet::string_type()) << s;
  }
  for (const char* s : {"width", "height", "original_width", "original_height"}) {
    EXPECT_EQ(t.column(s).type(), parquet::int32_type()) << s;
  }
  const char* statuses[] = {"success", "failed_to_download", "success", "success",
                            "failed_to_resize"};
  for (size_t row = 0; row < 5; ++row) {
    EXPECT_EQ(t.column("key").bytes_at(row), key(row));
    EXPECT_EQ(t.column("url").bytes_at(row), "http://example.com/" + std::to_string(row) + ".jpg");
    EXPECT_EQ(t.column("status").bytes_at(row), statuses[row]);
    const bool ok = std::string(statuses[row]) == "success";
    EXPECT_EQ(t.column("error_message").is_null(row), ok);
    EXPECT_EQ(t.column("score").is_null(row), row == 2);
    for (const char* s :
         {"width", "height", "original_width", "original_height", "exif", "sha256"}) {
      EXPECT_EQ(t.column(s).is_null(row), !ok) << s << " row " << row;
    }
    if (ok) {
      EXPECT_EQ(t.column("height").int32_at(row), 200 + static_cast<int>(row));
      EXPECT_EQ(t.column("sha256").bytes_at(row), "hash" + std::to_string(row));
      EXPECT_EQ(t.column("exif").bytes_at(row), *success(row).exif);
    }
  }
  EXPECT_EQ(t.column("error_message").bytes_at(1), "HTTP Error 404: Not Found");
  EXPECT_EQ(t.column("error_message").bytes_at(4), "image too small");
}

const std::vector<std::string> kMetadataColumns = {
    "score",           "ratio",         "caption", "url",    "key",
    "status",          "error_message", "width",   "height", "original_width",
    "original_height", "exif",          "sha256"};

TEST(ShardWriter, FilesFormatWritesSidecarsAsPythonJsonDumps) {
  TempDir dir;
  const parquet::Table rows = input_rows();
  write_shard(options_for(dir, "files"), rows, outcomes());
  const std::string out = dir.file("out");
  EXPECT_EQ(listing(out), (std::set<std::string>{"00003", "00003.parquet", "00003_stats.json"}));
  std::set<std::string> expected_files;
  ordered_json records = ordered_json::array();
  for (size_t row : {0, 2, 3}) {
    for (const char* ext : {".jpg", ".txt", ".json"}) expected_files.insert(key(row) + ext);
    records.push_back(expected_meta(rows, row));
  }
  EXPECT_EQ(listing(out + "/00003"), expected_files);
  const std::vector<std::string> dumps = python_dumps(dir, records);
  size_t i = 0;
  for (size_t row : {0, 2, 3}) {
    const std::string base = out + "/00003/" + key(row);
    EXPECT_EQ(read_file(base + ".jpg"), image(row));
    EXPECT_EQ(read_file(base + ".txt"), kCaptions[row].value_or(""));
    EXPECT_EQ(read_file(base + ".json"), dumps[i++]) << "row " << row;
  }
  expect_metadata_parquet(out + "/00003.parquet", kMetadataColumns);
}

std::string hex(const std::string& bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    out += "0123456789abcdef"[c >> 4];
    out += "0123456789abcdef"[c & 15];
  }
  return out;
}

struct TarEntry {
  std::string name, data, uname, gname;
  unsigned mode = 0;
  int64_t mtime = 0;
};

std::vector<TarEntry> read_tar_with_libarchive(const std::string& path) {
  std::unique_ptr<archive, decltype(&archive_read_free)> a(archive_read_new(), archive_read_free);
  archive_read_support_format_tar(a.get());
  EXPECT_EQ(archive_read_open_filename(a.get(), path.c_str(), 10240), ARCHIVE_OK);
  std::vector<TarEntry> entries;
  archive_entry* entry = nullptr;
  while (archive_read_next_header(a.get(), &entry) == ARCHIVE_OK) {
    TarEntry e{archive_entry_pathname(entry), "",
               archive_entry_uname(entry),    archive_entry_gname(entry),
               archive_entry_perm(entry),     archive_entry_mtime(entry)};
    EXPECT_TRUE(S_ISREG(archive_entry_filetype(entry)));
    e.data.resize(static_cast<size_t>(archive_entry_size(entry)));
    EXPECT_EQ(archive_read_data(a.get(), e.data.data(), e.data.size()),
              static_cast<la_ssize_t>(e.data.size()));
    entries.push_back(std::move(e));
  }
  EXPECT_STREQ(archive_format_name(a.get()), "POSIX ustar format");
  return entries;
}

TEST(ShardWriter, WebdatasetTarReadsBackWithLibarchiveAndPythonTarfile) {
  TempDir dir;
  const parquet::Table rows = input_rows();
  const auto before = static_cast<int64_t>(std::time(nullptr));
  write_shard(options_for(dir, "webdataset"), rows, outcomes());
  const std::string out = dir.file("out");
  EXPECT_EQ(listing(out),
            (std::set<std::string>{"00003.tar", "00003.parquet", "00003_stats.json"}));
  const std::string tar = out + "/00003.tar";
  EXPECT_EQ(fs::file_size(tar) % 10240, 0u);

  ordered_json records = ordered_json::array();
  for (size_t row : {3, 0, 2}) records.push_back(expected_meta(rows, row));
  const std::vector<std::string> dumps = python_dumps(dir, records);
  std::vector<std::string> names, contents;
  size_t i = 0;
  for (size_t row : {3, 0, 2}) {  // completion order; members by extension
    names.insert(names.end(), {key(row) + ".jpg", key(row) + ".json", key(row) + ".txt"});
    contents.insert(contents.end(), {image(row), dumps[i++], kCaptions[row].value_or("")});
  }
  const std::vector<TarEntry> entries = read_tar_with_libarchive(tar);
  ASSERT_EQ(entries.size(), names.size());
  for (size_t k = 0; k < entries.size(); ++k) {
    EXPECT_EQ(entries[k].name, names[k]);
    EXPECT_EQ(entries[k].data, contents[k]) << names[k];
    EXPECT_EQ(entries[k].mode, 0444u);
    EXPECT_EQ(entries[k].uname, "bigdata");
    EXPECT_EQ(entries[k].gname, "bigdata");
    EXPECT_GE(entries[k].mtime, before);
    EXPECT_LE(entries[k].mtime, static_cast<int64_t>(std::time(nullptr)));
  }

  const std::string listed = python(dir, R"(
import json, sys, tarfile
with tarfile.open(sys.stdin.read(), "r:") as t:
    print(json.dumps([[m.name, m.mode, m.uname, m.gname, m.uid, m.gid, m.isfile(),
                       t.extractfile(m).read().hex()] for m in t]))
)",
                                    tar);
  const auto members = nlohmann::json::parse(listed);
  ASSERT_EQ(members.size(), names.size());
  for (size_t k = 0; k < names.size(); ++k) {
    EXPECT_EQ(members[k][0], names[k]);
    EXPECT_EQ(members[k][1], 0444);
    EXPECT_EQ(members[k][2], "bigdata");
    EXPECT_EQ(members[k][3], "bigdata");
    EXPECT_EQ(members[k][4], 0);
    EXPECT_EQ(members[k][5], 0);
    EXPECT_EQ(members[k][6], true);
    EXPECT_EQ(members[k][7], hex(contents[k])) << names[k];
  }
  expect_metadata_parquet(out + "/00003.parquet", kMetadataColumns);
}

TEST(ShardWriter, TarMembersSortByExtensionForPngAndWebp) {
  for (const std::string format : {"png", "webp"}) {
    TempDir dir;
    ShardWriterOptions options = options_for(dir, "webdataset");
    options.encode_format = format;
    write_shard(options, input_rows(), {success(0)});
    std::vector<std::string> names;
    for (const TarEntry& e : read_tar_with_libarchive(dir.file("out/00003.tar"))) {
      names.push_back(e.name);
    }
    const std::vector<std::string> expected =
        format == "png" ? std::vector<std::string>{"000030.json", "000030.png", "000030.txt"}
                        : std::vector<std::string>{"000030.json", "000030.txt", "000030.webp"};
    EXPECT_EQ(names, expected);
  }
}

TEST(ShardWriter, ParquetFormatHoldsImagesInKeyOrder) {
  TempDir dir;
  write_shard(options_for(dir, "parquet"), input_rows(), outcomes());
  const std::string out = dir.file("out");
  EXPECT_EQ(listing(out), (std::set<std::string>{"00003.parquet", "00003_stats.json"}));
  std::vector<std::string> columns = kMetadataColumns;
  columns.push_back("jpg");
  expect_metadata_parquet(out + "/00003.parquet", columns);
  const parquet::Table t = parquet::read_parquet_file(out + "/00003.parquet");
  const parquet::Column& jpg = t.column("jpg");
  EXPECT_EQ(jpg.type(), parquet::binary_type());
  for (size_t row = 0; row < 5; ++row) {
    const bool ok = row == 0 || row == 2 || row == 3;
    EXPECT_EQ(jpg.is_null(row), !ok);
    if (ok) {
      EXPECT_EQ(jpg.bytes_at(row), image(row));
    }
  }
}

TEST(ShardWriter, DummyWritesOnlyStats) {
  TempDir dir;
  write_shard(options_for(dir, "dummy"), input_rows(), outcomes());
  EXPECT_EQ(listing(dir.file("out")), (std::set<std::string>{"00003_stats.json"}));
}

TEST(ShardWriter, StatsCountEveryRowAsPythonWritesThem) {
  TempDir dir;
  std::vector<SampleResult> results = outcomes();
  results.pop_back();  // row 2 is never written
  {
    ShardWriter writer(options_for(dir, "webdataset"), input_rows(), kPerShard);
    for (const SampleResult& r : results) writer.write(r);
    EXPECT_EQ(writer.successes(), 2);
    EXPECT_EQ(writer.failures(), 2);
    writer.close(1700000000.25, 1700000012.5);
  }
  const std::string text = read_file(dir.file("out/00003_stats.json"));
  const std::string roundtrip = python(dir, R"(
import json, sys
print(json.dumps(json.loads(sys.stdin.read()), indent=4), end="")
)",
                                       text);
  EXPECT_EQ(text, roundtrip);
  const auto stats = ordered_json::parse(text);
  const ordered_json expected = {{"count", 5},
                                 {"successes", 2},
                                 {"failed_to_download", 2},
                                 {"failed_to_resize", 1},
                                 {"duration", 12.25},
                                 {"start_time", 1700000000.25},
                                 {"end_time", 1700000012.5},
                                 {"status_dict",
                                  {{"success", 2},
                                   {"HTTP Error 404: Not Found", 1},
                                   {"image too small", 1},
                                   {"not downloaded", 1}}}};
  EXPECT_EQ(stats, expected) << text;
  const parquet::Table t = parquet::read_parquet_file(dir.file("out/00003.parquet"));
  EXPECT_EQ(t.column("status").bytes_at(2), "failed_to_download");
  EXPECT_EQ(t.column("error_message").bytes_at(2), "not downloaded");
}

TEST(ShardWriter, VerifyHashColumnKeepsItsParquetPlaceAndGoesLastInJson) {
  TempDir dir;
  const parquet::Table rows = input_rows(/*with_hash_column=*/true);
  write_shard(options_for(dir, "files"), rows, outcomes());
  const parquet::Table t = parquet::read_parquet_file(dir.file("out/00003.parquet"));
  std::vector<std::string> names;
  for (const auto& c : t.schema()) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"score", "ratio", "caption", "sha256", "url", "key",
                                             "status", "error_message", "width", "height",
                                             "original_width", "original_height", "exif"}));
  EXPECT_EQ(t.column("sha256").bytes_at(0), "hash0");  // the computed hash, not the input's
  EXPECT_TRUE(t.column("sha256").is_null(1));
  const std::vector<std::string> dumps =
      python_dumps(dir, ordered_json::array({expected_meta(rows, 0)}));
  EXPECT_EQ(read_file(dir.file("out/00003/000030.json")), dumps[0]);
}

TEST(ShardWriter, JsonSidecarWritesNanAndTypedInputCells) {
  TempDir dir;
  parquet::Table rows;
  rows.add_column({"flag", parquet::bool_type(), true}).append_bool(true);
  rows.add_column({"f32", parquet::float_type(), true}).append_float(0.1f);
  rows.add_column({"nan", parquet::double_type(), true}).append_double(std::nan(""));
  rows.add_column({"u64", parquet::uint64_type(), true}).append_int64(-1);
  rows.add_column({"url", parquet::string_type(), true}).append_null();
  ShardWriterOptions options = options_for(dir, "files");
  options.save_caption = false;
  options.extract_exif = false;
  options.hash_name.reset();
  SampleResult s = success(0);
  s.width = s.height = s.original_width = s.original_height = std::nullopt;
  write_shard(options, rows, {s});
  ordered_json m = {{"flag", true},
                    {"f32", static_cast<double>(0.1f)},
                    {"nan", "__nan__"},
                    {"u64", 18446744073709551615ULL},
                    {"url", nullptr},
                    {"key", "000030"},
                    {"status", "success"},
                    {"error_message", nullptr},
                    {"width", nullptr},
                    {"height", nullptr},
                    {"original_width", nullptr},
                    {"original_height", nullptr}};
  EXPECT_EQ(read_file(dir.file("out/00003/000030.json")),
            python_dumps(dir, ordered_json::array({m}))[0]);
  EXPECT_EQ(listing(dir.file("out/00003")), (std::set<std::string>{"000030.jpg", "000030.json"}));
}

TEST(ShardWriter, WithoutCloseLeavesNoShardOutputs) {
  for (const std::string format : {"webdataset", "parquet", "files", "dummy"}) {
    TempDir dir;
    write_shard(options_for(dir, format), input_rows(), outcomes(), /*close=*/false);
    std::set<std::string> left = listing(dir.file("out"));
    if (format == "files") {
      // Samples already written stay; without a stats file the shard is redone.
      EXPECT_EQ(left, std::set<std::string>{"00003"});
    } else {
      EXPECT_TRUE(left.empty()) << format << ": " << *left.begin();
    }
  }
}

TEST(ShardWriter, RefusesBadWrites) {
  TempDir dir;
  ShardWriter writer(options_for(dir, "dummy"), input_rows(), kPerShard);
  writer.write(success(0));
  EXPECT_THROW(writer.write(success(0)), Error);
  EXPECT_THROW(writer.write(success(5)), Error);
  SampleResult odd = success(1);
  odd.status = "maybe";
  EXPECT_THROW(writer.write(odd), Error);
  ShardWriterOptions options = options_for(dir, "files");
  parquet::Table no_caption;
  no_caption.add_column({"url", parquet::string_type(), true}).append_bytes("u");
  EXPECT_THROW(ShardWriter(options, no_caption, kPerShard), Error);
}

TEST(TarWriter, BytesEqualPythonTarfileUstar) {
  // The same members through Python's tarfile (USTAR, as webdataset's TarWriter sets them up).
  TempDir dir;
  const std::string ours = dir.file("ours.tar");
  {
    TarWriter tar(ours);
    const TarMemberOptions member{.mode = 0444, .user = "bigdata", .mtime = 1700000123};
    tar.add("000030.jpg", std::string(1000, 'x'), member);
    tar.add("000030.json", "{}", member);
    tar.add("000030.txt", "", member);
    tar.add("000031.jpg", std::string(512, '\0'), member);
    tar.close();
  }
  const std::string theirs = dir.file("theirs.tar");
  python(dir, R"(
import io, sys, tarfile
with tarfile.open(sys.stdin.read(), "w", format=tarfile.USTAR_FORMAT) as t:
    for name, data in [("000030.jpg", b"x" * 1000), ("000030.json", b"{}"),
                       ("000030.txt", b""), ("000031.jpg", bytes(512))]:
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = len(data), 0o444, 1700000123
        info.uname = info.gname = "bigdata"
        t.addfile(info, io.BytesIO(data))
)",
         theirs);
  const std::string a = read_file(ours), b = read_file(theirs);
  ASSERT_EQ(a.size(), b.size());
  EXPECT_TRUE(a == b) << "first difference at byte "
                      << std::mismatch(a.begin(), a.end(), b.begin()).first - a.begin();
}

TEST(StatusCounter, KeepsTheMostFrequentHalfAsImg2datasetsCappedCounter) {
  // img2dataset's CappedCounter (max_size 4), run by Python on the same messages.
  const std::vector<std::string> messages = {"a", "b", "b", "c", "d", "d", "d",
                                             "e", "c", "f", "a", "g", "g"};
  TempDir dir;
  nlohmann::json input = messages;
  const std::string out = python(dir, R"(
import json, sys
from collections import Counter
counter = Counter()
for key in json.loads(sys.stdin.read()):
    if len(counter) >= 4:
        counter = Counter(dict(counter.most_common(2)))
    counter[key] += 1
print(json.dumps(list(counter.items())))
)",
                                 input.dump());
  StatusCounter counter(4);
  for (const std::string& m : messages) counter.increment(m);
  nlohmann::json ours = nlohmann::json::array();
  for (const auto& [message, count] : counter.entries()) ours.push_back({message, count});
  EXPECT_EQ(ours, nlohmann::json::parse(out));
}

}  // namespace
}  // namespace clipret::download
