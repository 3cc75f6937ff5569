// data/partitioning.h: which inputs a partition processes, and how its output files are numbered.
//
// Spec §1.3: partition p (0-based) of P takes every item whose position i in the input list has
// i % P == p (strided, not contiguous); the list is the sorted key list for `files` input and the
// shard list for `webdataset`. Spec §1.7: output file numbers are zero-padded to
// floor(log10(P)) + 1 digits so that lexicographic order is numeric order.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace clipret::data {

// Positions i in [0, item_count) with i % partition_count == partition, ascending. Throws
// Error(kInvalidInput) unless partition < partition_count.
std::vector<size_t> partition_indices(size_t item_count, size_t partition, size_t partition_count);

// The items of `partition` (copied, in order); see partition_indices.
template <typename T>
std::vector<T> take_partition(const std::vector<T>& items, size_t partition,
                              size_t partition_count) {
  std::vector<T> out;
  for (size_t i : partition_indices(items.size(), partition, partition_count)) {
    out.push_back(items[i]);
  }
  return out;
}

// floor(log10(partition_count)) + 1: 1 for 1..9, 2 for 10..99, ... Throws for 0.
int partition_number_width(size_t partition_count);

// `partition` zero-padded to partition_number_width(partition_count): (3, 12) -> "03".
std::string partition_file_number(size_t partition, size_t partition_count);

}  // namespace clipret::data
