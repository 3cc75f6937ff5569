// download/download_runner.h: `clip-retrieval download`: the url list, read shard by shard,
// fetched, resized and written (img2dataset's whole job), with incremental resume, MPI ranks,
// a progress bar and a summary.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <string>

#include "download/download_options.h"

namespace clipret::download {

struct DownloadSummary {
  int64_t shards_done = 0;       // written by this run
  int64_t shards_skipped = 0;    // already done (incremental)
  int64_t shards_failed = 0;     // still failed after max_shard_retry
  int64_t shards_failed_io = 0;  // of those, failed last on a file's I/O (e.g. a full disk)
  int64_t count = 0, successes = 0, failed_to_download = 0, failed_to_resize = 0;
  std::map<std::string, int64_t> status_dict;  // message -> count ("success" included)
  double seconds = 0;
};

// Runs the download. Throws Error for bad options or input; per-url failures are counted, not
// thrown. With `stop` set (Ctrl-C), returns after the shards in progress are abandoned (their
// stats are not written, so `incremental` redoes them).
DownloadSummary run_download(const DownloadOptions& options,
                             const std::atomic<bool>* stop = nullptr);

}  // namespace clipret::download
