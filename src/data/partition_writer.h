// data/partition_writer.h: the output files of one inference partition (spec §1.7).
//
// img_emb/img_emb_<N>.npy and text_emb/text_emb_<N>.npy (float16 rows, streamed to temporary
// files as batches arrive, so memory stays flat) and metadata/metadata_<N>.parquet, where <N> is
// the partition number zero-padded for the partition count. Row r of each file is the same
// sample. finish() renames everything into place; a partition that produced no sample writes no
// file (as the original). Destroyed without finish(), nothing appears under the final names.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "data/json_flatten.h"

namespace clipret::data {

struct PartitionWriterOptions {
  std::string output_folder;
  int64_t partition = 0;         // 0-based partition id
  int64_t partition_count = 1;   // sets the zero padding of <N>
  bool enable_image = true;      // write img_emb/ and the image_path column
  bool enable_text = true;       // write text_emb/ and the caption column
  bool enable_metadata = false;  // write the flattened .json fields
};

// One sample's row of metadata.
struct SampleRecord {
  std::string_view image_path;  // file path (files input) or sample key (webdataset)
  std::string_view caption;
  const std::vector<FlatField>* fields = nullptr;  // flattened .json; null when none
};

class PartitionWriter {
 public:
  // Creates the output folders (metadata/ always, img_emb/ and text_emb/ when enabled).
  explicit PartitionWriter(PartitionWriterOptions options);
  ~PartitionWriter();
  PartitionWriter(const PartitionWriter&) = delete;
  PartitionWriter& operator=(const PartitionWriter&) = delete;

  // Appends `n` samples: `image_embeddings` and `text_embeddings` are n×dim row-major float32
  // (already L2-normalised; ignored when their part is disabled), `records` n rows of metadata.
  // The dimension is fixed by the first batch. Throws Error(kIo) when writing fails.
  void append(size_t n, const float* image_embeddings, size_t image_dim,
              const float* text_embeddings, size_t text_dim, const SampleRecord* records);

  // Renames the files into place (none when no sample was appended). Throws Error(kIo).
  void finish();

  size_t rows() const;
  // "0", "00", ... : the partition's zero-padded number.
  const std::string& file_number() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace clipret::data
