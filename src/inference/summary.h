// inference/summary.h: the closing report of an inference run.
#pragma once

#include <cstdint>
#include <string>

#include "inference/partition_runner.h"

namespace clipret::inference {

// "7 samples written, 1 skipped (undecodable image: 1), 0 broken shards, 35.2 samples/s; time:
// read 0.01 s, preprocess 0.20 s, model 0.15 s, write 0.01 s, total 0.20 s". Rates use wall time.
std::string format_summary(const PartitionStats& totals);

// Logs format_summary at info level, with how many partitions ran and were resumed.
void log_summary(const PartitionStats& totals, int64_t partitions_run, int64_t partitions_resumed);

}  // namespace clipret::inference
