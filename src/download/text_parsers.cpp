#include "download/text_parsers.h"

#include <algorithm>

#include "core/error.h"
#include "core/utf8_validate.h"
#include "download/input_bytes.h"

namespace clipret::download {
namespace {

class TxtParser : public RowParser {
 public:
  TxtParser(const std::string& path, bool gzip) : cursor_(path, gzip) {}
  bool next_row(RowFields& fields) override {
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

  bool next_row(RowFields& fields) override {
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

}  // namespace

std::unique_ptr<RowParser> make_txt_parser(const std::string& path, bool gzip) {
  return std::make_unique<TxtParser>(path, gzip);
}

std::unique_ptr<RowParser> make_delimited_parser(const std::string& path, bool gzip, char delimiter,
                                                 const std::vector<std::string>& wanted) {
  return std::make_unique<DelimitedParser>(path, gzip, delimiter, wanted);
}

}  // namespace clipret::download
