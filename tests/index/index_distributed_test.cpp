// Distributed build under `mpirun -n 2`: the same index as one process, and a failing rank
// stops the run with its error instead of hanging.
#include <gtest/gtest.h>

#include <filesystem>
#include <limits>

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
