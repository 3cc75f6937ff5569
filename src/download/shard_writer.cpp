#include "download/shard_writer.h"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <utility>
#include <vector>

#include "core/atomic_file.h"
#include "core/error.h"
#include "download/download_options.h"
#include "download/image_spill.h"
#include "download/python_cell.h"
#include "download/python_json.h"
#include "download/status_counter.h"
#include "download/tar_writer.h"
#include "parquet/column.h"
#include "parquet/parquet_writer.h"

namespace clipret::download {
namespace {

constexpr const char* kNotDownloaded = "not downloaded";
// Row groups of the parquet output format: bounded by rows (img2dataset's buffer of 100) and by
// image bytes, so that a shard of large images never sits in memory whole.
constexpr size_t kImageGroupRows = 100;
constexpr size_t kImageGroupBytes = size_t{64} << 20;

struct SpilledImage {
  uint64_t offset = 0;
  size_t size = 0;
};

void append_optional(parquet::Column& column, const std::optional<std::string>& value) {
  if (value) {
    column.append_bytes(*value);
  } else {
    column.append_null();
  }
}

void append_optional(parquet::Column& column, const std::optional<int>& value) {
  if (value) {
    column.append_int32(*value);
  } else {
    column.append_null();
  }
}

void json_optional(PythonJsonWriter& json, const std::optional<std::string>& value) {
  if (value) {
    json.string_value(*value);
  } else {
    json.null_value();
  }
}

void json_optional(PythonJsonWriter& json, const std::optional<int>& value) {
  if (value) {
    json.int_value(*value);
  } else {
    json.null_value();
  }
}

}  // namespace

struct ShardWriter::Impl {
  ShardWriterOptions options;
  parquet::Table input;
  int64_t number_sample_per_shard = 0;
  std::string shard;  // the shard's name, "00012"
  std::filesystem::path folder;
  int caption_column = -1;
  bool hash_is_input = false;                        // verify_hash: the input holds the hash column
  std::vector<std::optional<SampleResult>> results;  // by row; images moved out
  std::vector<SpilledImage> spilled;                 // by row (parquet output format)
  StatusCounter status_counter;
  int64_t successes = 0, failures = 0;
  std::unique_ptr<TarWriter> tar;
  std::unique_ptr<ImageSpill> spill;
  bool closed = false;

  std::string path(const std::string& name) const { return (folder / name).string(); }
  std::string key(size_t row) const {
    return sample_key(options.shard_id, static_cast<int64_t>(row), number_sample_per_shard,
                      options.oom_shard_count);
  }

  std::string sample_json(const SampleResult& result) const;
  void write_sample_files(const SampleResult& result);
  parquet::Schema output_schema() const;
  parquet::Table output_rows(size_t begin, size_t end) const;
  void write_parquet() const;
  void write_stats(double start_time, double end_time) const;
};

// The metadata dict of img2dataset's sidecar: the input columns (a verify hash column moves to
// the end, where the computed hash goes), then the fields of the download.
std::string ShardWriter::Impl::sample_json(const SampleResult& result) const {
  PythonJsonWriter json;
  json.begin_object();
  for (const parquet::Column& column : input.columns()) {
    if (options.hash_name && column.name() == *options.hash_name) continue;
    json.key(column.name());
    write_cell_json(column, result.row, json);
  }
  json.key("key");
  json.string_value(key(result.row));
  json.key("status");
  json.string_value(result.status);
  json.key("error_message");
  json_optional(json, result.error_message);
  json.key("width");
  json_optional(json, result.width);
  json.key("height");
  json_optional(json, result.height);
  json.key("original_width");
  json_optional(json, result.original_width);
  json.key("original_height");
  json_optional(json, result.original_height);
  if (options.extract_exif) {
    json.key("exif");
    json_optional(json, result.exif);
  }
  if (options.hash_name) {
    json.key(*options.hash_name);
    json_optional(json, result.hash);
  }
  json.end_object();
  return json.text();
}

void ShardWriter::Impl::write_sample_files(const SampleResult& result) {
  const std::string sample = key(result.row);
  // A sample's members sorted by extension, as webdataset's TarWriter writes a dict's keys.
  std::vector<std::pair<std::string, std::string>> members;
  members.emplace_back(options.encode_format, result.image);
  members.emplace_back("json", sample_json(result));
  if (options.save_caption) {
    members.emplace_back("txt",
                         cell_text(input.column(static_cast<size_t>(caption_column)), result.row));
  }
  std::sort(members.begin(), members.end());
  if (tar) {
    const TarMemberOptions member{.mtime = static_cast<int64_t>(std::time(nullptr))};
    for (const auto& [extension, bytes] : members) {
      tar->add(sample + "." + extension, bytes, member);
    }
    return;
  }
  for (const auto& [extension, bytes] : members) {
    core::write_file_atomically(path(shard + "/" + sample + "." + extension), bytes);
  }
}

parquet::Schema ShardWriter::Impl::output_schema() const {
  parquet::Schema schema;
  for (const parquet::Column& column : input.columns()) {
    const bool computed_hash = options.hash_name && column.name() == *options.hash_name;
    schema.push_back({column.name(), computed_hash ? parquet::string_type() : column.type(), true});
  }
  for (const char* name : {"key", "status", "error_message"}) {
    schema.push_back({name, parquet::string_type(), true});
  }
  for (const char* name : {"width", "height", "original_width", "original_height"}) {
    schema.push_back({name, parquet::int32_type(), true});
  }
  if (options.extract_exif) schema.push_back({"exif", parquet::string_type(), true});
  if (options.hash_name && !hash_is_input) {
    schema.push_back({*options.hash_name, parquet::string_type(), true});
  }
  if (options.output_format == "parquet") {
    schema.push_back({options.encode_format, parquet::binary_type(), true});
  }
  return schema;
}

// Rows [begin, end) of the output parquet; a row never written is a download that did not
// happen.
parquet::Table ShardWriter::Impl::output_rows(size_t begin, size_t end) const {
  parquet::Table table(output_schema());
  size_t c = 0;
  for (const parquet::Column& column : input.columns()) {
    parquet::Column& out = table.column(c++);
    if (options.hash_name && column.name() == *options.hash_name) {
      for (size_t row = begin; row < end; ++row) {
        append_optional(out, results[row] ? results[row]->hash : std::nullopt);
      }
    } else {
      out.append_rows(column, begin, end);
    }
  }
  const size_t fixed = c;
  for (size_t row = begin; row < end; ++row) {
    const std::optional<SampleResult>& result = results[row];
    c = fixed;
    table.column(c++).append_bytes(key(row));
    table.column(c++).append_bytes(result ? result->status : "failed_to_download");
    append_optional(table.column(c++), result ? result->error_message : kNotDownloaded);
    const std::optional<int> none;
    append_optional(table.column(c++), result ? result->width : none);
    append_optional(table.column(c++), result ? result->height : none);
    append_optional(table.column(c++), result ? result->original_width : none);
    append_optional(table.column(c++), result ? result->original_height : none);
    if (options.extract_exif) {
      append_optional(table.column(c++), result ? result->exif : std::nullopt);
    }
    if (options.hash_name && !hash_is_input) {
      append_optional(table.column(c++), result ? result->hash : std::nullopt);
    }
    if (spill) {
      parquet::Column& image = table.column(c++);
      if (result && result->status == "success") {
        image.append_bytes(spill->read(spilled[row].offset, spilled[row].size));
      } else {
        image.append_null();
      }
    }
  }
  return table;
}

void ShardWriter::Impl::write_parquet() const {
  parquet::ParquetWriter writer(path(shard + ".parquet"), output_schema());
  const size_t rows = results.size();
  if (!spill) {
    writer.write_row_groups(output_rows(0, rows));
  } else {
    for (size_t begin = 0; begin < rows;) {
      size_t end = begin, bytes = 0;
      while (end < rows && end - begin < kImageGroupRows && bytes < kImageGroupBytes) {
        if (results[end] && results[end]->status == "success") bytes += spilled[end].size;
        ++end;
      }
      writer.write_row_groups(output_rows(begin, end));
      begin = end;
    }
  }
  writer.close();
}

void ShardWriter::Impl::write_stats(double start_time, double end_time) const {
  StatusCounter status_dict = status_counter;
  for (const std::optional<SampleResult>& result : results) {
    if (!result) status_dict.increment(kNotDownloaded);
  }
  int64_t counts[3] = {0, 0, 0};  // successes, failed_to_download, failed_to_resize
  for (const std::optional<SampleResult>& result : results) {
    if (!result || result->status == "failed_to_download") {
      ++counts[1];
    } else if (result->status == "success") {
      ++counts[0];
    } else {
      ++counts[2];
    }
  }
  PythonJsonWriter json;
  json.begin_object();
  json.key("count");
  json.int_value(static_cast<int64_t>(results.size()));
  json.key("successes");
  json.int_value(counts[0]);
  json.key("failed_to_download");
  json.int_value(counts[1]);
  json.key("failed_to_resize");
  json.int_value(counts[2]);
  json.key("duration");
  json.double_value(end_time - start_time);
  json.key("start_time");
  json.double_value(start_time);
  json.key("end_time");
  json.double_value(end_time);
  json.key("status_dict");
  json.begin_object();
  for (const auto& [message, count] : status_dict.entries()) {
    json.key(message);
    json.int_value(count);
  }
  json.end_object();
  json.end_object();
  core::write_file_atomically(path(shard + "_stats.json"), json.text());
}

ShardWriter::ShardWriter(ShardWriterOptions options, const parquet::Table& input_rows,
                         int64_t number_sample_per_shard)
    : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.options = std::move(options);
  s.input = input_rows;
  s.number_sample_per_shard = number_sample_per_shard;
  s.shard = shard_name(s.options.shard_id, s.options.oom_shard_count);
  s.folder = s.options.output_folder;
  s.results.resize(s.input.num_rows());
  const std::string& format = s.options.output_format;
  CLIPRET_CHECK(
      format == "files" || format == "webdataset" || format == "parquet" || format == "dummy",
      InvalidInput, "output_format must be files, webdataset, parquet or dummy, got '%s'",
      format.c_str());
  if (s.options.save_caption) {
    s.caption_column = s.input.column_index("caption");
    CLIPRET_CHECK(s.caption_column >= 0, InvalidInput,
                  "shard %s: save_caption needs a 'caption' column in the input rows",
                  s.shard.c_str());
  }
  s.hash_is_input = s.options.hash_name && s.input.column_index(*s.options.hash_name) >= 0;

  std::error_code error;
  std::filesystem::create_directories(format == "files" ? s.folder / s.shard : s.folder, error);
  CLIPRET_CHECK(!error, Io, "%s: cannot create the output folder: %s", s.folder.c_str(),
                error.message().c_str());
  if (format == "webdataset") s.tar = std::make_unique<TarWriter>(s.path(s.shard + ".tar"));
  if (format == "parquet") {
    s.spill = std::make_unique<ImageSpill>(s.path(s.shard + ".parquet"));
    s.spilled.resize(s.results.size());
  }
}

ShardWriter::~ShardWriter() = default;

void ShardWriter::write(SampleResult result) {
  Impl& s = *impl_;
  CLIPRET_CHECK(!s.closed, Internal, "shard %s: write after close", s.shard.c_str());
  CLIPRET_CHECK(result.row < s.results.size(), InvalidInput,
                "shard %s: row %zu out of range (%zu rows)", s.shard.c_str(), result.row,
                s.results.size());
  CLIPRET_CHECK(!s.results[result.row], InvalidInput, "shard %s: row %zu written twice",
                s.shard.c_str(), result.row);
  const bool success = result.status == "success";
  CLIPRET_CHECK(
      success || result.status == "failed_to_download" || result.status == "failed_to_resize",
      InvalidInput, "shard %s: row %zu has unknown status '%s'", s.shard.c_str(), result.row,
      result.status.c_str());
  if (success) {
    if (s.spill) {
      s.spilled[result.row] = {s.spill->append(result.image), result.image.size()};
    } else if (s.options.output_format != "dummy") {
      s.write_sample_files(result);
    }
    ++s.successes;
    s.status_counter.increment("success");
  } else {
    ++s.failures;
    // Python's json.dumps writes a None key as "null".
    s.status_counter.increment(result.error_message.value_or("null"));
  }
  result.image = std::string();
  s.results[result.row] = std::move(result);
}

void ShardWriter::close(double start_time, double end_time) {
  Impl& s = *impl_;
  CLIPRET_CHECK(!s.closed, Internal, "shard %s: closed twice", s.shard.c_str());
  if (s.tar) s.tar->close();
  if (s.options.output_format != "dummy") s.write_parquet();
  s.spill.reset();
  s.write_stats(start_time, end_time);
  s.closed = true;
}

int64_t ShardWriter::successes() const {
  return impl_->successes;
}
int64_t ShardWriter::failures() const {
  return impl_->failures;
}

}  // namespace clipret::download
