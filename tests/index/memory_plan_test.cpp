// The memory plan: training sample and batch sizes from the budget, and refusals that name the
// smallest budget that works.
#include "index/memory_plan.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "index/distributed_build.h"
#include "index/memory_string.h"

namespace clipret::index {
namespace {

BuildMemoryInput input(const char* key, int64_t n, int64_t d, const char* budget) {
  return {key, n, d, parse_memory_string(budget, "m"), false, true};
}

TEST(MemoryPlanTest, PlentyOfMemoryTrainsOn100PointsPerCentroid) {
  const auto plan = plan_build_memory(input("IVF4096,Flat", 999999, 512, "32G"));
  EXPECT_EQ(plan.train_rows, 409600);  // autofaiss-notes §2.2's example
  EXPECT_GT(plan.add_batch_rows, 0);
  EXPECT_LE(plan.peak_bytes(), 32ll << 30);
  EXPECT_LE(plan.add_batch_rows * 4 * 512, 1000000000);  // batches stay under 1 GB
}

TEST(MemoryPlanTest, TightMemoryShrinksTheSampleAndTheBatches) {
  // OPQ's work arrays and PQ's residuals (on the training rules' 16,384-row subsets) and the
  // sample itself dominate training of a small PQ index.
  const char* key = "OPQ16_256,IVF1024_HNSW32,PQ16x8";
  const auto roomy = plan_build_memory(input(key, 200000, 256, "2G"));
  const auto tight = plan_build_memory(input(key, 200000, 256, "300M"));
  EXPECT_EQ(roomy.train_rows, 102400);
  EXPECT_LT(tight.train_rows, roomy.train_rows);
  EXPECT_GE(tight.train_rows, 39 * 1024);
  EXPECT_LT(tight.add_batch_rows, roomy.add_batch_rows);
  EXPECT_LE(tight.peak_bytes(), 300ll << 20);
}

TEST(MemoryPlanTest, FewListsStillGivePqCodebooksTheirPoints) {
  // 64 lists alone would ask for 6,400 rows; each 8-bit codebook has 256 centroids.
  EXPECT_EQ(plan_build_memory(input("IVF64,PQ8x8", 50000, 64, "1G")).train_rows, 25600);
  EXPECT_EQ(plan_build_memory(input("OPQ8_32,IVF64,PQ8x8", 50000, 64, "1G")).train_rows, 25600);
  EXPECT_EQ(plan_build_memory(input("IVF64,PQ8x4", 50000, 64, "1G")).train_rows, 6400);
  EXPECT_EQ(plan_build_memory(input("IVF64,Flat", 50000, 64, "1G")).train_rows, 6400);
  EXPECT_EQ(plan_build_memory(input("IVF64,PQ8x8", 20000, 64, "1G")).train_rows, 20000);
}

TEST(MemoryPlanTest, NoTrainingForFlatAndHnsw) {
  EXPECT_EQ(plan_build_memory(input("Flat", 500, 128, "1G")).train_rows, 0);
  EXPECT_EQ(plan_build_memory(input("HNSW32", 100000, 512, "1G")).train_rows, 0);
}

TEST(MemoryPlanTest, TooSmallBudgetNamesTheSmallestThatWorks) {
  try {
    plan_build_memory(input("IVF1024,Flat", 1000000, 512, "100M"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
    EXPECT_NE(std::string(e.what()).find("give at least"), std::string::npos) << e.what();
  }
}

TEST(MemoryPlanTest, RankRowsAreBalancedAndCoverEverything) {
  int64_t next = 0;
  for (int r = 0; r < 3; ++r) {
    const auto [begin, end] = rank_rows(10, r, 3);
    EXPECT_EQ(begin, next);
    EXPECT_GE(end - begin, 3);
    EXPECT_LE(end - begin, 4);
    next = end;
  }
  EXPECT_EQ(next, 10);
}

}  // namespace
}  // namespace clipret::index
