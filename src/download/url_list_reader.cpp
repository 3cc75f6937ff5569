#include "download/url_list_reader.h"

#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <system_error>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "core/brace_expand.h"
#include "core/error.h"
#include "core/log.h"
#include "core/stream.h"
#include "core/utf8_validate.h"
#include "parquet/parquet_reader.h"

// Text formats follow pyarrow's CSV reader (img2dataset's parser), with these choices:
// - empty lines are skipped (pyarrow's ignore_empty_lines); "\n", "\r\n" and a lone "\r" end a
//   line; a UTF-8 byte order mark at the start is dropped;
// - an empty CSV field is an empty string, not null (pyarrow's strings_can_be_null=False); all
//   values stay strings, as the header promises (pyarrow would infer numbers: a deliberate
//   difference, since urls and captions are strings either way);
// - quoted fields may hold delimiters, doubled quotes and newlines (pyarrow refuses newlines in
//   values by default; accepting them loses nothing); a quote anywhere in a field opens a quoted
//   section, as in pyarrow;
// - txt lines are urls taken verbatim: img2dataset parses them as one-column CSV, so a url with a
//   comma or a quote fails or changes there (quirk, notes §2); here it is kept as written.
// JSON values (json, jsonl): strings as is, null as null, anything else as its JSON text.

namespace clipret::download {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using Fields = std::vector<std::optional<std::string>>;

constexpr size_t kReadChunk = size_t{1} << 16;
constexpr int kGzipWindowBits = 15 + 16;  // max window, gzip header expected
// A hostile file without newlines would otherwise be read into one record without end.
constexpr size_t kMaxRecordBytes = size_t{1} << 28;
constexpr size_t kMaxJsonDocumentBytes = size_t{1} << 34;

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

// The bytes of one input file, gunzipped (all members) when `gzip`, read a chunk at a time.
class ByteSource {
 public:
  ByteSource(const std::string& path, bool gzip)
      : stream_(core::open_input_stream(path)), gzip_(gzip), buffer_(kReadChunk, '\0') {
    if (!gzip_) return;
    raw_.resize(kReadChunk);
    CLIPRET_CHECK(inflateInit2(&z_, kGzipWindowBits) == Z_OK, Internal, "%s: inflateInit2 failed",
                  path.c_str());
  }
  ~ByteSource() {
    if (gzip_) inflateEnd(&z_);
  }
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;

  const std::string& name() const { return stream_->name(); }

  // The next byte, or -1 at the end.
  int get() { return pos_ < len_ || refill() ? static_cast<unsigned char>(buffer_[pos_++]) : -1; }
  int peek() { return pos_ < len_ || refill() ? static_cast<unsigned char>(buffer_[pos_]) : -1; }

  void skip_utf8_bom() {
    static constexpr char kBom[] = "\xEF\xBB\xBF";
    if ((pos_ < len_ || refill()) && len_ - pos_ >= 3 && buffer_.compare(pos_, 3, kBom) == 0) {
      pos_ += 3;
    }
  }

 private:
  bool refill() {
    pos_ = len_ = 0;
    if (!gzip_) {
      len_ = stream_->read(buffer_.data(), buffer_.size());
      return len_ > 0;
    }
    while (len_ == 0) {
      if (z_.avail_in == 0) {
        const size_t n = stream_->read(raw_.data(), raw_.size());
        if (n == 0) {
          // An empty file reads as empty, as Python's gzip module has it.
          CLIPRET_CHECK(!in_member_ || z_.total_in == 0, Corrupt, "%s: truncated gzip data",
                        name().c_str());
          return false;
        }
        z_.next_in = reinterpret_cast<Bytef*>(raw_.data());
        z_.avail_in = static_cast<uInt>(n);
      }
      if (!in_member_) {  // another member follows (what `cat a.gz b.gz` produces)
        CLIPRET_CHECK(inflateReset(&z_) == Z_OK, Internal, "%s: inflateReset failed",
                      name().c_str());
        in_member_ = true;
      }
      z_.next_out = reinterpret_cast<Bytef*>(buffer_.data());
      z_.avail_out = static_cast<uInt>(buffer_.size());
      const int rc = inflate(&z_, Z_NO_FLUSH);
      CLIPRET_CHECK(rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR, Corrupt,
                    "%s: damaged gzip data (%s)", name().c_str(), z_.msg ? z_.msg : "inflate");
      if (rc == Z_STREAM_END) in_member_ = false;
      len_ = buffer_.size() - z_.avail_out;
    }
    return true;
  }

  std::unique_ptr<core::InputStream> stream_;
  bool gzip_;
  std::string buffer_;  // decoded bytes [pos_, len_) not yet consumed
  size_t pos_ = 0, len_ = 0;
  std::string raw_;  // compressed input
  z_stream z_{};
  bool in_member_ = true;
};

// Line-oriented reading shared by the text parsers: counts lines for messages.
class LineCursor {
 public:
  LineCursor(const std::string& path, bool gzip) : bytes_(path, gzip) { bytes_.skip_utf8_bom(); }

  ByteSource& bytes() { return bytes_; }
  const std::string& name() const { return bytes_.name(); }
  // The line (1-based) the next byte belongs to.
  int64_t position() const { return position_; }
  // The line next_line returned last.
  int64_t line() const { return line_; }

  // Consumes the end of a line whose first byte `c` was just read; false if `c` ends none.
  bool end_of_line(int c) {
    if (c != '\n' && c != '\r') return false;
    if (c == '\r' && bytes_.peek() == '\n') bytes_.get();
    ++position_;
    return true;
  }
  // Counts a line end that stays part of a value (a newline inside quotes).
  void count_line() { ++position_; }

  // The next non-empty line into `out`, without its end; false at the end of the file.
  bool next_line(std::string& out) {
    for (;;) {
      out.clear();
      line_ = position_;
      int c = bytes_.get();
      for (; c >= 0 && !end_of_line(c); c = bytes_.get()) {
        CLIPRET_CHECK(out.size() < kMaxRecordBytes, InvalidInput,
                      "%s, line %lld: line longer than %zu bytes", name().c_str(),
                      static_cast<long long>(line_), kMaxRecordBytes);
        out.push_back(static_cast<char>(c));
      }
      if (!out.empty()) return true;
      if (c < 0) return false;
    }
  }

  void check_utf8(std::string_view value, const char* what) const {
    CLIPRET_CHECK(core::is_valid_utf8(value), InvalidInput, "%s, line %lld: %s is not valid UTF-8",
                  name().c_str(), static_cast<long long>(line_), what);
  }

 private:
  ByteSource bytes_;
  int64_t position_ = 1;
  int64_t line_ = 0;
};

// Rows of the wanted columns, one at a time.
class RowParser {
 public:
  virtual ~RowParser() = default;
  // Fills `fields` (one per wanted column) with the next row; false at the end.
  virtual bool next_row(Fields& fields) = 0;
};

[[noreturn]] void throw_missing_column(const std::string& file, const std::string& column,
                                       const std::vector<std::string>& available) {
  std::string list;
  for (const std::string& name : available) list += (list.empty() ? "'" : ", '") + name + "'";
  CLIPRET_THROW(InvalidInput, "%s: no column '%s' (columns: %s)", file.c_str(), column.c_str(),
                list.empty() ? "none" : list.c_str());
}

class TxtParser : public RowParser {
 public:
  TxtParser(const std::string& path, bool gzip) : cursor_(path, gzip) {}
  bool next_row(Fields& fields) override {
    if (!cursor_.next_line(line_)) return false;
    cursor_.check_utf8(line_, "the url");
    fields[0] = line_;
    return true;
  }

 private:
  LineCursor cursor_;
  std::string line_;
};

// csv and tsv: RFC 4180 records under a header row.
class DelimitedParser : public RowParser {
 public:
  DelimitedParser(const std::string& path, bool gzip, char delimiter,
                  const std::vector<std::string>& wanted)
      : cursor_(path, gzip), delimiter_(delimiter) {
    CLIPRET_CHECK(read_record(), InvalidInput, "%s: empty file, a header row is expected",
                  path.c_str());
    std::vector<std::string> header(record_.begin(), record_.begin() + num_fields_);
    for (const std::string& column : wanted) {
      const auto it = std::find(header.begin(), header.end(), column);
      if (it == header.end()) throw_missing_column(path, column, header);
      index_.push_back(static_cast<size_t>(it - header.begin()));
    }
    header_size_ = header.size();
  }

  bool next_row(Fields& fields) override {
    if (!read_record()) return false;
    CLIPRET_CHECK(num_fields_ == header_size_, InvalidInput,
                  "%s, line %lld: expected %zu fields as in the header, got %zu",
                  cursor_.name().c_str(), static_cast<long long>(record_line_), header_size_,
                  num_fields_);
    for (size_t i = 0; i < index_.size(); ++i) {
      const std::string& value = record_[index_[i]];
      CLIPRET_CHECK(core::is_valid_utf8(value), InvalidInput,
                    "%s, line %lld: field %zu is not valid UTF-8", cursor_.name().c_str(),
                    static_cast<long long>(record_line_), index_[i] + 1);
      fields[i] = value;
    }
    return true;
  }

 private:
  std::string& start_field() {
    if (num_fields_ == record_.size()) record_.emplace_back();
    std::string& field = record_[num_fields_++];
    field.clear();
    return field;
  }

  // Reads the next non-empty record into record_[0, num_fields_); false at the end.
  bool read_record() {
    ByteSource& in = cursor_.bytes();
    int c = in.get();
    while (cursor_.end_of_line(c)) c = in.get();
    if (c < 0) return false;
    record_line_ = cursor_.position();
    num_fields_ = 0;
    size_t bytes = 0;
    std::string* field = &start_field();
    bool quoted = false;
    int64_t quote_line = 0;
    for (;; c = in.get()) {
      CLIPRET_CHECK(++bytes < kMaxRecordBytes, InvalidInput,
                    "%s, line %lld: record longer than %zu bytes", cursor_.name().c_str(),
                    static_cast<long long>(record_line_), kMaxRecordBytes);
      if (quoted) {
        CLIPRET_CHECK(c >= 0, InvalidInput, "%s, line %lld: unterminated quoted field",
                      cursor_.name().c_str(), static_cast<long long>(quote_line));
        if (c == '"') {
          if (in.peek() != '"') {
            quoted = false;
            continue;
          }
          in.get();  // a doubled quote stands for one
        } else if (c == '\n' || (c == '\r' && in.peek() != '\n')) {
          cursor_.count_line();  // "\r\n" counts at its "\n"
        }
        field->push_back(static_cast<char>(c));
        continue;
      }
      if (c < 0 || cursor_.end_of_line(c)) return true;
      if (c == delimiter_) {
        field = &start_field();
      } else if (c == '"') {
        quoted = true;
        quote_line = cursor_.position();
      } else {
        field->push_back(static_cast<char>(c));
      }
    }
  }

  LineCursor cursor_;
  char delimiter_;
  std::vector<size_t> index_;  // wanted column i is field index_[i]
  size_t header_size_ = 0;
  std::vector<std::string> record_;
  size_t num_fields_ = 0;
  int64_t record_line_ = 0;
};

// Key names in order of first appearance, for missing column messages; a set keeps hostile
// inputs with many distinct keys linear.
class KeyList {
 public:
  void add_keys(const Json& object) {
    for (const auto& item : object.items()) {
      if (seen_.insert(item.key()).second) names_.push_back(item.key());
    }
  }
  bool has(const std::string& name) const { return seen_.count(name) > 0; }
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::unordered_set<std::string> seen_;
  std::vector<std::string> names_;
};

std::optional<std::string> json_text(const Json& value) {
  if (value.is_null()) return std::nullopt;
  if (value.is_string()) return value.get_ref<const std::string&>();
  return value.dump();
}

// jsonl: one object a line. A column may be absent from some rows (null there), but must appear
// within the first `check_rows` rows, so that a wrong column name fails before any download.
class JsonLinesParser : public RowParser {
 public:
  JsonLinesParser(const std::string& path, bool gzip, const std::vector<std::string>& wanted,
                  int64_t check_rows)
      : cursor_(path, gzip), wanted_(wanted), seen_(wanted.size()), check_rows_(check_rows) {}

  bool next_row(Fields& fields) override {
    bool found = cursor_.next_line(line_);
    while (found && line_.find_first_not_of(" \t") == std::string::npos) {
      found = cursor_.next_line(line_);
    }
    if (!found) {
      if (rows_ > 0 && rows_ < check_rows_) check_columns();
      return false;
    }
    Json object;
    try {
      object = Json::parse(line_);
    } catch (const Json::parse_error& e) {
      CLIPRET_THROW(InvalidInput, "%s, line %lld: invalid JSON at byte %zu of the line",
                    cursor_.name().c_str(), static_cast<long long>(cursor_.line()), e.byte);
    }
    CLIPRET_CHECK(object.is_object(), InvalidInput, "%s, line %lld: expected a JSON object",
                  cursor_.name().c_str(), static_cast<long long>(cursor_.line()));
    for (size_t i = 0; i < wanted_.size(); ++i) {
      const auto it = object.find(wanted_[i]);
      seen_[i] = seen_[i] || it != object.end();
      fields[i] = it == object.end() ? std::nullopt : json_text(*it);
    }
    if (rows_ < check_rows_) {
      keys_.add_keys(object);
      if (++rows_ == check_rows_) check_columns();
    }
    return true;
  }

 private:
  void check_columns() const {
    for (size_t i = 0; i < wanted_.size(); ++i) {
      if (!seen_[i]) throw_missing_column(cursor_.name(), wanted_[i], keys_.names());
    }
  }

  LineCursor cursor_;
  std::vector<std::string> wanted_;
  std::vector<bool> seen_;
  KeyList keys_;  // keys of the rows checked so far
  int64_t check_rows_;
  int64_t rows_ = 0;
  std::string line_;
};

// json: pandas' default "columns" orientation {"col": {"0": v, ...}}, or a list of records.
class JsonDocumentParser : public RowParser {
 public:
  JsonDocumentParser(const std::string& path, bool gzip, const std::vector<std::string>& wanted) {
    std::string text;
    {
      ByteSource in(path, gzip);
      for (int c = in.get(); c >= 0; c = in.get()) {
        CLIPRET_CHECK(text.size() < kMaxJsonDocumentBytes, InvalidInput,
                      "%s: JSON document larger than %zu bytes", path.c_str(),
                      kMaxJsonDocumentBytes);
        text.push_back(static_cast<char>(c));
      }
    }
    try {
      document_ = Json::parse(text);
    } catch (const Json::parse_error& e) {
      const size_t end = std::min(e.byte, text.size());
      const auto line = 1 + std::count(text.begin(), text.begin() + end, '\n');
      CLIPRET_THROW(InvalidInput, "%s, line %lld: invalid JSON (%s)", path.c_str(),
                    static_cast<long long>(line), e.what());
    }
    if (document_.is_array()) {
      KeyList keys;
      for (const Json& record : document_) {
        CLIPRET_CHECK(record.is_object(), InvalidInput,
                      "%s: a JSON list must hold objects (records)", path.c_str());
        keys.add_keys(record);
      }
      for (const std::string& column : wanted) {
        if (!keys.has(column)) throw_missing_column(path, column, keys.names());
      }
      records_ = true;
      wanted_ = wanted;
      num_rows_ = document_.size();
      return;
    }
    CLIPRET_CHECK(document_.is_object(), InvalidInput,
                  "%s: expected a JSON object of columns or a list of records", path.c_str());
    std::unordered_map<std::string, size_t> row_of_key;
    for (const auto& column : document_.items()) {
      CLIPRET_CHECK(column.value().is_object(), InvalidInput,
                    "%s: column '%s' must map row labels to values (pandas' \"columns\" layout)",
                    path.c_str(), column.key().c_str());
      for (const auto& cell : column.value().items()) {
        if (row_of_key.emplace(cell.key(), row_keys_.size()).second) {
          row_keys_.push_back(cell.key());
        }
      }
    }
    for (const std::string& column : wanted) {
      const auto it = document_.find(column);
      if (it == document_.end()) {
        std::vector<std::string> names;
        for (const auto& item : document_.items()) names.push_back(item.key());
        throw_missing_column(path, column, names);
      }
      columns_.push_back(&*it);
    }
    num_rows_ = row_keys_.size();
  }

  bool next_row(Fields& fields) override {
    if (row_ == num_rows_) return false;
    for (size_t i = 0; i < fields.size(); ++i) {
      const Json& holder = records_ ? document_[row_] : *columns_[i];
      const auto it = holder.find(records_ ? wanted_[i] : row_keys_[row_]);
      fields[i] = it == holder.end() ? std::nullopt : json_text(*it);
    }
    ++row_;
    return true;
  }

 private:
  Json document_;
  bool records_ = false;
  std::vector<std::string> wanted_;    // records: the column names
  std::vector<std::string> row_keys_;  // columns: row labels in order of first appearance
  std::vector<const Json*> columns_;   // columns: the wanted columns' objects
  size_t num_rows_ = 0, row_ = 0;
};

// One input file's rows, read in slices.
class RowSource {
 public:
  virtual ~RowSource() = default;
  // The columns of tables read from this file.
  virtual const parquet::Schema& schema() const = 0;
  virtual bool at_end() = 0;
  // Appends up to `max_rows` rows to `out`, or drops them when `out` is null; returns how many
  // were read (fewer only at the end of the file).
  virtual int64_t read(parquet::Table* out, int64_t max_rows) = 0;
};

class TextRowSource : public RowSource {
 public:
  TextRowSource(std::unique_ptr<RowParser> parser, parquet::Schema schema)
      : parser_(std::move(parser)), schema_(std::move(schema)), fields_(schema_.size()) {}

  const parquet::Schema& schema() const override { return schema_; }
  bool at_end() override {
    if (!have_row_) have_row_ = parser_->next_row(fields_);
    return !have_row_;
  }
  int64_t read(parquet::Table* out, int64_t max_rows) override {
    int64_t n = 0;
    for (; n < max_rows && !at_end(); ++n) {
      have_row_ = false;
      if (!out) continue;
      for (size_t i = 0; i < fields_.size(); ++i) {
        if (fields_[i]) {
          out->column(i).append_bytes(*fields_[i]);
        } else {
          out->column(i).append_null();
        }
      }
    }
    return n;
  }

 private:
  std::unique_ptr<RowParser> parser_;
  parquet::Schema schema_;
  Fields fields_;
  bool have_row_ = false;
};

// parquet: only the wanted columns, one row group at a time; row groups that fall entirely in
// skipped shards are not decoded.
class ParquetRowSource : public RowSource {
 public:
  ParquetRowSource(const std::string& path, const std::vector<std::string>& wanted,
                   const std::vector<std::string>& names) {
    std::vector<std::string> projection;
    {
      // Opened once unprojected (footer only) to name the available columns in errors.
      const auto probe = parquet::ParquetReader::open(path);
      std::vector<std::string> available;
      for (const auto& column : probe->schema()) available.push_back(column.name);
      for (const std::string& column : probe->nested_columns()) available.push_back(column);
      for (const std::string& column : wanted) {
        if (std::find(available.begin(), available.end(), column) == available.end()) {
          throw_missing_column(path, column, available);
        }
        if (std::find(projection.begin(), projection.end(), column) == projection.end()) {
          projection.push_back(column);
        }
      }
    }
    reader_ = parquet::ParquetReader::open(path, {.columns = projection});
    for (size_t i = 0; i < wanted.size(); ++i) {
      const size_t j = static_cast<size_t>(
          std::find(projection.begin(), projection.end(), wanted[i]) - projection.begin());
      index_.push_back(j);
      parquet::ColumnSchema column = reader_->schema()[j];
      column.name = names[i];
      schema_.push_back(std::move(column));
    }
    for (size_t g = 0; g < reader_->num_row_groups(); ++g) {
      remaining_ += reader_->row_group_num_rows(g);
    }
  }

  const parquet::Schema& schema() const override { return schema_; }
  bool at_end() override { return remaining_ == 0; }
  int64_t read(parquet::Table* out, int64_t max_rows) override {
    int64_t n = 0;
    while (n < max_rows) {
      const int64_t left = static_cast<int64_t>(group_.num_rows()) - offset_;
      if (left > 0) {
        const int64_t k = std::min(left, max_rows - n);
        for (size_t i = 0; out && i < index_.size(); ++i) {
          out->column(i).append_rows(group_.column(index_[i]), static_cast<size_t>(offset_),
                                     static_cast<size_t>(offset_ + k));
        }
        offset_ += k;
        n += k;
        continue;
      }
      if (next_group_ == reader_->num_row_groups()) break;
      const int64_t group_rows = reader_->row_group_num_rows(next_group_);
      if (!out && group_rows <= max_rows - n) {
        n += group_rows;
        ++next_group_;
        continue;
      }
      group_ = reader_->read_row_group(next_group_);
      CLIPRET_CHECK(static_cast<int64_t>(group_.num_rows()) == group_rows, Corrupt,
                    "%s: row group %zu holds %zu rows, its metadata says %lld",
                    reader_->name().c_str(), next_group_, group_.num_rows(),
                    static_cast<long long>(group_rows));
      ++next_group_;
      offset_ = 0;
    }
    remaining_ -= n;
    return n;
  }

 private:
  std::unique_ptr<parquet::ParquetReader> reader_;
  parquet::Schema schema_;
  std::vector<size_t> index_;  // output column i is projected column index_[i]
  parquet::Table group_;       // the decoded row group being cut, rows [offset_, end) left
  int64_t offset_ = 0;
  size_t next_group_ = 0;
  int64_t remaining_ = 0;
};

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

  std::unique_ptr<RowSource> open(const std::string& path) const {
    parquet::Schema strings;
    for (const std::string& name : names) strings.push_back({name, parquet::string_type(), true});
    const bool gz = format.gzip;
    std::unique_ptr<RowParser> parser;
    switch (format.format) {
      case Format::kTxt:
        parser = std::make_unique<TxtParser>(path, gz);
        break;
      case Format::kCsv:
      case Format::kTsv:
        parser = std::make_unique<DelimitedParser>(
            path, gz, format.format == Format::kCsv ? ',' : '\t', wanted);
        break;
      case Format::kJson:
        parser = std::make_unique<JsonDocumentParser>(path, gz, wanted);
        break;
      case Format::kJsonl:
        parser =
            std::make_unique<JsonLinesParser>(path, gz, wanted, options.number_sample_per_shard);
        break;
      case Format::kParquet:
        return std::make_unique<ParquetRowSource>(path, wanted, names);
    }
    return std::make_unique<TextRowSource>(std::move(parser), std::move(strings));
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
      d.source->read(nullptr, per_shard);
      continue;
    }
    InputShard shard{shard_id, d.source_name, parquet::Table(d.source->schema())};
    d.source->read(&shard.rows, per_shard);
    return shard;
  }
}

}  // namespace clipret::download
