#include "download/url_list_reader.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <utility>

#include "core/brace_expand.h"
#include "core/error.h"
#include "core/log.h"
#include "download/json_parsers.h"
#include "download/parquet_row_source.h"
#include "download/row_parser.h"
#include "download/row_source.h"
#include "download/text_parsers.h"
#include "parquet/parquet_reader.h"

// The formats themselves are read by text_parsers (txt, csv, tsv), json_parsers (json, jsonl)
// and parquet_row_source; this file lists the input files and cuts their rows into shards.

namespace clipret::download {
namespace {

namespace fs = std::filesystem;

enum class Format { kTxt, kCsv, kTsv, kJson, kJsonl, kParquet };

struct FormatSpec {
  Format format;
  bool gzip;
};

FormatSpec parse_format(const std::string& name) {
  static const std::pair<const char*, Format> kFormats[] = {
      {"txt", Format::kTxt},   {"csv", Format::kCsv},     {"tsv", Format::kTsv},
      {"json", Format::kJson}, {"jsonl", Format::kJsonl}, {"parquet", Format::kParquet}};
  const bool gzip = name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0;
  const std::string base = gzip ? name.substr(0, name.size() - 3) : name;
  for (const auto& [text, format] : kFormats) {
    if (base == text && !(gzip && format == Format::kParquet)) return {format, gzip};
  }
  CLIPRET_THROW(InvalidInput,
                "input_format: unknown format '%s' (txt, txt.gz, csv, csv.gz, tsv, tsv.gz, json, "
                "json.gz, jsonl, jsonl.gz, parquet)",
                name.c_str());
}

bool has_suffix(const std::string& name, const std::string& suffix) {
  return name.size() > suffix.size() &&
         name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A folder's "*.<format>" files, as Python's glob lists them (no hidden files), sorted.
std::vector<std::string> list_folder(const std::string& folder, const std::string& format) {
  std::vector<std::string> files;
  std::error_code ec;
  fs::directory_iterator it(folder, ec);
  CLIPRET_CHECK(!ec, Io, "%s: cannot list the folder: %s", folder.c_str(), ec.message().c_str());
  for (const fs::directory_entry& entry : it) {
    const std::string name = entry.path().filename().string();
    if (name[0] == '.' || !has_suffix(name, "." + format)) continue;
    if (entry.is_regular_file(ec)) files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  CLIPRET_CHECK(!files.empty(), NotFound, "%s: no *.%s file in this folder", folder.c_str(),
                format.c_str());
  return files;
}

}  // namespace

struct UrlListReader::Impl {
  UrlListOptions options;
  FormatSpec format{};
  std::vector<std::string> files;
  std::vector<std::string> wanted;  // source column names, in shard order
  std::vector<std::string> names;   // their names in the shard
  size_t next_file = 0;
  int64_t next_shard_id = 0;
  std::unique_ptr<RowSource> source;
  std::string source_name;
  int64_t skipped_rows = 0;

  std::unique_ptr<RowSource> open(const std::string& path) const {
    parquet::Schema strings;
    for (const std::string& name : names) strings.push_back({name, parquet::string_type(), true});
    const bool gz = format.gzip;
    std::unique_ptr<RowParser> parser;
    switch (format.format) {
      case Format::kTxt:
        parser = make_txt_parser(path, gz);
        break;
      case Format::kCsv:
      case Format::kTsv:
        parser =
            make_delimited_parser(path, gz, format.format == Format::kCsv ? ',' : '\t', wanted);
        break;
      case Format::kJson:
        parser = make_json_document_parser(path, gz, wanted);
        break;
      case Format::kJsonl:
        parser = make_json_lines_parser(path, gz, wanted, options.number_sample_per_shard);
        break;
      case Format::kParquet:
        return make_parquet_row_source(path, wanted, names);
    }
    return make_text_row_source(std::move(parser), std::move(strings));
  }
};

UrlListReader::UrlListReader(UrlListOptions options) : impl_(std::make_unique<Impl>()) {
  Impl& d = *impl_;
  d.options = std::move(options);
  const UrlListOptions& o = d.options;
  d.format = parse_format(o.input_format);
  CLIPRET_CHECK(o.number_sample_per_shard > 0, InvalidInput,
                "number_sample_per_shard must be positive, got %lld",
                static_cast<long long>(o.number_sample_per_shard));
  CLIPRET_CHECK(o.first_shard_id >= 0, InvalidInput, "first shard id must be >= 0, got %lld",
                static_cast<long long>(o.first_shard_id));
  CLIPRET_CHECK(o.verify_hash_col.has_value() == o.verify_hash_type.has_value(), InvalidInput,
                "verify_hash needs both a column and a hash type");
  CLIPRET_CHECK(!o.url_list.empty(), InvalidInput, "url_list: no input given");
  d.next_shard_id = o.first_shard_id;

  if (d.format.format == Format::kTxt) {
    // img2dataset's txt input has the url column only (notes §2).
    if (o.caption_col || o.verify_hash_col || !o.save_additional_columns.empty()) {
      CLIPRET_LOG_WARN(
          "input_format %s has urls only: caption_col, verify_hash and "
          "save_additional_columns are ignored",
          o.input_format.c_str());
    }
    d.wanted = {"url"};
    d.names = {"url"};
  } else {
    d.wanted = o.save_additional_columns;
    d.names = o.save_additional_columns;
    if (o.caption_col) {
      d.wanted.push_back(*o.caption_col);
      d.names.push_back("caption");
    }
    if (o.verify_hash_col) {
      d.wanted.push_back(*o.verify_hash_col);
      d.names.push_back(*o.verify_hash_type);
    }
    d.wanted.push_back(o.url_col);
    d.names.push_back("url");
  }
  for (size_t i = 0; i < d.names.size(); ++i) {
    CLIPRET_CHECK(std::count(d.names.begin(), d.names.end(), d.names[i]) == 1, InvalidInput,
                  "shard column '%s' would appear twice (check save_additional_columns)",
                  d.names[i].c_str());
  }

  for (const std::string& entry : o.url_list) {
    std::error_code ec;
    // A path that exists is taken as written, even with braces in its name.
    const std::vector<std::string> paths =
        fs::exists(entry, ec) ? std::vector<std::string>{entry} : core::brace_expand(entry);
    for (const std::string& path : paths) {
      const fs::file_status status = fs::status(path, ec);
      CLIPRET_CHECK(fs::exists(status), NotFound, "url_list: no such file or folder: %s",
                    path.c_str());
      if (fs::is_directory(status)) {
        for (std::string& file : list_folder(path, o.input_format)) {
          d.files.push_back(std::move(file));
        }
      } else {
        d.files.push_back(path);
      }
    }
  }
}

UrlListReader::~UrlListReader() = default;

const std::vector<std::string>& UrlListReader::files() const {
  return impl_->files;
}

std::optional<int64_t> UrlListReader::total_rows() {
  if (impl_->format.format != Format::kParquet) return std::nullopt;
  int64_t rows = 0;
  for (const std::string& file : impl_->files)
    rows += parquet::ParquetReader::open(file)->num_rows();
  return rows;
}

int64_t UrlListReader::skipped_rows() const {
  return impl_->skipped_rows;
}

std::optional<InputShard> UrlListReader::next(const std::function<bool(int64_t)>& skip) {
  Impl& d = *impl_;
  const int64_t per_shard = d.options.number_sample_per_shard;
  for (;;) {
    if (!d.source) {
      if (d.next_file == d.files.size()) return std::nullopt;
      d.source_name = d.files[d.next_file++];
      d.source = d.open(d.source_name);
    }
    if (d.source->at_end()) {
      d.source.reset();
      continue;
    }
    const int64_t shard_id = d.next_shard_id++;
    if (skip && skip(shard_id)) {
      d.skipped_rows += d.source->read(nullptr, per_shard);
      continue;
    }
    InputShard shard{shard_id, d.source_name, parquet::Table(d.source->schema())};
    d.source->read(&shard.rows, per_shard);
    return shard;
  }
}

}  // namespace clipret::download
