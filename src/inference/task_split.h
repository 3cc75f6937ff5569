// inference/task_split.h: which partitions each rank of a distributed run processes.
//
// Spec §1.11 (the original's slurm worker): ranks take contiguous blocks; base = tasks / ranks,
// and the first tasks % ranks ranks take one more (11 tasks over 3 ranks → [0..3], [4..7],
// [8..10]).
#pragma once

#include <cstdint>
#include <vector>

namespace clipret::inference {

// The partition ids of `rank` (0-based) among `world_size` ranks, for `task_count` partitions.
// Throws Error(kInvalidInput) unless 0 <= rank < world_size.
std::vector<int64_t> tasks_of_rank(int64_t task_count, int64_t rank, int64_t world_size);

}  // namespace clipret::inference
