#include "data/partitioning.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace clipret::data {
namespace {

TEST(PartitioningTest, SevenItemsTwoPartitions) {
  // Spec §1.3: 7 images, P=2 -> p0 gets keys 0,2,4,6 and p1 gets 1,3,5.
  const std::vector<std::string> keys = {"a", "b", "c", "d", "e", "f", "g"};
  EXPECT_EQ(take_partition(keys, 0, 2), (std::vector<std::string>{"a", "c", "e", "g"}));
  EXPECT_EQ(take_partition(keys, 1, 2), (std::vector<std::string>{"b", "d", "f"}));
  EXPECT_EQ(partition_indices(7, 1, 2), (std::vector<size_t>{1, 3, 5}));
}

TEST(PartitioningTest, MorePartitionsThanItems) {
  EXPECT_EQ(partition_indices(2, 0, 4), (std::vector<size_t>{0}));
  EXPECT_TRUE(partition_indices(2, 3, 4).empty());
  EXPECT_TRUE(partition_indices(0, 0, 1).empty());
}

TEST(PartitioningTest, RejectsBadPartition) {
  EXPECT_THROW(partition_indices(5, 2, 2), Error);
  EXPECT_THROW(partition_indices(5, 0, 0), Error);
  EXPECT_THROW(partition_number_width(0), Error);
}

TEST(PartitioningTest, FileNumberWidth) {
  // Spec §1.7: floor(log10(P)) + 1 digits.
  EXPECT_EQ(partition_number_width(1), 1);
  EXPECT_EQ(partition_number_width(9), 1);
  EXPECT_EQ(partition_number_width(10), 2);
  EXPECT_EQ(partition_number_width(99), 2);
  EXPECT_EQ(partition_number_width(100), 3);
  EXPECT_EQ(partition_file_number(0, 1), "0");
  EXPECT_EQ(partition_file_number(3, 12), "03");
  EXPECT_EQ(partition_file_number(7, 100), "007");
  EXPECT_EQ(partition_file_number(99, 100), "099");
}

}  // namespace
}  // namespace clipret::data
