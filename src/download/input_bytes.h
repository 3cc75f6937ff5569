// download/input_bytes.h: the bytes and lines of one url list file, for the text parsers of
// UrlListReader (txt, csv, tsv, json, jsonl, each optionally .gz).
//
// ByteSource reads a file (or anything core::open_input_stream opens) a chunk at a time,
// gunzipping every member when asked (what `cat a.gz b.gz` produces; an empty file reads as
// empty, as Python's gzip module has it). LineCursor adds line counting for messages: "\n",
// "\r\n" and a lone "\r" end a line, empty lines are skipped, a UTF-8 byte order mark at the
// start is dropped (pyarrow's CSV reader, img2dataset's parser). Both throw Error(kCorrupt) for
// damaged gzip data, Error(kIo) on read errors, Error(kInvalidInput) for a line longer than
// kMaxRecordBytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace clipret::core {
class InputStream;
}

namespace clipret::download {

// A hostile file without newlines would otherwise be read into one record without end.
constexpr size_t kMaxRecordBytes = size_t{1} << 28;

// The bytes of one input file, gunzipped (all members) when `gzip`, read a chunk at a time.
class ByteSource {
 public:
  ByteSource(const std::string& path, bool gzip);
  ~ByteSource();
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;

  const std::string& name() const;

  // The next byte, or -1 at the end.
  int get() { return pos_ < len_ || refill() ? static_cast<unsigned char>(buffer_[pos_++]) : -1; }
  int peek() { return pos_ < len_ || refill() ? static_cast<unsigned char>(buffer_[pos_]) : -1; }

  void skip_utf8_bom();

 private:
  struct Gunzip;  // zlib's state, only when gzip

  bool refill();

  std::unique_ptr<core::InputStream> stream_;
  std::unique_ptr<Gunzip> gunzip_;
  std::string buffer_;  // decoded bytes [pos_, len_) not yet consumed
  size_t pos_ = 0, len_ = 0;
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
  bool next_line(std::string& out);

  // Throws Error(kInvalidInput) naming the file, the line and `what` unless `value` is UTF-8.
  void check_utf8(std::string_view value, const char* what) const;

 private:
  ByteSource bytes_;
  int64_t position_ = 1;
  int64_t line_ = 0;
};

}  // namespace clipret::download
