// index/distributed_build.h: ranks of one `mpirun` / `srun` build meeting in a shared folder.
//
// No MPI library calls, as in the inference module: the launcher gives each process its rank,
// and the ranks coordinate through files in a folder every rank can see (the index folder):
//   rank 0 trains and publishes trained.index; every rank waits for it, adds its share of the
//   rows (global ids kept) and publishes part_<r>.index; rank 0 waits for all parts and merges
//   them. Files are written under temporary names and renamed, so a file that exists is
//   complete. A rank that fails leaves failed_rank_<r>.txt with its error; every waiting rank
//   checks for those and stops with that error instead of waiting forever.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "index/faiss_index.h"

namespace clipret::index {

// The balanced share [begin, end) of n rows for `rank` of `world_size` (autofaiss's split).
std::pair<int64_t, int64_t> rank_rows(int64_t n, int rank, int world_size);

class BuildRendezvous {
 public:
  // `folder` is created if needed (by any rank).
  BuildRendezvous(std::string folder, int rank, int world_size);

  const std::string& folder() const { return folder_; }

  // Rank 0, before training: removes the folders that failed runs of other jobs left beside
  // this one (`<index>.parts-<other job id>`), and refuses to go on when this run's own folder
  // already holds a published file: the job id was reused (or no launcher gave one), and the
  // other ranks could take those stale files for this run's.
  void prepare_as_rank0() const;

  // Rank 0: the trained empty index for the other ranks.
  void publish_trained(const faiss::Index& index) const;
  // Waits until trained.index exists and reads it. Throws when a rank failed.
  IndexPtr wait_for_trained() const;
  // This rank's populated part.
  void publish_part(const faiss::Index& index) const;
  // Rank 0: waits until every rank's part exists; returns their paths in rank order.
  std::vector<std::string> wait_for_parts() const;
  // Records this rank's failure for the others (best effort: never throws).
  void report_failure(const std::string& message) const noexcept;
  // Rank 0, after merging: removes the folder.
  void remove() const;

 private:
  std::string path(const std::string& name) const;
  void throw_if_a_rank_failed() const;
  void publish(const faiss::Index& index, const std::string& name) const;

  std::string folder_;
  int rank_;
  int world_size_;
};

}  // namespace clipret::index
