// Distributed build under `mpirun -n 2`: the same index as one process, and a failing rank
// stops the run with its error instead of hanging.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <limits>
#include <random>
#include <thread>

#include "index_cli_util.h"

namespace clipret::testing {
namespace {

namespace fs = std::filesystem;

// Open MPI refuses root unless told; the test machine runs as root.
const char kMpirun[] =
    "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 timeout 120 mpirun -n 2 "
    "--oversubscribe ";

bool have_mpirun() {
  return run_command("command -v mpirun").exit_code == 0;
}

TEST(IndexDistributedTest, TwoRanksReachTheSameRecallAsOneProcess) {
  if (!have_mpirun()) GTEST_SKIP() << "mpirun not installed";
  TempDir dir;
  const Embeddings e = clustered_embeddings(12000, 32, 21);
  write_embedding_files(dir.file("emb/img_emb"), e, 3);
  const std::string options = " --index_key IVF128,Flat --index_param nprobe=8 --nb_cores 1";
  // What a failed earlier job leaves: removed by rank 0 of the next one.
  fs::create_directories(dir.file("two/image.index.parts-4711"));
  write_file(dir.file("two/image.index.parts-4711/trained.index"), "stale");
  auto r =
      run_clip_retrieval("index '" + dir.file("emb") + "' '" + dir.file("one") + "'" + options);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_command(std::string(kMpirun) + "'" + CLIPRET_BINARY + "' index '" + dir.file("emb") +
                  "' '" + dir.file("two") + "'" + options);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto one = read_json(dir.file("one/image.json"));
  const auto two = read_json(dir.file("two/image.json"));
  EXPECT_EQ(two["ranks"], 2);
  EXPECT_EQ(two["nb vectors"], 12000);
  EXPECT_DOUBLE_EQ(two["recall@10"].get<double>(), one["recall@10"].get<double>());
  EXPECT_GE(two["recall@10"].get<double>(), 0.9);
  auto a = load_index(dir.file("one/image.index"));
  auto b = load_index(dir.file("two/image.index"));
  EXPECT_EQ(search(*a, e, 200, 10), search(*b, e, 200, 10));
  // The rendezvous folder is gone.
  for (const auto& entry : fs::directory_iterator(dir.file("two"))) {
    EXPECT_EQ(entry.path().filename().string().find(".parts-"), std::string::npos) << entry.path();
  }
}

TEST(IndexDistributedTest, AFailingRankStopsRankZeroWithItsError) {
  if (!have_mpirun()) GTEST_SKIP() << "mpirun not installed";
  TempDir dir;
  Embeddings e = clustered_embeddings(20000, 8, 22);
  // In rank 1's share, and outside rank 0's training sample (1,600 of 20,000 rows).
  e.values[19999 * 8] = std::numeric_limits<float>::quiet_NaN();
  write_embedding_files(dir.file("emb/img_emb"), e, 2);
  const auto r = run_command(std::string(kMpirun) + "'" + CLIPRET_BINARY + "' index '" +
                             dir.file("emb") + "' '" + dir.file("idx") +
                             "' --index_key IVF16,Flat --index_param nprobe=4 --nb_cores 1");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.exit_code, 124) << "timed out: a rank waited forever";
  EXPECT_NE((r.out + r.err).find("row 9999 holds a non-finite value"), std::string::npos)
      << r.out << r.err;
  EXPECT_FALSE(fs::exists(dir.file("idx/image.index")));
  EXPECT_FALSE(fs::exists(dir.file("idx/image.json")));
}

// The pid of the process of MPI rank `rank` whose command line holds `marker` (its output
// folder: other tests may run mpirun at the same time), or -1.
pid_t find_rank_process(int rank, const std::string& marker) {
  const std::string wanted_rank = "OMPI_COMM_WORLD_RANK=" + std::to_string(rank);
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string pid = entry.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string command_line = read_file(entry.path().string() + "/cmdline");
    if (command_line.find(marker) == std::string::npos) continue;
    std::string environment = read_file(entry.path().string() + "/environ");
    for (char& c : environment) c = c == '\0' ? '\n' : c;
    if (("\n" + environment).find("\n" + wanted_rank + "\n") != std::string::npos) {
      return static_cast<pid_t>(std::stol(pid));
    }
  }
  return -1;
}

// One rank of `mpirun -n 2 index` killed (SIGKILL): rank 1 as soon as it starts, then rank 0 and
// rank 1 after random delays within their lives (seed printed, CLIPRET_KILL_SEED replays). The
// job must end (no rank waiting forever for the dead one) with a failure, leave no index that
// looks complete, and the same command run again must build the whole index.
TEST(IndexDistributedTest, AKilledRankEndsTheJobAndARerunCompletes) {
  if (!have_mpirun()) GTEST_SKIP() << "mpirun not installed";
  TempDir dir;
  const Embeddings e = clustered_embeddings(40000, 32, 24);
  write_embedding_files(dir.file("emb/img_emb"), e, 2);
  auto command = [&](const std::string& out) {
    return std::string(kMpirun) + "'" + CLIPRET_BINARY + "' index '" + dir.file("emb") + "' '" +
           out + "' --index_key IVF256,Flat --nb_cores 1 --copy_metadata False --quiet";
  };
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(run_command(command(dir.file("whole"))).exit_code, 0);
  const int64_t whole_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - started)
                               .count();
  std::mt19937 engine(
      kill_seed("mpirun index kill points: rank 1 at its start, then ranks 0 and 1 at random"));
  // Rank 1 lives for its share of the adding (about a tenth of the run here); rank 0 trains,
  // merges, tunes and writes.
  std::uniform_int_distribution<int64_t> rank0_delay(0, std::max<int64_t>(1, whole_ms * 3 / 4));
  std::uniform_int_distribution<int64_t> rank1_delay(0, std::max<int64_t>(1, whole_ms / 10));
  for (int attempt = 0; attempt < 3; ++attempt) {
    const std::string out = dir.file("killed" + std::to_string(attempt));
    const int rank = attempt == 1 ? 0 : 1;
    const int64_t after_ms =
        attempt == 0 ? 0 : (rank == 0 ? rank0_delay(engine) : rank1_delay(engine));
    SCOPED_TRACE("rank " + std::to_string(rank) + " killed " + std::to_string(after_ms) +
                 " ms after it started");
    const pid_t child = spawn_shell(command(out) + " >/dev/null 2>&1");
    ASSERT_GT(child, 0);
    pid_t victim = -1;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (victim < 0 && std::chrono::steady_clock::now() < deadline &&
           ::waitpid(child, nullptr, WNOHANG) == 0) {
      victim = find_rank_process(rank, out);
      if (victim < 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    ASSERT_GT(victim, 0) << "rank " << rank << " never started";
    std::this_thread::sleep_for(std::chrono::milliseconds(after_ms));
    const bool killed = ::kill(victim, SIGKILL) == 0;
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    const int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    EXPECT_NE(exit_code, 124) << "timed out: a rank waited forever for the killed one";
    std::cerr << "rank " << rank << (killed ? " killed " : " had ended before its kill, ")
              << after_ms << " ms after it started: mpirun exit code " << exit_code << "\n";
    if (attempt == 0) {
      EXPECT_TRUE(killed);
      EXPECT_NE(exit_code, 0);
    }
    if (killed && exit_code != 0) {
      // Nothing that looks complete: an index and its json only together, whole.
      EXPECT_EQ(fs::exists(out + "/image.index"), fs::exists(out + "/image.json"));
    }
    if (fs::exists(out + "/image.json")) {
      EXPECT_EQ(load_index(out + "/image.index")->ntotal, 40000);
    }
    const auto rerun = run_command(command(out));
    ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
    EXPECT_EQ(load_index(out + "/image.index")->ntotal, 40000);
    EXPECT_EQ(read_json(out + "/image.json")["nb vectors"], 40000);
    for (const auto& entry : fs::directory_iterator(out)) {
      EXPECT_EQ(entry.path().filename().string().find(".parts-"), std::string::npos)
          << entry.path();
    }
  }
}

TEST(IndexDistributedTest, RankZeroRefusesFilesOfAnEarlierRunWithTheSameJobId) {
  TempDir dir;
  write_embedding_files(dir.file("emb/img_emb"), clustered_embeddings(2000, 8, 23), 2);
  // A launcher that gives ranks but no job id (here MPICH's variables): the run id is "local",
  // the same for every run, so a failed run's files would look like this run's.
  fs::create_directories(dir.file("idx/image.index.parts-local"));
  write_file(dir.file("idx/image.index.parts-local/trained.index"), "from the failed run");
  const auto r = run_command("PMI_RANK=0 PMI_SIZE=2 timeout 60 '" + std::string(CLIPRET_BINARY) +
                             "' index '" + dir.file("emb") + "' '" + dir.file("idx") +
                             "' --index_key IVF16,Flat --nb_cores 1");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("already holds trained.index from an earlier run"), std::string::npos)
      << r.err;
  // The other ranks, waiting in the folder, are told to stop.
  EXPECT_TRUE(fs::exists(dir.file("idx/image.index.parts-local/failed_rank_0.txt")));
  EXPECT_FALSE(fs::exists(dir.file("idx/image.json")));
}

}  // namespace
}  // namespace clipret::testing
