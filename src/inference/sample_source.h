// inference/sample_source.h: the raw samples of one partition, in input order.
//
// A source does I/O only (read files, stream tar shards); decoding and tokenizing happen in the
// preprocessing workers. A sample that cannot be read is still returned, with `skip_reason` set,
// so it is counted where every other skip is.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "data/files_reader.h"

namespace clipret::inference {

struct RawSample {
  std::string image_path;     // file path (files) or sample key (webdataset): the parquet column
  std::string image_bytes;    // encoded image, when images are enabled
  std::string caption;        // caption bytes, when text is enabled
  std::string metadata_json;  // the .json text, when metadata is enabled
  std::string skip_reason;    // non-empty: this sample cannot be used, and why
  std::string skip_detail;    // the specific message (which file, the system's error), for logs
};

class SampleSource {
 public:
  virtual ~SampleSource() = default;
  // The next sample, or nullopt at the end of the partition.
  virtual std::optional<RawSample> next() = 0;
};

// Called for each webdataset shard that broke, with a message naming shard and byte offset.
using ShardErrorCallback = std::function<void(const std::string& message)>;

struct SourceParts {
  bool image = true;
  bool text = true;
  bool metadata = false;
};

// Reads the files of `samples` (one partition's, in order).
std::unique_ptr<SampleSource> make_files_source(std::vector<data::FileSample> samples,
                                                SourceParts parts);

// Streams `shards` (paths or pipe:CMD) one after the other; a sample lacking an enabled
// member (`image_key`, `caption_key`, "json") is returned with a skip reason.
std::unique_ptr<SampleSource> make_webdataset_source(std::vector<std::string> shards,
                                                     SourceParts parts, std::string image_key,
                                                     std::string caption_key,
                                                     ShardErrorCallback on_shard_error);

}  // namespace clipret::inference
