#include "download/url_list_reader.h"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "parquet/parquet_writer.h"
#include "test_util.h"

namespace clipret::download {
namespace {

using clipret::testing::TempDir;
using clipret::testing::write_file;
using nlohmann::json;
using Strings = std::vector<std::optional<std::string>>;

// Debian's interpreter: its csv, json and gzip modules write the inputs independently of us.
constexpr char kPython[] = "/usr/bin/python3";

// Runs `script` with the folder as sys.argv[1].
void run_python(const TempDir& dir, const std::string& script) {
  const std::string path = dir.file("make_input.py");
  write_file(path, "import csv, gzip, json, os, sys\nd = sys.argv[1]\n" + script);
  const auto result = clipret::testing::run_command(std::string(kPython) + " '" + path + "' '" +
                                                    dir.file("") + "'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
}

UrlListOptions input(const std::string& path, const std::string& format = "txt",
                     int64_t per_shard = 10000) {
  UrlListOptions options;
  options.url_list = {path};
  options.input_format = format;
  options.number_sample_per_shard = per_shard;
  return options;
}

std::vector<InputShard> read_shards(UrlListOptions options,
                                    const std::function<bool(int64_t)>& skip = {}) {
  UrlListReader reader(std::move(options));
  std::vector<InputShard> shards;
  while (auto shard = reader.next(skip)) shards.push_back(std::move(*shard));
  return shards;
}

Strings strings(const parquet::Column& column) {
  Strings values;
  for (size_t i = 0; i < column.size(); ++i) {
    if (column.is_null(i)) {
      values.push_back(std::nullopt);
    } else {
      values.emplace_back(column.bytes_at(i));
    }
  }
  return values;
}

// Every shard's column `name`, concatenated.
Strings all_strings(const std::vector<InputShard>& shards, const std::string& name) {
  Strings values;
  for (const InputShard& shard : shards) {
    for (auto& value : strings(shard.rows.column(name))) values.push_back(std::move(value));
  }
  return values;
}

std::vector<std::string> column_names(const parquet::Table& table) {
  std::vector<std::string> names;
  for (const auto& column : table.columns()) names.push_back(column.name());
  return names;
}

// The error `f` throws, checked for kind and for each substring of its message.
void expect_error(const std::function<void()>& f, ErrorKind kind,
                  const std::vector<std::string>& parts) {
  try {
    f();
    ADD_FAILURE() << "no error thrown";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    for (const std::string& part : parts) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos)
          << "'" << part << "' not in: " << e.what();
    }
  }
}

TEST(UrlListReaderTest, TxtLinesAreUrlsVerbatimAndEmptyLinesSkipped) {
  TempDir dir;
  // CRLF, a lone CR, blank lines, a comma and a quote inside urls, a BOM at the start.
  run_python(dir, R"(
data = b'\xef\xbb\xbfhttp://a/1\r\nhttp://a/2,w_100\n\n\nhttp://a/"3"\rhttp://a/4\n\r\nhttp://a/5'
open(os.path.join(d, 'urls.txt'), 'wb').write(data)
with gzip.open(os.path.join(d, 'urls.txt.gz'), 'wb') as f: f.write(data)
)");
  const Strings expected = {"http://a/1", "http://a/2,w_100", "http://a/\"3\"", "http://a/4",
                            "http://a/5"};
  for (const std::string format : {"txt", "txt.gz"}) {
    SCOPED_TRACE(format);
    UrlListOptions options = input(dir.file("urls." + format), format, 2);
    options.caption_col = "ignored";
    const auto shards = read_shards(options);
    ASSERT_EQ(shards.size(), 3u);
    EXPECT_EQ(shards[2].rows.num_rows(), 1u);
    EXPECT_EQ(column_names(shards[0].rows), std::vector<std::string>{"url"});
    EXPECT_EQ(shards[0].rows.column(0).type(), parquet::string_type());
    EXPECT_EQ(all_strings(shards, "url"), expected);
    for (size_t i = 0; i < shards.size(); ++i) {
      EXPECT_EQ(shards[i].shard_id, static_cast<int64_t>(i));
      EXPECT_EQ(shards[i].source, dir.file("urls." + format));
    }
  }
}

TEST(UrlListReaderTest, CsvQuotingAsPythonsCsvWriterProducesIt) {
  TempDir dir;
  run_python(dir, R"(
rows = [
  ['http://x/1', 'plain caption', 'e1', 'unused'],
  ['http://x/2', 'with, comma', '', 'u'],
  ['http://x/3', 'say "hi"', 'e,3', 'u'],
  ['http://x/4', 'two\nlines\r\nand crlf', 'e4', 'u'],
  ['http://x/5', '', '"', 'u'],
  ['http://x/6', 'caf\u00e9 \u6f22\u5b57', 'e6', 'u'],
]
for name, opener, delim, term in [('a.csv', open, ',', '\r\n'), ('a.csv.gz', gzip.open, ',', '\n'),
                                  ('a.tsv', open, '\t', '\n'), ('a.tsv.gz', gzip.open, '\t', '\r\n')]:
  with opener(os.path.join(d, name), 'wt', newline='', encoding='utf-8') as f:
    w = csv.writer(f, delimiter=delim, lineterminator=term)
    w.writerow(['URL', 'text', 'extra', 'other'])
    w.writerows(rows)
json.dump(rows, open(os.path.join(d, 'expected.json'), 'w'))
)");
  const json rows = json::parse(clipret::testing::read_file(dir.file("expected.json")));
  Strings urls, captions, extras;
  for (const json& row : rows) {
    urls.push_back(row[0].get<std::string>());
    captions.push_back(row[1].get<std::string>());
    extras.push_back(row[2].get<std::string>());
  }
  for (const std::string format : {"csv", "csv.gz", "tsv", "tsv.gz"}) {
    SCOPED_TRACE(format);
    UrlListOptions options = input(dir.file("a." + format), format, 4);
    options.url_col = "URL";
    options.caption_col = "text";
    options.save_additional_columns = {"extra"};
    const auto shards = read_shards(options);
    ASSERT_EQ(shards.size(), 2u);
    EXPECT_EQ(column_names(shards[1].rows), (std::vector<std::string>{"extra", "caption", "url"}));
    EXPECT_EQ(all_strings(shards, "url"), urls);
    // An empty field is an empty string, not null (pyarrow's strings_can_be_null=False).
    EXPECT_EQ(all_strings(shards, "caption"), captions);
    EXPECT_EQ(all_strings(shards, "extra"), extras);
  }
}

TEST(UrlListReaderTest, VerifyHashColumnIsRenamedToItsType) {
  TempDir dir;
  write_file(dir.file("a.csv"), "h,url\nabc,http://x/1\n");
  UrlListOptions options = input(dir.file("a.csv"), "csv");
  options.verify_hash_col = "h";
  options.verify_hash_type = "sha256";
  const auto shards = read_shards(options);
  ASSERT_EQ(shards.size(), 1u);
  EXPECT_EQ(column_names(shards[0].rows), (std::vector<std::string>{"sha256", "url"}));
  EXPECT_EQ(strings(shards[0].rows.column("sha256")), Strings{"abc"});
}

TEST(UrlListReaderTest, CsvErrorsNameFileLineAndColumns) {
  TempDir dir;
  const std::string unterminated = dir.file("unterminated.csv");
  write_file(unterminated, "url,caption\nhttp://x/1,ok\nhttp://x/2,\"never\nclosed\n");
  expect_error([&] { read_shards(input(unterminated, "csv")); }, ErrorKind::kInvalidInput,
               {unterminated, "line 3", "unterminated"});

  const std::string ragged = dir.file("ragged.csv");
  write_file(ragged, "url,caption\nhttp://x/1,ok\n\"a\nb\",c\nhttp://x/3\n");
  expect_error([&] { read_shards(input(ragged, "csv")); }, ErrorKind::kInvalidInput,
               {ragged, "line 5", "expected 2 fields", "got 1"});

  const std::string columns = dir.file("columns.csv");
  write_file(columns, "link,caption\nhttp://x/1,ok\n");
  expect_error([&] { read_shards(input(columns, "csv")); }, ErrorKind::kInvalidInput,
               {columns, "'url'", "'link', 'caption'"});
  expect_error(
      [&] {
        UrlListOptions options = input(columns, "csv");
        options.url_col = "link";
        options.caption_col = "text";
        read_shards(options);
      },
      ErrorKind::kInvalidInput, {columns, "'text'"});

  const std::string empty = dir.file("empty.csv");
  write_file(empty, "");
  expect_error([&] { read_shards(input(empty, "csv")); }, ErrorKind::kInvalidInput,
               {empty, "header"});

  const std::string bad_utf8 = dir.file("bad_utf8.csv");
  write_file(bad_utf8, "url\nhttp://x/1\nhttp://x/\xff\n");
  expect_error([&] { read_shards(input(bad_utf8, "csv")); }, ErrorKind::kInvalidInput,
               {bad_utf8, "line 3", "UTF-8"});
}

TEST(UrlListReaderTest, JsonColumnsAndRecordsLayouts) {
  TempDir dir;
  run_python(dir, R"(
cols = {'url': {'0': 'http://j/0', '1': 'http://j/1', '2': 'http://j/2'},
        'caption': {'0': 'zero', '1': None, '2': 'two'},
        'score': {'0': 1, '1': 2.5, '2': True}}
json.dump(cols, open(os.path.join(d, 'cols.json'), 'w'), indent=1)
with gzip.open(os.path.join(d, 'cols.json.gz'), 'wt') as f: json.dump(cols, f)
records = [{'url': 'http://j/0', 'caption': 'zero', 'score': 1},
           {'url': 'http://j/1', 'caption': None, 'score': 2.5},
           {'url': 'http://j/2', 'score': True, 'caption': 'two'}]
json.dump(records, open(os.path.join(d, 'records.json'), 'w'))
with gzip.open(os.path.join(d, 'a.jsonl.gz'), 'wt') as f:
  for r in records: f.write(json.dumps(r) + '\n')
with open(os.path.join(d, 'a.jsonl'), 'w') as f:
  for r in records: f.write(json.dumps(r) + '\n\n')
)");
  const Strings urls = {"http://j/0", "http://j/1", "http://j/2"};
  const Strings captions = {"zero", std::nullopt, "two"};
  const Strings scores = {"1", "2.5", "true"};  // non-strings as their JSON text
  const std::pair<std::string, std::string> inputs[] = {{"cols.json", "json"},
                                                        {"cols.json.gz", "json.gz"},
                                                        {"records.json", "json"},
                                                        {"a.jsonl", "jsonl"},
                                                        {"a.jsonl.gz", "jsonl.gz"}};
  for (const auto& [file, format] : inputs) {
    SCOPED_TRACE(file);
    UrlListOptions options = input(dir.file(file), format, 2);
    options.caption_col = "caption";
    options.save_additional_columns = {"score"};
    const auto shards = read_shards(options);
    ASSERT_EQ(shards.size(), 2u);
    EXPECT_EQ(column_names(shards[0].rows), (std::vector<std::string>{"score", "caption", "url"}));
    EXPECT_EQ(all_strings(shards, "url"), urls);
    EXPECT_EQ(all_strings(shards, "caption"), captions);
    EXPECT_EQ(all_strings(shards, "score"), scores);
  }
}

TEST(UrlListReaderTest, JsonErrorsNameFileAndLine) {
  TempDir dir;
  const std::string broken = dir.file("broken.json");
  write_file(broken, "{\"url\": {\n\"0\": \"http://x\",\n\"1\": oops\n}}");
  expect_error([&] { read_shards(input(broken, "json")); }, ErrorKind::kInvalidInput,
               {broken, "line 3", "invalid JSON"});

  const std::string missing = dir.file("missing.json");
  write_file(missing, R"({"link": {"0": "http://x"}})");
  expect_error([&] { read_shards(input(missing, "json")); }, ErrorKind::kInvalidInput,
               {missing, "'url'", "'link'"});

  const std::string scalar = dir.file("scalar.json");
  write_file(scalar, "42");
  expect_error([&] { read_shards(input(scalar, "json")); }, ErrorKind::kInvalidInput, {scalar});

  const std::string lines = dir.file("broken.jsonl");
  write_file(lines, "{\"url\": \"http://x/1\"}\n\n{\"url\": \"http://x/2\"\n");
  expect_error([&] { read_shards(input(lines, "jsonl")); }, ErrorKind::kInvalidInput,
               {lines, "line 3", "invalid JSON"});

  // A number past double's range is a parse error too (nlohmann throws out_of_range for it).
  const std::string huge = dir.file("huge.jsonl");
  write_file(huge, "{\"url\": \"http://x/1\"}\n{\"url\": 5E545}\n");
  expect_error([&] { read_shards(input(huge, "jsonl")); }, ErrorKind::kInvalidInput,
               {huge, "line 2", "invalid JSON"});
  const std::string huge_document = dir.file("huge.json");
  write_file(huge_document, R"([{"url": "http://x/1", "n": -1E999}])");
  expect_error([&] { read_shards(input(huge_document, "json")); }, ErrorKind::kInvalidInput,
               {huge_document, "invalid JSON"});

  const std::string no_url = dir.file("no_url.jsonl");
  write_file(no_url, "{\"link\": \"http://x/1\"}\n{\"link\": \"http://x/2\"}\n");
  expect_error([&] { read_shards(input(no_url, "jsonl")); }, ErrorKind::kInvalidInput,
               {no_url, "'url'", "'link'"});
}

TEST(UrlListReaderTest, FolderListsMatchingFilesSorted) {
  TempDir dir;
  for (const char* name : {"b.csv", "a.csv", "c.csv.gz", ".hidden.csv", "d.tsv", "notcsv"}) {
    write_file(dir.file(std::string("in/") + name), "url\nhttp://x\n");
  }
  std::filesystem::create_directories(dir.file("in/sub.csv"));
  UrlListReader csv(input(dir.file("in"), "csv"));
  EXPECT_EQ(csv.files(), (std::vector<std::string>{dir.file("in/a.csv"), dir.file("in/b.csv")}));
  UrlListReader gz(input(dir.file("in"), "csv.gz"));
  EXPECT_EQ(gz.files(), std::vector<std::string>{dir.file("in/c.csv.gz")});
  expect_error([&] { UrlListReader(input(dir.file("in"), "jsonl")); }, ErrorKind::kNotFound,
               {dir.file("in"), "*.jsonl"});
}

TEST(UrlListReaderTest, BracePatternsAndMissingInputs) {
  TempDir dir;
  for (int i = 0; i < 3; ++i) {
    write_file(dir.file("part" + std::to_string(i) + ".txt"), "http://p/" + std::to_string(i));
  }
  UrlListReader reader(input(dir.file("part{0..2}.txt")));
  EXPECT_EQ(reader.files(), (std::vector<std::string>{dir.file("part0.txt"), dir.file("part1.txt"),
                                                      dir.file("part2.txt")}));
  expect_error([&] { UrlListReader(input(dir.file("part{0..3}.txt"))); }, ErrorKind::kNotFound,
               {dir.file("part3.txt")});
  expect_error([&] { UrlListReader(input(dir.file("part0.txt"), "xml")); },
               ErrorKind::kInvalidInput, {"xml"});
  expect_error([&] { UrlListReader(input(dir.file("part0.txt"), "parquet.gz")); },
               ErrorKind::kInvalidInput, {"parquet.gz"});
}

// Writes `n` urls "http://<tag>/<i>" one a line.
std::string url_lines(const std::string& tag, int n) {
  std::string text;
  for (int i = 0; i < n; ++i) text += "http://" + tag + "/" + std::to_string(i) + "\n";
  return text;
}

TEST(UrlListReaderTest, ShardIdsContinueAcrossFilesWithShortLastShards) {
  TempDir dir;
  write_file(dir.file("in/1.txt"), url_lines("one", 5));
  write_file(dir.file("in/2.txt"), "");  // no rows: no shard, no id used
  write_file(dir.file("in/3.txt"), url_lines("three", 3));
  UrlListOptions options = input(dir.file("in"), "txt", 2);
  options.first_shard_id = 10;
  const auto shards = read_shards(options);
  ASSERT_EQ(shards.size(), 5u);
  const int64_t ids[] = {10, 11, 12, 13, 14};
  const size_t sizes[] = {2, 2, 1, 2, 1};
  for (size_t i = 0; i < shards.size(); ++i) {
    EXPECT_EQ(shards[i].shard_id, ids[i]);
    EXPECT_EQ(shards[i].rows.num_rows(), sizes[i]);
    EXPECT_EQ(shards[i].source, dir.file(i < 3 ? "in/1.txt" : "in/3.txt"));
  }
  EXPECT_EQ(strings(shards[3].rows.column("url")), (Strings{"http://three/0", "http://three/1"}));

  // Skipped shards are asked about once each, in order, and their rows are not returned.
  std::vector<int64_t> asked;
  const auto kept = read_shards(options, [&](int64_t id) {
    asked.push_back(id);
    return id % 2 == 1;
  });
  EXPECT_EQ(asked, (std::vector<int64_t>{10, 11, 12, 13, 14}));
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(kept[1].shard_id, 12);
  EXPECT_EQ(strings(kept[1].rows.column("url")), Strings{"http://one/4"});
  EXPECT_EQ(kept[2].shard_id, 14);
  EXPECT_EQ(strings(kept[2].rows.column("url")), Strings{"http://three/2"});
}

TEST(UrlListReaderTest, LargeGzipTxtIsReadShardByShard) {
  TempDir dir;
  constexpr int kRows = 200000;
  run_python(dir, R"(
with gzip.open(os.path.join(d, 'big.txt.gz'), 'wt') as f:
  for i in range(200000): f.write('http://big/%d\n' % i)
)");
  UrlListReader reader(input(dir.file("big.txt.gz"), "txt.gz", 30000));
  int64_t rows = 0;
  int64_t expected_id = 0;
  while (auto shard = reader.next()) {
    EXPECT_EQ(shard->shard_id, expected_id++);
    const size_t n = shard->rows.num_rows();
    EXPECT_EQ(n, static_cast<size_t>(std::min<int64_t>(30000, kRows - rows)));
    const auto& urls = shard->rows.column("url");
    EXPECT_EQ(urls.bytes_at(0), "http://big/" + std::to_string(rows));
    EXPECT_EQ(urls.bytes_at(n - 1), "http://big/" + std::to_string(rows + n - 1));
    rows += static_cast<int64_t>(n);
  }
  EXPECT_EQ(rows, kRows);
  EXPECT_EQ(expected_id, 7);
}

TEST(UrlListReaderTest, DamagedGzipIsCorrupt) {
  TempDir dir;
  run_python(dir, R"(
data = gzip.compress(b''.join(b'http://z/%d\n' % i for i in range(5000)))
open(os.path.join(d, 'cut.txt.gz'), 'wb').write(data[:len(data) // 2])
open(os.path.join(d, 'junk.txt.gz'), 'wb').write(b'not gzip at all')
)");
  for (const char* name : {"cut.txt.gz", "junk.txt.gz"}) {
    expect_error([&] { read_shards(input(dir.file(name), "txt.gz")); }, ErrorKind::kCorrupt,
                 {dir.file(name)});
  }
}

std::vector<json> fixture_rows() {
  std::ifstream in(clipret::testing::fixture_path("parquet/expected.jsonl"));
  std::vector<json> rows;
  std::string line;
  while (std::getline(in, line)) rows.push_back(json::parse(line));
  return rows;
}

TEST(UrlListReaderTest, ParquetKeepsTypesAndCutsAcrossRowGroups) {
  const std::vector<json> expected = fixture_rows();
  ASSERT_EQ(expected.size(), 3000u);
  UrlListOptions options = input(
      clipret::testing::fixture_path("parquet/many_rowgroups_small_pages.parquet"), "parquet", 700);
  options.caption_col = "caption";
  options.save_additional_columns = {"similarity", "ok"};
  for (bool skipping : {false, true}) {
    SCOPED_TRACE(skipping ? "skipping odd shards" : "all shards");
    const auto shards = read_shards(options, [&](int64_t id) { return skipping && id % 2 == 1; });
    ASSERT_EQ(shards.size(), skipping ? 3u : 5u);
    for (const InputShard& shard : shards) {
      const auto& rows = shard.rows;
      EXPECT_EQ(column_names(rows),
                (std::vector<std::string>{"similarity", "ok", "caption", "url"}));
      EXPECT_EQ(rows.column("similarity").physical(), parquet::PhysicalType::kDouble);
      EXPECT_EQ(rows.column("ok").physical(), parquet::PhysicalType::kBoolean);
      EXPECT_EQ(rows.num_rows(), shard.shard_id == 4 ? 200u : 700u);
      for (size_t i = 0; i < rows.num_rows(); ++i) {
        const json& row = expected[static_cast<size_t>(shard.shard_id) * 700 + i];
        ASSERT_EQ(rows.column("url").bytes_at(i), row["url"].get<std::string>());
        if (row["caption"].is_null()) {
          EXPECT_TRUE(rows.column("caption").is_null(i));
        } else {
          EXPECT_EQ(rows.column("caption").bytes_at(i), row["caption"].get<std::string>());
        }
        if (!row["similarity"].is_null()) {
          EXPECT_EQ(rows.column("similarity").double_at(i), row["similarity"].get<double>());
        }
        if (!row["ok"].is_null()) {
          EXPECT_EQ(rows.column("ok").bool_at(i), row["ok"].get<bool>());
        }
      }
    }
  }
}

TEST(UrlListReaderTest, ParquetFixturesFolderAndMissingColumn) {
  const std::string folder = clipret::testing::fixture_path("parquet");
  UrlListReader reader(input(folder, "parquet", 1000));
  ASSERT_EQ(reader.files().size(), 7u);
  EXPECT_EQ(reader.files()[0], folder + "/default_snappy.parquet");
  int64_t shards = 0;
  while (auto shard = reader.next()) {
    EXPECT_EQ(shard->shard_id, shards++);
    EXPECT_EQ(shard->rows.num_rows(), 1000u);
  }
  EXPECT_EQ(shards, 21);  // 7 files of 3000 rows

  const std::string file = folder + "/zstd.parquet";
  expect_error(
      [&] {
        UrlListOptions options = input(file, "parquet");
        options.caption_col = "text";
        read_shards(options);
      },
      ErrorKind::kInvalidInput, {file, "'text'", "'url'", "'caption'"});
}

// Garbage, and valid inputs with bytes flipped, end in a clipret::Error or in rows, never a crash.
TEST(UrlListReaderTest, HostileBytesGiveErrorsNotCrashes) {
  TempDir dir;
  std::mt19937 random(1234);
  const std::string seeds[] = {
      "url,caption\n\"http://a\",\"b\"\"c\"\nhttp://d,e\n",
      "{\"url\": {\"0\": \"http://a\", \"1\": null}, \"caption\": {\"0\": 1}}",
      "{\"url\": \"http://a\", \"caption\": [1, {\"x\": 2}]}\n{\"url\": null}\n",
      clipret::testing::read_file(clipret::testing::fixture_path("parquet/gzip.parquet")),
  };
  const char* const formats[] = {"csv", "json", "jsonl", "parquet"};
  int errors = 0;
  for (int round = 0; round < 40; ++round) {
    for (size_t f = 0; f < std::size(formats); ++f) {
      std::string bytes = seeds[f];
      for (int flips = 0; flips < 1 + round % 5; ++flips) {
        bytes[random() % bytes.size()] = static_cast<char>(random());
      }
      if (round % 7 == 0) bytes.resize(random() % bytes.size());
      const std::string path = dir.file("input." + std::string(formats[f]));
      write_file(path, bytes);
      UrlListOptions options = input(path, formats[f], 2);
      options.caption_col = "caption";
      try {
        read_shards(options);
      } catch (const Error& e) {
        ++errors;
        EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
      }
    }
  }
  EXPECT_GT(errors, 0);
}

}  // namespace
}  // namespace clipret::download

namespace clipret::download {
namespace {

// The progress bar's total: parquet inputs count their rows from the footers; skipped shards'
// rows are reported so the total can leave them out; text inputs have no cheap count.
TEST(UrlListReaderTotals, ParquetRowsAndSkippedRows) {
  TempDir dir;
  parquet::Table table;
  table.add_column({"url", parquet::string_type(), true});
  for (int i = 0; i < 25; ++i) table.column(0).append_bytes("http://x/" + std::to_string(i));
  parquet::write_parquet_file(dir.file("a.parquet"), table);
  parquet::write_parquet_file(dir.file("b.parquet"), table);
  UrlListOptions o;
  o.url_list = {dir.file("a.parquet"), dir.file("b.parquet")};
  o.input_format = "parquet";
  o.number_sample_per_shard = 10;
  UrlListReader reader(o);
  EXPECT_EQ(reader.total_rows(), 50);
  // Shards 0, 1, 2 (of 10, 10, 5 rows) from a.parquet: skip 0 and 2.
  const auto skip = [](int64_t id) { return id == 0 || id == 2; };
  auto shard = reader.next(skip);
  ASSERT_TRUE(shard);
  EXPECT_EQ(shard->shard_id, 1);
  EXPECT_EQ(reader.skipped_rows(), 10);
  shard = reader.next(skip);
  ASSERT_TRUE(shard);
  EXPECT_EQ(shard->shard_id, 3);  // b.parquet's first
  EXPECT_EQ(reader.skipped_rows(), 15);

  write_file(dir.file("u.txt"), "http://x/1\n");
  UrlListOptions text;
  text.url_list = {dir.file("u.txt")};
  EXPECT_FALSE(UrlListReader(text).total_rows().has_value());
}

}  // namespace
}  // namespace clipret::download
