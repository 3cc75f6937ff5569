// inference/input_plan.h: what an inference run will read, and into how many partitions
// (spec §1.2-1.5).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/files_reader.h"
#include "inference/inference_options.h"

namespace clipret::inference {

struct InferencePlan {
  bool webdataset = false;
  std::vector<data::FileSample> files;  // files input: the samples, sorted by key
  std::vector<std::string> shards;      // webdataset input: expanded shard list
  bool enable_text = true;              // after the files auto-detection
  bool enable_image = true;
  bool enable_metadata = false;
  int64_t estimated_samples = 0;  // files: exact; webdataset: shards × per-shard guess
  int64_t partition_count = 1;
  std::vector<data::MissingPartner> missing;  // files keys left out for a missing partner
};

// Scans the folder or expands the shard patterns, applies subset_size (files) and the
// auto-detection of parts (files: a part with no file of its kind is turned off, as the
// original does when estimating; here always, see docs/differences.md), and derives the
// partition count: output_partition_count, else ceil(estimated / write_batch_size). Throws
// Error(kInvalidInput, "no sample found") when there is nothing to read.
InferencePlan plan_inference(const InferenceOptions& options);

}  // namespace clipret::inference
