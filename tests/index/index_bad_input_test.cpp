// Bad inputs: clear errors (file and field named, exit code by kind), and nothing left behind
// that looks like a finished index.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <limits>
#include <random>
#include <thread>

#include "index_cli_util.h"

namespace clipret::testing {
namespace {

namespace fs = std::filesystem;

class IndexBadInputTest : public ::testing::Test {
 protected:
  CommandResult index(const std::string& extra = "") {
    return run_clip_retrieval("index '" + dir_.file("emb") + "' '" + dir_.file("idx") + "' " +
                              extra);
  }
  // Nothing in the index folder but (possibly) an empty folder: no index, no json, no temp.
  void expect_nothing_written() {
    if (!fs::exists(dir_.file("idx"))) return;
    for (const auto& entry : fs::recursive_directory_iterator(dir_.file("idx"))) {
      ADD_FAILURE() << "left behind: " << entry.path();
    }
  }
  TempDir dir_;
};

TEST_F(IndexBadInputTest, NoNpyFiles) {
  fs::create_directories(dir_.file("emb/img_emb"));
  const auto r = index();
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("No embeddings found in folder"), std::string::npos) << r.err;
  expect_nothing_written();
}

TEST_F(IndexBadInputTest, NoEmbeddingSubfolders) {
  fs::create_directories(dir_.file("emb"));
  const auto r = index();
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("nothing to index"), std::string::npos) << r.err;
}

TEST_F(IndexBadInputTest, MixedDimensions) {
  fs::create_directories(dir_.file("emb/img_emb"));
  write_float16_npy(dir_.file("emb/img_emb/a.npy"), clustered_embeddings(50, 8), 0, 50);
  write_float16_npy(dir_.file("emb/img_emb/b.npy"), clustered_embeddings(50, 12), 0, 50);
  const auto r = index();
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("b.npy: embeddings of dimension 12"), std::string::npos) << r.err;
  expect_nothing_written();
}

// A full disk (RLIMIT_FSIZE through prlimit): an I/O error naming the index file being written,
// exit 4, nothing left that looks like an index; the same command completes once space is back.
TEST_F(IndexBadInputTest, FullDiskNamesTheFileAndARerunCompletes) {
  write_embedding_files(dir_.file("emb/img_emb"), clustered_embeddings(600, 16), 2);
  const std::string command = std::string("'") + CLIPRET_BINARY + "' index '" + dir_.file("emb") +
                              "' '" + dir_.file("idx") + "' --copy_metadata False";
  const auto full = run_command("prlimit --fsize=8192 " + command);
  EXPECT_EQ(full.exit_code, 4) << full.err;
  EXPECT_NE(full.err.find(dir_.file("idx") + "/image.index"), std::string::npos) << full.err;
  EXPECT_NE(full.err.find("File too large"), std::string::npos) << full.err;
  expect_nothing_written();
  const auto rerun = run_command(command);
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_TRUE(fs::exists(dir_.file("idx/image.index")));
}

// SIGKILL at random points of a build (3 delays within a whole build's length; the seed is
// printed, CLIPRET_KILL_SEED replays it): what is left is either nothing or a complete index that
// faiss loads with every vector (files are published by rename), and the same command then
// builds a complete index. (Builds are not bit-reproducible — HNSW insertion order and tuning
// depend on thread timing — so the rerun is checked by its contents, not its bytes.)
TEST_F(IndexBadInputTest, KilledAtRandomPointsLeavesNoHalfIndexAndARerunCompletes) {
  const Embeddings e = clustered_embeddings(3000, 16);
  write_embedding_files(dir_.file("emb/img_emb"), e, 2);
  const std::string base =
      std::string("exec '") + CLIPRET_BINARY + "' index '" + dir_.file("emb") + "' '";
  // A small IVF key: a build of ~2 s (k-means, adding, tuning, writing) to kill within.
  const std::string options = "' --copy_metadata False --quiet --index_key IVF32,Flat";
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(run_command(base + dir_.file("whole") + options).exit_code, 0);
  const int64_t whole_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - started)
                               .count();
  std::mt19937 engine(kill_seed("index kill points: 3 random delays"));
  std::uniform_int_distribution<int64_t> delay(0, std::max<int64_t>(1, whole_ms));
  for (int attempt = 0; attempt < 3; ++attempt) {
    const std::string out = dir_.file("killed" + std::to_string(attempt));
    const int64_t after_ms = delay(engine);
    SCOPED_TRACE("killed after " + std::to_string(after_ms) + " ms");
    const pid_t child = spawn_shell(base + out + options + " 2>/dev/null");
    ASSERT_GE(child, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(after_ms));
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    if (fs::exists(out)) {
      for (const auto& entry : fs::directory_iterator(out)) {
        const std::string name = entry.path().filename().string();
        if (name.find(".tmp") != std::string::npos) continue;  // an unpublished temporary
        EXPECT_TRUE(name == "image.index" || name == "image.json") << entry.path();
      }
      if (fs::exists(out + "/image.index")) {
        EXPECT_EQ(load_index(out + "/image.index")->ntotal, 3000);
      }
    }
    const auto rerun = run_command(base + out + options);
    ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
    EXPECT_EQ(load_index(out + "/image.index")->ntotal, 3000);
    EXPECT_EQ(read_json(out + "/image.json").size(),
              read_json(dir_.file("whole/image.json")).size());
  }
}

TEST_F(IndexBadInputTest, NanRowFailsWithoutLeavingAnIndex) {
  Embeddings e = clustered_embeddings(3000, 8);
  e.values[2500 * 8 + 1] = std::numeric_limits<float>::quiet_NaN();
  write_embedding_files(dir_.file("emb/img_emb"), e, 2);
  const auto r = index("--copy_metadata False");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("img_emb_1.npy: row 1000 holds a non-finite value (NaN)"), std::string::npos)
      << r.err;
  expect_nothing_written();
}

TEST_F(IndexBadInputTest, BudgetTooSmallNamesTheSmallestThatWorks) {
  write_embedding_files(dir_.file("emb/img_emb"), clustered_embeddings(20000, 32), 1);
  auto r = index("--max_index_memory_usage 10K");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("max_index_memory_usage=10K is too small"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("give at least"), std::string::npos) << r.err;
  r = index("--max_index_memory_usage 4G --current_memory_available 4G");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("leaves less than 10%"), std::string::npos) << r.err;
  r = index("--max_index_memory_usage 1M --current_memory_available 20M");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("current_memory_available=20.0MB is too small"), std::string::npos) << r.err;
  r = index("--max_index_memory_usage 4 G");
  EXPECT_EQ(r.exit_code, 2);
  expect_nothing_written();
}

TEST_F(IndexBadInputTest, UnreadableOrTruncatedFile) {
  write_embedding_files(dir_.file("emb/img_emb"), clustered_embeddings(100, 8), 1);
  const std::string bytes = read_file(dir_.file("emb/img_emb/img_emb_0.npy"));
  write_file(dir_.file("emb/img_emb/img_emb_1.npy"), bytes.substr(0, bytes.size() - 100));
  auto r = index();
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_NE(r.err.find("img_emb_1.npy: truncated"), std::string::npos) << r.err;
  fs::remove(dir_.file("emb/img_emb/img_emb_1.npy"));
  fs::create_symlink(dir_.file("nowhere.npy"), dir_.file("emb/img_emb/img_emb_2.npy"));
  r = index();
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("img_emb_2.npy"), std::string::npos) << r.err;
  expect_nothing_written();
}

TEST_F(IndexBadInputTest, BadOptions) {
  write_embedding_files(dir_.file("emb/img_emb"), clustered_embeddings(100, 8), 1);
  auto r = index("--metric_type cosine");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--metric_type"), std::string::npos) << r.err;
  r = index("--index_key NotAKey");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--index_key"), std::string::npos) << r.err;
  r = index("--index_key Flat --index_param nprobe=4");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--index_param"), std::string::npos) << r.err;
  expect_nothing_written();
}

}  // namespace
}  // namespace clipret::testing
