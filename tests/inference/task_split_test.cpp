#include "inference/task_split.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace clipret::inference {
namespace {

using Tasks = std::vector<int64_t>;

TEST(TaskSplitTest, OriginalsExamples) {
  // spec §1.11: 11 tasks over 3 ranks → [0..3], [4..7], [8..10]; 9 over 3 → thirds.
  EXPECT_EQ(tasks_of_rank(11, 0, 3), (Tasks{0, 1, 2, 3}));
  EXPECT_EQ(tasks_of_rank(11, 1, 3), (Tasks{4, 5, 6, 7}));
  EXPECT_EQ(tasks_of_rank(11, 2, 3), (Tasks{8, 9, 10}));
  EXPECT_EQ(tasks_of_rank(9, 0, 3), (Tasks{0, 1, 2}));
  EXPECT_EQ(tasks_of_rank(9, 1, 3), (Tasks{3, 4, 5}));
  EXPECT_EQ(tasks_of_rank(9, 2, 3), (Tasks{6, 7, 8}));
}

TEST(TaskSplitTest, EveryTaskExactlyOnce) {
  for (int64_t tasks = 0; tasks < 30; ++tasks) {
    for (int64_t ranks = 1; ranks < 9; ++ranks) {
      int64_t expected = 0;
      for (int64_t r = 0; r < ranks; ++r) {
        for (int64_t t : tasks_of_rank(tasks, r, ranks)) EXPECT_EQ(t, expected++);
      }
      EXPECT_EQ(expected, tasks);
    }
  }
}

TEST(TaskSplitTest, MoreRanksThanTasksLeavesSomeIdle) {
  EXPECT_EQ(tasks_of_rank(2, 3, 4), Tasks{});
  EXPECT_THROW(tasks_of_rank(2, 4, 4), Error);
  EXPECT_THROW(tasks_of_rank(2, 0, 0), Error);
}

}  // namespace
}  // namespace clipret::inference
