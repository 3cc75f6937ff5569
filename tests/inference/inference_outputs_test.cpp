// The outputs as other tools see them (numpy, DuckDB), and a run killed with SIGKILL then
// resumed, equal to an uninterrupted one.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <thread>

#include "test_util.h"
#include "tiny_model.h"

namespace clipret::testing {
namespace {

namespace fs = std::filesystem;

// `count` images with captions and metadata, cycling through the fixture images.
std::string make_folder(const TempDir& dir, int count) {
  const auto images = fixture_images();
  const std::string root = dir.file("images");
  fs::create_directories(root);
  for (int i = 0; i < count; ++i) {
    char stem[16];
    std::snprintf(stem, sizeof(stem), "%04d", i);
    const std::string& image = images[i % images.size()];
    fs::copy_file(image, root + "/" + stem + fs::path(image).extension().string());
    write_file(root + "/" + stem + ".txt", "caption " + std::to_string(i));
    write_file(root + "/" + stem + ".json", "{\"i\": " + std::to_string(i) + "}");
  }
  return root;
}

TEST(InferenceOutputsTest, NumpyAndDuckDbReadTheOutputs) {
  TempDir dir;
  const std::string root = make_folder(dir, 9);
  const std::string out = dir.file("out");
  auto r = run_clip_retrieval("inference " + root + " " + out + " --clip_model " +
                              make_tiny_model_folder(dir) +
                              " --enable_metadata True --output_partition_count 2 --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.err;

  if (run_command("/usr/bin/python3 -c 'import numpy'").exit_code != 0) {
    GTEST_SKIP() << "python3-numpy not installed (scripts/setup.sh installs it)";
  }
  auto np = run_command(
      "/usr/bin/python3 -c \"import numpy as np; "
      "a = np.load('" +
      out +
      "/img_emb/img_emb_0.npy'); "
      "t = np.load('" +
      out +
      "/text_emb/text_emb_1.npy'); "
      "n = np.linalg.norm(a.astype(np.float32), axis=1); "
      "print(a.dtype, a.shape, t.shape, bool(np.all(np.abs(n - 1) < 2e-3)))\"");
  ASSERT_EQ(np.exit_code, 0) << np.err;
  EXPECT_EQ(np.out, "float16 (5, 16) (4, 16) True\n");

  const std::string duckdb_dir = std::string(CLIPRET_SOURCE_DIR) + "/tests/parquet/duckdb";
  if (!fs::exists(duckdb_dir + "/node_modules/@duckdb/node-api")) {
    GTEST_SKIP() << "DuckDB (npm @duckdb/node-api) not installed: run scripts/setup.sh";
  }
  const std::string json = dir.file("rows.json");
  auto duck = run_command("cd " + duckdb_dir + " && node duckdb_check.mjs json \"SELECT " +
                          "image_path, caption, i FROM read_parquet('" + out +
                          "/metadata/metadata_1.parquet')\" " + json);
  ASSERT_EQ(duck.exit_code, 0) << duck.err;
  const std::string rows = read_file(json);
  EXPECT_NE(rows.find("\"caption\":\"caption 1\",\"i\":1}"), std::string::npos) << rows;
  EXPECT_NE(rows.find("\"caption\":\"caption 7\",\"i\":7}"), std::string::npos) << rows;
  EXPECT_NE(rows.find(root + "/0003."), std::string::npos) << rows;
}

// Kill points: after the first partition is complete (fixed), and after a random delay within
// the length of a whole run, twice (the seed is printed, CLIPRET_KILL_SEED replays it). Each
// killed run, resumed, gives the uninterrupted run's bytes, and nothing half-written remains.
TEST(InferenceOutputsTest, KilledThenResumedEqualsUninterrupted) {
  TempDir dir;
  const std::string root = make_folder(dir, 60);
  const std::string command = std::string("'") + CLIPRET_BINARY + "' inference " + root +
                              " --clip_model " + make_tiny_model_folder(dir) +
                              " --output_partition_count 12 --batch_size 2 " +
                              "--num_prepro_workers 1 --quiet --output_folder ";
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(run_command(command + dir.file("whole")).exit_code, 0);
  const auto whole_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - started)
                            .count();
  std::mt19937 engine(kill_seed("kill points: after partition 0, then 2 random"));
  std::uniform_int_distribution<int64_t> delay(0, std::max<int64_t>(1, whole_ms));

  for (int attempt = 0; attempt < 3; ++attempt) {
    const std::string killed = dir.file("killed" + std::to_string(attempt));
    const int64_t kill_after_ms = attempt == 0 ? -1 : delay(engine);
    SCOPED_TRACE(attempt == 0 ? std::string("after partition 0")
                              : "after " + std::to_string(kill_after_ms) + " ms");
    const pid_t child = spawn_shell("exec " + command + killed + " 2>/dev/null");
    ASSERT_GE(child, 0);
    const auto start = std::chrono::steady_clock::now();
    if (kill_after_ms < 0) {
      const auto deadline = start + std::chrono::seconds(60);
      while (!fs::exists(killed + "/stats/0.json") && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    } else {
      std::this_thread::sleep_until(start + std::chrono::milliseconds(kill_after_ms));
    }
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    if (kill_after_ms < 0) {
      ASSERT_TRUE(fs::exists(killed + "/stats/0.json"));
    }
    const bool interrupted =
        fs::exists(killed + "/stats/0.json") && !fs::exists(killed + "/stats/11.json");

    auto resumed = run_command(command + killed + " --verbose");
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    if (interrupted) {
      EXPECT_NE(resumed.err.find("already complete"), std::string::npos) << resumed.err;
    }
    for (int p = 0; p < 12; ++p) {
      const std::string n = (p < 10 ? "0" : "") + std::to_string(p);
      for (const std::string& file :
           {"img_emb/img_emb_" + n + ".npy", "text_emb/text_emb_" + n + ".npy",
            "metadata/metadata_" + n + ".parquet"}) {
        EXPECT_EQ(read_file(dir.file("whole/" + file)), read_file(killed + "/" + file)) << file;
      }
    }
    // Nothing half-written is left behind.
    for (const auto& entry : fs::recursive_directory_iterator(killed)) {
      const std::string name = entry.path().filename().string();
      EXPECT_EQ(name.find(".tmp"), std::string::npos) << entry.path();
    }
  }
}

// A full disk, as RLIMIT_FSIZE (prlimit) makes it: the run stops with an I/O error naming the
// file it could not write (exit 4, not a SIGXFSZ death), leaves nothing half-written that looks
// complete, and a rerun once the space is back completes with the uninterrupted run's outputs.
TEST(InferenceOutputsTest, FullDiskStopsWithTheFileNamedAndARerunCompletes) {
  TempDir dir;
  const std::string root = make_folder(dir, 24);
  const std::string command = std::string("'") + CLIPRET_BINARY + "' inference " + root +
                              " --clip_model " + make_tiny_model_folder(dir) +
                              " --output_partition_count 4 --batch_size 2 " +
                              "--num_prepro_workers 1 --quiet --output_folder ";
  ASSERT_EQ(run_command(command + dir.file("whole")).exit_code, 0);
  const std::string full = dir.file("full");
  // Files may not grow past 256 bytes: the first embeddings file (128-byte header + 6 x 16
  // float16) does not fit.
  const auto limited = run_command("prlimit --fsize=256 " + command + full);
  EXPECT_EQ(limited.exit_code, 4) << limited.err;
  EXPECT_NE(limited.err.find(full + "/"), std::string::npos) << limited.err;
  EXPECT_NE(limited.err.find("File too large"), std::string::npos) << limited.err;
  ASSERT_FALSE(fs::exists(full + "/stats/3.json"));  // not reported complete
  const auto rerun = run_command(command + full);
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  for (int p = 0; p < 4; ++p) {
    const std::string n = std::to_string(p);
    for (const std::string& file :
         {"img_emb/img_emb_" + n + ".npy", "text_emb/text_emb_" + n + ".npy",
          "metadata/metadata_" + n + ".parquet"}) {
      EXPECT_EQ(read_file(dir.file("whole/" + file)), read_file(full + "/" + file)) << file;
    }
  }
  for (const auto& entry : fs::recursive_directory_iterator(full)) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
  }
}

}  // namespace
}  // namespace clipret::testing
