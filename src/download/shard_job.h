// download/shard_job.h: one shard of a download run: its urls fetched, each body verified,
// resized and hashed on the shared workers, every row written by the shard writer.
#pragma once

#include <atomic>
#include <string>

#include "download/download_options.h"
#include "download/fetcher.h"
#include "download/image_resizer.h"
#include "download/run_tally.h"
#include "download/url_list_reader.h"
#include "download/worker_pool.h"

namespace clipret::download {

// What every shard of a run shares.
struct RunContext {
  const DownloadOptions& options;
  const ImageResizer& resizer;
  const FetchOptions fetch;
  WorkerPool& workers;
  RunTally& tally;
  const std::atomic<bool>* stop;
  std::string hash_name;  // compute_hash's type, "" for None
  bool verify = false;
};

// True once `stop` (Ctrl-C) is set.
bool stopping(const std::atomic<bool>* stop);

// Seconds since the Unix epoch (the stats files' start_time and end_time).
double unix_now();

// Downloads one shard and writes it; false when stopped (nothing is closed: the shard has no
// stats file and is redone next time). Throws what the writer throws.
bool run_shard(const RunContext& run, const InputShard& shard);

}  // namespace clipret::download
