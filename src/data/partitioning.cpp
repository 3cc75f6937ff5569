#include "data/partitioning.h"

#include "core/error.h"

namespace clipret::data {
namespace {

constexpr size_t kDecimalBase = 10;

void check_partition(size_t partition, size_t partition_count) {
  CLIPRET_CHECK(partition_count > 0, InvalidInput, "partition count must be positive");
  CLIPRET_CHECK(partition < partition_count, InvalidInput,
                "partition %zu is out of range for %zu partitions", partition, partition_count);
}

}  // namespace

std::vector<size_t> partition_indices(size_t item_count, size_t partition, size_t partition_count) {
  check_partition(partition, partition_count);
  std::vector<size_t> out;
  out.reserve(item_count / partition_count + 1);
  for (size_t i = partition; i < item_count; i += partition_count) out.push_back(i);
  return out;
}

int partition_number_width(size_t partition_count) {
  CLIPRET_CHECK(partition_count > 0, InvalidInput, "partition count must be positive");
  int width = 1;
  for (size_t rest = partition_count; rest >= kDecimalBase; rest /= kDecimalBase) ++width;
  return width;
}

std::string partition_file_number(size_t partition, size_t partition_count) {
  check_partition(partition, partition_count);
  return string_printf("%0*zu", partition_number_width(partition_count), partition);
}

}  // namespace clipret::data
