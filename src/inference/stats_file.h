// inference/stats_file.h: stats/<partition>.json (spec §1.8), also the mark of a finished
// partition: it is written, atomically, after the partition's outputs are in place, so a re-run
// skips exactly the partitions that completed (resume; the original cannot, its issue #368).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "inference/partition_runner.h"

namespace clipret::inference {

// <output_folder>/stats/<partition>.json
std::string stats_file_path(const std::string& output_folder, int64_t partition);

// Writes the stats of a finished partition (temporary file + rename). Throws Error(kIo).
void write_stats_file(const std::string& output_folder, int64_t partition,
                      const PartitionStats& stats);

// The stats of a finished partition, or nullopt when it has not finished (no file, or a file
// that does not parse, which is then redone).
std::optional<PartitionStats> read_stats_file(const std::string& output_folder, int64_t partition);

// A rank of a distributed run that failed leaves stats/failed_rank_<r>.txt with its error, so
// rank 0, waiting for every partition, stops with that error instead of waiting forever.
void write_rank_failure(const std::string& output_folder, int64_t rank, const std::string& error);
// Removes this rank's marker of an earlier run.
void clear_rank_failure(const std::string& output_folder, int64_t rank);
// "rank R: error" of the first failure marker written at or after `since` (unix seconds).
std::optional<std::string> find_rank_failure(const std::string& output_folder, double since);

}  // namespace clipret::inference
