// `download` end to end against a local HTTP server serving generated images and failures:
// every input row lands in its shard's parquet with img2dataset's status and message, successes
// are in the tar / folder / parquet with their caption, json fields and hash, resumption redoes
// exactly the unfinished shards, a kill -9 and a rerun give the same keys as one whole run, and
// `end2end` turns a parquet of local urls into a back that answers searches.
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "download/download_runner.h"
#include "image_server.h"
#include "parquet/parquet_reader.h"
#include "parquet/parquet_writer.h"
#include "test_util.h"

namespace clipret::download {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::ImageServer;

std::string sha256_of(const std::string& bytes) {
  testing::TempDir dir;
  testing::write_file(dir.file("f"), bytes);
  const auto result = testing::run_command("sha256sum '" + dir.file("f") + "'");
  return result.out.substr(0, 64);
}

// What one input row is and what img2dataset would record for it.
struct Row {
  std::string path;  // served path ("" for a null url)
  std::optional<std::string> caption;
  std::string status;
  std::string error;  // expected error_message
  int width = 0, height = 0;
};

// 25 rows, 10 per shard: 3 shards, the last short.
std::vector<Row> mixed_rows() {
  std::vector<Row> rows;
  for (int i = 0; i < 25; ++i) {
    Row row;
    row.caption = "caption " + std::to_string(i);
    const int w = 40 + 13 * i, h = 300 - 9 * i;
    row.path =
        "/img/" + std::to_string(w) + "x" + std::to_string(h) + "/" + std::to_string(i) + ".bmp";
    row.status = "success";
    row.width = w;
    row.height = h;
    rows.push_back(row);
  }
  rows[0].caption.reset();  // img2dataset's fixtures: a caption may be missing
  rows[3] = {"/missing", "four", "failed_to_download", "HTTP Error 404: Not Found"};
  rows[12] = {"/garbage", "thirteen", "failed_to_resize", "Image decoding error"};
  rows[17] = {"/robots/17", "eighteen", "failed_to_download",
              "Use of image disallowed by X-Robots-Tag directive"};
  rows[21] = {"/missing", "twenty-two", "failed_to_download", "HTTP Error 404: Not Found"};
  return rows;
}

// A parquet url list with img2dataset's test-file columns URL and TEXT, and an extra column.
std::string write_parquet_input(const std::string& path, const std::vector<Row>& rows,
                                const std::string& endpoint) {
  parquet::Table table;
  table.add_column({"URL", parquet::string_type(), true});
  table.add_column({"TEXT", parquet::string_type(), true});
  table.add_column({"NSFW", parquet::string_type(), true});
  for (size_t i = 0; i < rows.size(); ++i) {
    table.column(0).append_bytes(endpoint + rows[i].path);
    if (rows[i].caption) {
      table.column(1).append_bytes(*rows[i].caption);
    } else {
      table.column(1).append_null();
    }
    table.column(2).append_bytes(i % 2 ? "UNLIKELY" : "UNSURE");
  }
  parquet::write_parquet_file(path, table);
  return path;
}

std::map<std::string, std::string> read_tar(const std::string& path) {
  std::map<std::string, std::string> members;
  archive* a = archive_read_new();
  archive_read_support_format_tar(a);
  EXPECT_EQ(archive_read_open_filename(a, path.c_str(), 1 << 16), ARCHIVE_OK) << path;
  archive_entry* entry = nullptr;
  while (archive_read_next_header(a, &entry) == ARCHIVE_OK) {
    std::string data(static_cast<size_t>(archive_entry_size(entry)), '\0');
    if (!data.empty()) archive_read_data(a, data.data(), data.size());
    members[archive_entry_pathname(entry)] = data;
  }
  archive_read_free(a);
  return members;
}

DownloadOptions base_options(const std::string& url_list, const std::string& out) {
  DownloadOptions o;
  o.url_list = {url_list};
  o.output_folder = out;
  o.input_format = "parquet";
  o.url_col = "URL";
  o.caption_col = "TEXT";
  o.save_additional_columns = {"NSFW"};
  o.number_sample_per_shard = 10;
  o.thread_count = 8;
  o.timeout = 5;
  return o;
}

class DownloadRunnerTest : public ::testing::Test {
 protected:
  ImageServer server_;
  testing::TempDir dir_;
  std::vector<Row> rows_ = mixed_rows();
  std::string input_ = write_parquet_input(dir_.file("urls.parquet"), rows_, server_.endpoint());
};

TEST_F(DownloadRunnerTest, WebdatasetShardsHoldEveryRowWithImg2datasetFields) {
  const std::string out = dir_.file("out");
  DownloadOptions o = base_options(input_, out);
  o.output_format = "webdataset";
  const DownloadSummary summary = run_download(o);
  EXPECT_EQ(summary.count, 25);
  EXPECT_EQ(summary.successes, 21);
  EXPECT_EQ(summary.failed_to_download, 3);
  EXPECT_EQ(summary.failed_to_resize, 1);
  EXPECT_EQ(summary.shards_done, 3);

  for (int shard = 0; shard < 3; ++shard) {
    const std::string name = "0000" + std::to_string(shard);
    const auto members = read_tar(out + "/" + name + ".tar");
    const parquet::Table meta = parquet::read_parquet_file(out + "/" + name + ".parquet");
    // img2dataset's columns and order: additional, caption, url, key, status, error_message,
    // the four sizes, exif, sha256.
    std::vector<std::string> names;
    for (const auto& c : meta.schema()) names.push_back(c.name);
    EXPECT_EQ(names, (std::vector<std::string>{"NSFW", "caption", "url", "key", "status",
                                               "error_message", "width", "height", "original_width",
                                               "original_height", "exif", "sha256"}));
    const size_t first = static_cast<size_t>(shard) * 10;
    const size_t count = std::min<size_t>(10, rows_.size() - first);
    ASSERT_EQ(meta.num_rows(), count);
    const json stats = json::parse(testing::read_file(out + "/" + name + "_stats.json"));
    EXPECT_EQ(stats["count"], count);
    size_t successes = 0;
    for (size_t r = 0; r < count; ++r) {
      const Row& row = rows_[first + r];
      const std::string key = "0000" + std::to_string(shard) + std::to_string(r);  // 6 digits
      EXPECT_EQ(meta.column("key").bytes_at(r), key);
      EXPECT_EQ(meta.column("status").bytes_at(r), row.status) << key;
      EXPECT_EQ(meta.column("url").bytes_at(r), server_.endpoint() + row.path);
      if (row.status != "success") {
        EXPECT_EQ(meta.column("error_message").bytes_at(r), row.error) << key;
        EXPECT_TRUE(meta.column("width").is_null(r));
        EXPECT_TRUE(meta.column("sha256").is_null(r));
        EXPECT_EQ(members.count(key + ".jpg"), 0u) << key;
        continue;
      }
      ++successes;
      EXPECT_TRUE(meta.column("error_message").is_null(r));
      // border: the longer side to 256, padded to 256 x 256.
      EXPECT_EQ(meta.column("width").int32_at(r), 256);
      EXPECT_EQ(meta.column("height").int32_at(r), 256);
      EXPECT_EQ(meta.column("original_width").int32_at(r), row.width);
      EXPECT_EQ(meta.column("original_height").int32_at(r), row.height);
      EXPECT_EQ(meta.column("sha256").bytes_at(r), sha256_of(ImageServer::image_at(row.path)));
      ASSERT_EQ(members.count(key + ".jpg"), 1u) << key;
      EXPECT_EQ(members.at(key + ".jpg").substr(0, 2), "\xff\xd8");  // a JPEG
      EXPECT_EQ(members.at(key + ".txt"), row.caption.value_or(""));
      const json sidecar = json::parse(members.at(key + ".json"));
      EXPECT_EQ(sidecar["key"], key);
      EXPECT_EQ(sidecar["status"], "success");
      EXPECT_EQ(sidecar["NSFW"], (first + r) % 2 ? "UNLIKELY" : "UNSURE");
      EXPECT_EQ(sidecar["original_width"], row.width);
      if (row.caption) {
        EXPECT_EQ(sidecar["caption"], *row.caption);
      } else {
        EXPECT_TRUE(sidecar["caption"].is_null());
      }
    }
    EXPECT_EQ(members.size(), successes * 3);
    EXPECT_EQ(stats["successes"], successes);
  }
}

TEST_F(DownloadRunnerTest, FilesAndParquetOutputs) {
  const std::string files = dir_.file("files");
  DownloadOptions o = base_options(input_, files);
  o.output_format = "files";
  o.caption_col.reset();  // no captions: no .txt files, no caption column
  run_download(o);
  EXPECT_TRUE(fs::exists(files + "/00000/000001.jpg"));
  EXPECT_TRUE(fs::exists(files + "/00000/000001.json"));
  EXPECT_FALSE(fs::exists(files + "/00000/000001.txt"));
  EXPECT_FALSE(fs::exists(files + "/00000/000003.jpg"));  // the 404
  EXPECT_TRUE(fs::exists(files + "/00002_stats.json"));

  const std::string pq = dir_.file("pq");
  o = base_options(input_, pq);
  o.output_format = "parquet";
  o.encode_format = "png";
  o.encode_quality = 9;
  run_download(o);
  const parquet::Table meta = parquet::read_parquet_file(pq + "/00001.parquet");
  ASSERT_GE(meta.column_index("png"), 0);
  ASSERT_EQ(meta.num_rows(), 10u);
  const parquet::Column& png = meta.column("png");
  EXPECT_EQ(png.bytes_at(0).substr(1, 3), "PNG");  // row 10: a success
  EXPECT_TRUE(png.is_null(2));                     // row 12: the garbage
  EXPECT_FALSE(fs::exists(pq + "/00001.tar"));
}

TEST_F(DownloadRunnerTest, IncrementalRedoesOnlyUnfinishedShardsOverwriteAndExtend) {
  const std::string out = dir_.file("out");
  DownloadOptions o = base_options(input_, out);
  o.output_format = "webdataset";
  run_download(o);
  const int first_run = server_.total_requests();
  EXPECT_EQ(first_run, 25);
  // As if shard 1 had been killed before its stats file.
  fs::remove(out + "/00001_stats.json");
  fs::remove(out + "/00001.tar");
  const DownloadSummary again = run_download(o);
  EXPECT_EQ(again.shards_skipped, 2);
  EXPECT_EQ(again.shards_done, 1);
  EXPECT_EQ(server_.total_requests() - first_run, 10);
  EXPECT_TRUE(fs::exists(out + "/00001.tar"));

  o.incremental_mode = "extend";
  const DownloadSummary extended = run_download(o);
  EXPECT_EQ(extended.shards_done, 3);
  EXPECT_TRUE(fs::exists(out + "/00005_stats.json"));  // shards 3, 4, 5
  EXPECT_EQ(json::parse(testing::read_file(out + "/00003_stats.json"))["count"], 10);

  o.incremental_mode = "overwrite";
  run_download(o);
  EXPECT_FALSE(fs::exists(out + "/00003_stats.json"));
  EXPECT_TRUE(fs::exists(out + "/00002_stats.json"));
}

// Every kind of failure the web has, through the whole pipeline: each row lands in the shard
// parquet with img2dataset's status and a message saying what happened, and nothing stalls.
TEST_F(DownloadRunnerTest, EveryFailureLandsInTheShardParquetWithItsReason) {
  const std::string e = server_.endpoint();
  const std::vector<std::pair<std::string, std::pair<std::string, std::string>>> cases = {
      {e + "/img/300x200/1.bmp", {"success", ""}},
      {e + "/missing", {"failed_to_download", "HTTP Error 404: Not Found"}},
      {e + "/error500", {"failed_to_download", "HTTP Error 500: Internal Server Error"}},
      {e + "/silent", {"failed_to_download", "timed out"}},
      {e + "/drip", {"failed_to_download", "timed out"}},
      {e + "/garbage", {"failed_to_resize", "Image decoding error"}},
      {e + "/truncated", {"failed_to_resize", "Image decoding error"}},
      {e + "/bomb", {"failed_to_resize", "image too large to decode (100000 x 100000)"}},
      {e + "/huge", {"success", ""}},
      {e + "/redirect/3", {"success", ""}},
      {e + "/loop", {"failed_to_download", "too many redirects (10)"}},
      {e + "/robots/1",
       {"failed_to_download", "Use of image disallowed by X-Robots-Tag directive"}},
      {e + "/robots-other", {"success", ""}},
      {e + "/robots-mine",
       {"failed_to_download", "Use of image disallowed by X-Robots-Tag directive"}},
      {e + "/ratelimited", {"success", ""}},
      {"no-scheme.example/a.jpg", {"failed_to_download", "url without a scheme"}},
      {"file:///etc/passwd", {"failed_to_download", "unsupported url scheme 'file'"}},
      {"http://no-such-host.invalid/a.jpg",
       {"failed_to_download", "could not resolve host no-such-host.invalid"}},
  };
  std::string txt;
  for (const auto& c : cases) txt += c.first + "\n";
  testing::write_file(dir_.file("urls.txt"), txt);
  DownloadOptions o;
  o.url_list = {dir_.file("urls.txt")};
  o.output_folder = dir_.file("out");
  o.output_format = "webdataset";
  o.timeout = 1;
  o.retries = 1;  // the 429 passes on its second attempt, after its Retry-After
  o.thread_count = 6;
  o.user_agent_token = "MyBot";
  const auto started = std::chrono::steady_clock::now();
  const DownloadSummary summary = run_download(o);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_LT(seconds, 30) << "a failure stalled the shard";  // not a timing assertion: a hang
  const parquet::Table meta = parquet::read_parquet_file(o.output_folder + "/00000.parquet");
  ASSERT_EQ(meta.num_rows(), cases.size());
  EXPECT_EQ(summary.count, static_cast<int64_t>(cases.size()));
  for (size_t r = 0; r < cases.size(); ++r) {
    const auto& [url, expected] = cases[r];
    EXPECT_EQ(meta.column("url").bytes_at(r), url);
    EXPECT_EQ(meta.column("status").bytes_at(r), expected.first) << url;
    if (expected.first == "success") {
      EXPECT_TRUE(meta.column("error_message").is_null(r)) << url;
      EXPECT_EQ(meta.column("width").int32_at(r), 256) << url;
    } else {
      EXPECT_EQ(meta.column("error_message").bytes_at(r), expected.second) << url;
    }
  }
  const parquet::Column& width = meta.column("original_width");
  EXPECT_EQ(width.int32_at(8), 3000);  // the huge image, resized
  EXPECT_EQ(width.int32_at(9), 50);    // the end of the redirect chain
}

// Ranks of an MPI launch (simulated by Open MPI's variables) split the shards by id: together
// they write each shard once, and every shard is written.
TEST_F(DownloadRunnerTest, MpiRanksSplitTheShards) {
  const std::string out = dir_.file("ranks");
  std::string common = "download '" + input_ +
                       "' --input_format parquet --url_col URL --caption_col TEXT "
                       "--output_format webdataset --number_sample_per_shard 10 "
                       "--thread_count 4 --distributor mpi --output_folder '" +
                       out + "'";
  const auto rank1 = testing::run_command("OMPI_COMM_WORLD_RANK=1 OMPI_COMM_WORLD_SIZE=2 '" +
                                          std::string(CLIPRET_BINARY) + "' " + common);
  ASSERT_EQ(rank1.exit_code, 0) << rank1.err;
  EXPECT_TRUE(fs::exists(out + "/00001_stats.json"));
  EXPECT_FALSE(fs::exists(out + "/00000_stats.json"));
  EXPECT_FALSE(fs::exists(out + "/00002_stats.json"));
  EXPECT_EQ(server_.total_requests(), 10);
  const auto rank0 = testing::run_command("OMPI_COMM_WORLD_RANK=0 OMPI_COMM_WORLD_SIZE=2 '" +
                                          std::string(CLIPRET_BINARY) + "' " + common);
  ASSERT_EQ(rank0.exit_code, 0) << rank0.err;
  EXPECT_EQ(server_.total_requests(), 25);
  for (const char* name : {"00000", "00001", "00002"}) {
    EXPECT_TRUE(fs::exists(out + "/" + name + ".tar")) << name;
  }
}

// verify_hash (img2dataset's test_verify_hash): a row whose expected hash differs is refused
// with "hash mismatch"; the column keeps its input position, filled with the computed hash.
TEST_F(DownloadRunnerTest, VerifyHashRefusesAMismatch) {
  const std::string path = "/img/64x48/7.bmp";
  const std::string digest = sha256_of(ImageServer::image_at(path));
  std::string wrong = digest;
  wrong[10] = wrong[10] == '0' ? '1' : '0';
  parquet::Table table;
  table.add_column({"url", parquet::string_type(), true});
  table.add_column({"txt", parquet::string_type(), true});
  table.add_column({"sha256hash", parquet::string_type(), true});
  for (const std::string& expected : {digest, wrong}) {
    table.column(0).append_bytes(server_.endpoint() + path);
    table.column(1).append_bytes("Lorem Ipsum");
    table.column(2).append_bytes(expected);
  }
  parquet::write_parquet_file(dir_.file("hashes.parquet"), table);
  DownloadOptions o;
  o.url_list = {dir_.file("hashes.parquet")};
  o.input_format = "parquet";
  o.caption_col = "txt";
  o.verify_hash = {"sha256hash", "sha256"};
  o.output_folder = dir_.file("out");
  o.output_format = "webdataset";
  run_download(o);
  const parquet::Table meta = parquet::read_parquet_file(o.output_folder + "/00000.parquet");
  std::vector<std::string> names;
  for (const auto& c : meta.schema()) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"caption", "sha256", "url", "key", "status",
                                             "error_message", "width", "height", "original_width",
                                             "original_height", "exif"}));
  ASSERT_EQ(meta.num_rows(), 2u);
  EXPECT_EQ(meta.column("status").bytes_at(0), "success");
  EXPECT_EQ(meta.column("sha256").bytes_at(0), digest);
  EXPECT_EQ(meta.column("status").bytes_at(1), "failed_to_download");
  EXPECT_EQ(meta.column("error_message").bytes_at(1), "hash mismatch");
  EXPECT_TRUE(meta.column("sha256").is_null(1));  // img2dataset: exactly one null sha256
}

std::set<std::string> successful_keys(const std::string& folder) {
  std::set<std::string> keys;
  for (const auto& entry : fs::directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".parquet") continue;
    const parquet::Table meta = parquet::read_parquet_file(entry.path().string());
    for (size_t r = 0; r < meta.num_rows(); ++r) {
      if (meta.column("status").bytes_at(r) == "success") {
        keys.insert(std::string(meta.column("key").bytes_at(r)));
      }
    }
  }
  return keys;
}

// SIGKILL once a shard is done, then at 2 random delays within a whole run's length (seed
// printed, CLIPRET_KILL_SEED replays): each time the same command, run again (incremental mode),
// gives the successful keys of an uninterrupted run and leaves no temporary.
TEST_F(DownloadRunnerTest, KillNineThenIncrementalGivesTheKeysOfOneWholeRun) {
  server_.set_delay_ms(40);
  const std::string whole = dir_.file("whole");
  const std::string args = "download '" + input_ +
                           "' --input_format parquet --url_col URL --caption_col TEXT "
                           "--output_format webdataset --number_sample_per_shard 5 "
                           "--thread_count 2 --timeout 5 --output_folder ";
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(testing::run_clip_retrieval(args + "'" + whole + "'").exit_code, 0);
  const int64_t whole_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - started)
                               .count();
  EXPECT_EQ(successful_keys(whole).size(), 21u);
  std::mt19937 engine(
      testing::kill_seed("download kill points: after the first shard, then 2 random delays"));
  std::uniform_int_distribution<int64_t> delay(0, std::max<int64_t>(1, whole_ms));
  for (int attempt = 0; attempt < 3; ++attempt) {
    const std::string killed = dir_.file("killed" + std::to_string(attempt));
    const int64_t after_ms = attempt == 0 ? -1 : delay(engine);
    SCOPED_TRACE(attempt == 0 ? std::string("after the first shard")
                              : "after " + std::to_string(after_ms) + " ms");
    const pid_t child = testing::spawn_shell(std::string("exec '") + CLIPRET_BINARY + "' " + args +
                                             "'" + killed + "' > /dev/null 2>&1");
    ASSERT_GT(child, 0);
    if (after_ms < 0) {
      // Once at least one shard is finished and before all are.
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      while (std::chrono::steady_clock::now() < deadline &&
             !fs::exists(killed + "/00001_stats.json")) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(after_ms));
    }
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    if (attempt == 0) {
      ASSERT_TRUE(WIFSIGNALED(status)) << "the run finished before it could be killed";
      EXPECT_FALSE(fs::exists(killed + "/00004_stats.json"));
    }
    ASSERT_EQ(testing::run_clip_retrieval(args + "'" + killed + "'").exit_code, 0);
    EXPECT_EQ(successful_keys(killed), successful_keys(whole));
    // Nothing half-written is left: no temporaries beside the shards.
    for (const auto& entry : fs::directory_iterator(killed)) {
      EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
    }
  }
}

// A full disk (RLIMIT_FSIZE through prlimit): every shard fails on its file, named in the log, the
// exit code is 4 (an I/O error), no shard looks done; the same command completes afterwards with
// the keys of an unlimited run.
TEST_F(DownloadRunnerTest, FullDiskExitsFourNamingTheFileThenARerunCompletes) {
  const std::string whole = dir_.file("whole");
  const std::string full = dir_.file("full");
  const std::string args = "download '" + input_ +
                           "' --input_format parquet --url_col URL --caption_col TEXT "
                           "--output_format webdataset --number_sample_per_shard 5 "
                           "--thread_count 4 --timeout 5 --output_folder ";
  ASSERT_EQ(testing::run_clip_retrieval(args + "'" + whole + "'").exit_code, 0);
  const auto limited = testing::run_command("prlimit --fsize=1024 '" + std::string(CLIPRET_BINARY) +
                                            "' " + args + "'" + full + "'");
  EXPECT_EQ(limited.exit_code, 4) << limited.err;
  EXPECT_NE(limited.err.find(full + "/0000"), std::string::npos) << limited.err;
  EXPECT_NE(limited.err.find("File too large"), std::string::npos) << limited.err;
  EXPECT_FALSE(fs::exists(full + "/00000_stats.json"));
  ASSERT_EQ(testing::run_clip_retrieval(args + "'" + full + "'").exit_code, 0);
  EXPECT_EQ(successful_keys(full), successful_keys(whole));
}

}  // namespace
}  // namespace clipret::download
