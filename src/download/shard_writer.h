// download/shard_writer.h: one shard's output, exactly as img2dataset writes it (notes §5):
//   files       <shard>/<key>.<jpg|png|webp>, <key>.txt (with a caption column), <key>.json
//   webdataset  <shard>.tar (USTAR; a sample's members in the lexicographic order of their
//               extensions; mode 0444, uname/gname "bigdata", mtime now)
//   parquet     the metadata plus a binary column named after the encode format
//   dummy       nothing but the stats
// plus <shard>.parquet (files, webdataset: one row per input row, success or not) and
// <shard>_stats.json. Images, captions and json files are written for successes only.
// Crash safety: the tar and the parquet files are written under temporary names and renamed by
// close(); <shard>_stats.json, which marks the shard done for `incremental`, is written last.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "parquet/table.h"

namespace clipret::download {

struct ShardWriterOptions {
  std::string output_folder;
  int64_t shard_id = 0;
  int64_t oom_shard_count = 5;
  std::string output_format = "files";  // files, webdataset, parquet, dummy
  std::string encode_format = "jpg";    // extension of the image member / name of the column
  bool save_caption = false;            // caption_col was given: <key>.txt members
  bool extract_exif = true;             // an "exif" field
  // compute_hash's type ("sha256"): a field of that name. With verify_hash, the input rows
  // already hold a column of that name: the parquet keeps it at its input position (filled with
  // the computed hash) and the json puts it last, as img2dataset.
  std::optional<std::string> hash_name;
};

// What became of one input row.
struct SampleResult {
  size_t row = 0;      // index in the shard's input rows
  std::string status;  // success, failed_to_download, failed_to_resize
  std::optional<std::string> error_message;
  std::optional<int> width, height, original_width, original_height;
  std::optional<std::string> exif;  // JSON text of the EXIF tags (successes)
  std::optional<std::string> hash;  // hex digest of the downloaded bytes (successes)
  std::string image;                // the encoded image (successes)
};

class ShardWriter {
 public:
  // `input_rows`: the shard's rows (download/url_list_reader.h), which give the metadata's first
  // fields and the keys' order. Creates the output folder. Throws Error(kIo).
  ShardWriter(ShardWriterOptions options, const parquet::Table& input_rows,
              int64_t number_sample_per_shard);
  // Without close(): temporaries removed, no stats file (the shard is redone next time).
  ~ShardWriter();
  ShardWriter(const ShardWriter&) = delete;
  ShardWriter& operator=(const ShardWriter&) = delete;

  // Records one row's outcome, writing its files now for a success (completion order, as
  // img2dataset). Each row once. Not thread-safe. Throws Error(kIo).
  void write(SampleResult result);

  // Writes the metadata parquet (rows in key order; a row never written counts as
  // failed_to_download with error "not downloaded"), renames the outputs into place, then writes
  // <shard>_stats.json with count, successes, failed_to_download, failed_to_resize, duration,
  // start_time, end_time (unix seconds) and status_dict. Throws Error(kIo).
  void close(double start_time, double end_time);

  int64_t successes() const;
  int64_t failures() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace clipret::download
