#include "inference/task_split.h"

#include "core/error.h"

namespace clipret::inference {

std::vector<int64_t> tasks_of_rank(int64_t task_count, int64_t rank, int64_t world_size) {
  CLIPRET_CHECK(world_size > 0 && rank >= 0 && rank < world_size && task_count >= 0, InvalidInput,
                "rank %lld of %lld ranks (%lld tasks): the rank must be in [0, world size)",
                static_cast<long long>(rank), static_cast<long long>(world_size),
                static_cast<long long>(task_count));
  const int64_t base = task_count / world_size;
  const int64_t extra = task_count % world_size;
  const int64_t begin = rank * base + (rank < extra ? rank : extra);
  const int64_t count = base + (rank < extra ? 1 : 0);
  std::vector<int64_t> tasks;
  tasks.reserve(static_cast<size_t>(count));
  for (int64_t t = begin; t < begin + count; ++t) tasks.push_back(t);
  return tasks;
}

}  // namespace clipret::inference
