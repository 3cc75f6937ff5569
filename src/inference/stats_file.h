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

}  // namespace clipret::inference
