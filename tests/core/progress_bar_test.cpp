#include "core/progress_bar.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace clipret::core {
namespace {

TEST(ProgressBarTest, RendersPercentCountsRateAndEta) {
  const std::string line = ProgressBar::render("inference", "samples", 250, 1000, 10.0, 100);
  EXPECT_NE(line.find("inference  25% |"), std::string::npos) << line;
  EXPECT_NE(line.find("250/1000 samples"), std::string::npos) << line;
  EXPECT_NE(line.find("[00:10<00:30, 25.0 samples/s]"), std::string::npos) << line;
  EXPECT_LE(line.size(), 100u);
}

TEST(ProgressBarTest, UnknownTotalShowsCountAndRateOnly) {
  const std::string line = ProgressBar::render("reading", "files", 42, 0, 2.0, 100);
  EXPECT_EQ(line, "reading 42 files [00:02, 21.0 files/s]");
}

TEST(ProgressBarTest, PostfixFollowsTheRateAndTheBarMakesRoom) {
  EXPECT_EQ(ProgressBar::render("download", "samples", 42, 0, 2.0, 100, "success 90.5 %"),
            "download 42 samples [00:02, 21.0 samples/s] success 90.5 %");
  const std::string line =
      ProgressBar::render("download", "samples", 250, 1000, 10.0, 100, "success 90.5 %");
  EXPECT_LE(line.size(), 100u) << line;
  EXPECT_EQ(line.substr(line.size() - 14), "success 90.5 %") << line;
}

TEST(ProgressBarTest, SlowStepsShowSecondsPerStep) {
  // One OPQ round in 34 s: 0.03 rounds/s would read as "0.0 rounds/s".
  const std::string line = ProgressBar::render("OPQ rotation", "rounds", 1, 2, 34.0, 100);
  EXPECT_NE(line.find("1/2 rounds [00:34<00:34, 34.0 s/round]"), std::string::npos) << line;
}

TEST(ProgressBarTest, HoursInDurations) {
  const std::string line = ProgressBar::render("x", "it", 1, 2, 3725.0, 100);
  EXPECT_NE(line.find("[1:02:05<1:02:05"), std::string::npos) << line;
}

TEST(ProgressBarTest, CountIsExactUnderConcurrentAdds) {
  ProgressBar bar({.label = "t", .unit = "it", .total = 40000, .enabled = false});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) bar.add();
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(bar.count(), 40000u);
  bar.finish();
  bar.finish();  // idempotent
}

}  // namespace
}  // namespace clipret::core
