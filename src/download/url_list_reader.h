// download/url_list_reader.h: the input of `download` (img2dataset's reader, notes §2), read as a
// stream of shards of number_sample_per_shard rows.
//
// Inputs: a file; a folder (every "*.<input_format>" directly inside it, sorted); or brace
// patterns of files. Formats: txt (one url a line), csv, tsv (header row), json (pandas'
// "columns" orientation, and also a list of records), jsonl, each optionally .gz, and parquet
// (our reader, only the needed columns). Shard ids continue across files, each file ending with a
// possibly short shard. Memory stays bounded by one shard (plus, for json only, one file).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "parquet/table.h"

namespace clipret::download {

struct UrlListOptions {
  std::vector<std::string> url_list;
  std::string input_format = "txt";
  std::string url_col = "url";
  std::optional<std::string> caption_col;
  // The column holding expected hashes (verify_hash's first item) and its type ("sha256"), which
  // names it in the shard (img2dataset renames it).
  std::optional<std::string> verify_hash_col;
  std::optional<std::string> verify_hash_type;
  std::vector<std::string> save_additional_columns;
  int64_t number_sample_per_shard = 10000;
  int64_t first_shard_id = 0;  // extend mode: after the existing shards
};

// One shard's rows. Columns, in img2dataset's order: the additional columns, "caption" (when
// caption_col is set), the verify hash column renamed to its type (when set), "url". Columns
// from text formats are nullable strings; from parquet they keep the file's types.
struct InputShard {
  int64_t shard_id = 0;
  std::string source;  // the input file the rows come from (for messages)
  parquet::Table rows;
};

class UrlListReader {
 public:
  // Lists the input files. Throws Error(kNotFound) for a missing file or a folder without any
  // "*.<input_format>" file, Error(kInvalidInput) for an unknown format.
  explicit UrlListReader(UrlListOptions options);
  ~UrlListReader();
  UrlListReader(const UrlListReader&) = delete;
  UrlListReader& operator=(const UrlListReader&) = delete;

  const std::vector<std::string>& files() const;

  // The rows of all the input files when they are cheap to count (parquet: the footers), else
  // nullopt. Reads every parquet footer once.
  std::optional<int64_t> total_rows();

  // Rows read and dropped so far for shards `skip` returned true for.
  int64_t skipped_rows() const;

  // The next shard, or nullopt at the end. Shards whose id `skip` returns true for are counted
  // but not materialised (their rows are read and dropped): `skip` is asked once per shard id, in
  // order, and next() goes on to the first shard it keeps. Throws Error(kInvalidInput) naming
  // the file and line/row for a missing column or unparsable input, Error(kCorrupt) for damaged
  // gzip data, Error(kIo) on read errors.
  std::optional<InputShard> next(const std::function<bool(int64_t shard_id)>& skip = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace clipret::download
