#include "download/exif_tags.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <numeric>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "download/exif_tag_table.h"

// This follows exifread 3.0's process_file(details=False) step by step, quirks included, because
// img2dataset's users see its output: where it finds the EXIF block (its JPEG segment walk only
// looks ~4000 bytes past the first segments), how it reads past the block's end (into the rest
// of the file, zeros at EOF), and which malformed inputs make it raise (img2dataset: null) or
// give up quietly (img2dataset: {}).
namespace clipret::download {
namespace {

using exif_table::SubIfd;
using exif_table::TagFormat;
using exif_table::TagInfo;
using exif_table::ValueName;

constexpr bool sorted_by_id(std::span<const TagInfo> table) {
  for (size_t i = 1; i < table.size(); ++i) {
    if (table[i - 1].id >= table[i].id) return false;
  }
  return true;
}
static_assert(sorted_by_id(exif_table::kExifTags) && sorted_by_id(exif_table::kGpsTags) &&
              sorted_by_id(exif_table::kInteropTags));

// An exception that escapes exifread.process_file: img2dataset stores null.
struct PythonError {};
// Python's IndexError, which one branch of exifread's JPEG walk turns into "no EXIF".
struct IndexError : PythonError {};
// ExifNotFound / InvalidExif, which process_file turns into {}.
struct NoExif {};

// exifread has no bound on work: a hostile file can make it read 65535 entries per IFD, each
// pointing at another IFD. Past this budget (entries + values + bytes/64 scanned + printed
// bytes/8; real photos spend a few thousand) we give up with null rather than hang.
constexpr int64_t kMaxWork = int64_t{1} << 22;
// exifread decodes at most this many values of a tag (none above it: the tag prints "[]").
constexpr uint32_t kMaxValues = 1000;
// exifread's field type sizes (tags/__init__.py FIELD_TYPES), by type 1..13.
constexpr int kTypeLength[] = {0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4};
constexpr int kTypeAscii = 2;
// The tags details=False skips: ApplicationNotes (XMP), MakerNote, UserComment.
constexpr uint16_t kIgnoredTags[] = {0x02BC, 0x927C, 0x9286};
constexpr uint16_t kExifOffsetTag = 0x8769;

uint8_t byte_at(std::string_view data, int64_t index) {
  if (index < 0 || index >= static_cast<int64_t>(data.size())) throw IndexError{};
  return static_cast<uint8_t>(data[static_cast<size_t>(index)]);
}

// Python's data[begin:end] for non-negative bounds.
std::string_view slice(std::string_view data, int64_t begin, int64_t end) {
  const auto size = static_cast<int64_t>(data.size());
  begin = std::clamp<int64_t>(begin, 0, size);
  end = std::clamp<int64_t>(end, begin, size);
  return data.substr(static_cast<size_t>(begin), static_cast<size_t>(end - begin));
}

// BytesIO's cursor: seeking past the end is allowed and reads there are empty.
class PyFile {
 public:
  explicit PyFile(std::string_view data) : data_(data) {}

  // n < 0 reads the rest, as read(-1).
  std::string_view read(int64_t n) {
    const auto size = static_cast<int64_t>(data_.size());
    if (pos_ >= size) return {};
    const int64_t end = n < 0 ? size : pos_ + std::min(n, size - pos_);
    std::string_view result = data_.substr(static_cast<size_t>(pos_), end - pos_);
    pos_ = end;
    return result;
  }
  void seek(int64_t position) {
    if (position < 0) throw PythonError{};  // ValueError: negative seek value
    pos_ = position;
  }
  int64_t tell() const { return pos_; }

 private:
  std::string_view data_;
  int64_t pos_ = 0;
};

struct ExifLocation {
  int64_t offset = 0;  // of the TIFF header in the file
  char endian = 0;
};

ExifLocation found_at(PyFile& file) {
  ExifLocation location{file.tell(), 0};
  const std::string_view endian = file.read(1);
  if (endian.empty()) throw PythonError{};
  location.endian = endian[0];
  // process_file looks the byte up in a table of byte-order names while logging.
  if (std::string_view("IM\x01"
                       "d",
                       4)
          .find(location.endian) == std::string_view::npos) {
    throw PythonError{};
  }
  return location;
}

int segment_increment(std::string_view data, int64_t base) {
  return byte_at(data, base + 2) * 256 + byte_at(data, base + 3) + 2;
}

ExifLocation find_jpeg_exif(std::string_view bytes, PyFile& file, std::string_view head) {
  // Skip JFIF-like APP0 segments as exifread does, reading ahead through the stream.
  std::string data(head);
  int64_t base = 2;
  for (;;) {
    const std::string_view id = slice(data, 6, 10);
    if (byte_at(data, 2) != 0xFF ||
        (id != "JFIF" && id != "JFXX" && id != "OLYM" && id != "Phot")) {
      break;
    }
    const int length = byte_at(data, 4) * 256 + byte_at(data, 5);
    file.read(length - 8);
    data = std::string("\xFF\x00", 2);
    data += file.read(10);
    base = base > 2 ? base + length + 4 - 2 : length + 4;
  }
  // Then walk the segments within a window of base + 4000 bytes of the file.
  constexpr int64_t kWindow = 4000;
  const std::string_view window = slice(bytes, 0, base + kWindow);
  for (;;) {
    const std::string_view marker = slice(window, base, base + 2);
    if (marker == "\xFF\xE1") {
      if (slice(window, base + 4, base + 8) == "Exif") {
        base -= 2;
        break;
      }
      base += segment_increment(window, base);
    } else if (marker == "\xFF\xE0" || marker == "\xFF\xE2" || marker == "\xFF\xEE" ||
               marker == "\xFF\xD8" || marker == "\xFF\xEC") {
      base += segment_increment(window, base);
    } else if (marker == "\xFF\xDB") {
      break;
    } else {
      try {
        base += segment_increment(window, base);
      } catch (const IndexError&) {
        throw NoExif{};
      }
    }
  }
  file.seek(base + 12);
  if (byte_at(window, base + 2) == 0xFF && (slice(window, base + 6, base + 10) == "Exif" ||
                                            slice(window, base + 6, base + 11) == "Ducky" ||
                                            slice(window, base + 6, base + 11) == "Adobe")) {
    return found_at(file);
  }
  throw NoExif{};
}

ExifLocation find_webp_exif(PyFile& file) {
  const std::string_view header = file.read(5);
  if (slice(header, 0, 4) != "VP8X" || (byte_at(header, 4) & 8) == 0) throw NoExif{};
  constexpr int64_t kRestOfVp8x = 13;
  file.seek(file.tell() + kRestOfVp8x);
  for (;;) {
    const std::string_view chunk = file.read(8);
    if (chunk.size() != 8) throw NoExif{};
    if (chunk.substr(0, 4) == "EXIF") return found_at(file);
    uint32_t size = 0;
    for (int i = 3; i >= 0; --i) size = size << 8 | static_cast<uint8_t>(chunk[4 + i]);
    // No padding of odd sizes: exifread skips exactly `size`.
    file.seek(file.tell() + size);
  }
}

ExifLocation find_png_exif(PyFile& file) {
  file.seek(8);
  for (;;) {
    const std::string_view header = file.read(8);
    const std::string_view chunk = slice(header, 4, 8);
    // exifread logs the chunk name decoded as ASCII, which raises on other bytes.
    for (char c : chunk) {
      if (static_cast<uint8_t>(c) >= 0x80) throw PythonError{};
    }
    if (chunk.empty() || chunk == "IEND") throw NoExif{};
    if (chunk == "eXIf") return found_at(file);
    uint32_t size = 0;
    for (char c : slice(header, 0, 4)) size = size << 8 | static_cast<uint8_t>(c);
    file.seek(file.tell() + size + 4);
  }
}

// exifread's _determine_type: where the TIFF header starts, or NoExif.
ExifLocation find_exif(std::string_view bytes) {
  PyFile file(bytes);
  const std::string_view head = file.read(12);
  const std::string_view magic = slice(head, 0, 2);
  if (magic == "II" || magic == "MM") {
    file.seek(0);
    return found_at(file);
  }
  // HEIC: exifread reads its Exif box, but OpenCV cannot decode HEIC, so img2dataset never
  // keeps such a sample and we never see one that succeeded.
  if (slice(head, 4, 12) == "ftypheic") throw NoExif{};
  if (slice(head, 0, 4) == "RIFF" && slice(head, 8, 12) == "WEBP") return find_webp_exif(file);
  if (magic == "\xFF\xD8") return find_jpeg_exif(bytes, file, head);
  if (slice(head, 0, 8) == "\x89PNG\r\n\x1a\n") return find_png_exif(file);
  throw NoExif{};
}

// One decoded value as exifread holds it: an int, a Ratio (a Fraction), or a float, which it
// keeps in the 1-tuple struct.unpack returns (and prints as one).
struct Value {
  enum class Kind { kInt, kRatio, kFloat };
  Kind kind = Kind::kInt;
  int64_t num = 0;  // the int, or the ratio's numerator
  int64_t den = 1;
  double real = 0;
};

// Fraction's normal form; a zero denominator stays as read (exifread's Ratio catches the
// ZeroDivisionError and keeps both numbers).
Value make_ratio(int64_t num, int64_t den) {
  Value value{Value::Kind::kRatio, num, den, 0};
  if (den == 0) return value;
  const int64_t divisor = std::gcd(num, den);
  value.num = num / divisor;
  value.den = den / divisor;
  if (value.den < 0) {
    value.num = -value.num;
    value.den = -value.den;
  }
  return value;
}

// Python's repr(float): the shortest digits that read back to `x`, in fixed notation for
// exponents -4..15, else d.ddde+XX.
std::string python_float_repr(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x < 0 ? "-inf" : "inf";
  constexpr int kMaxDigits = 17;
  char buffer[40];
  for (int digits = 1; digits <= kMaxDigits; ++digits) {
    std::snprintf(buffer, sizeof(buffer), "%.*e", digits - 1, x);
    if (std::strtod(buffer, nullptr) == x) break;
  }
  const std::string_view text(buffer);
  const bool negative = text[0] == '-';
  const size_t e = text.find('e');
  std::string digits;
  for (char c : text.substr(negative ? 1 : 0, e - (negative ? 1 : 0))) {
    if (c != '.') digits += c;
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  const int exponent = std::atoi(buffer + e + 1);
  std::string out = negative ? "-" : "";
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) {
      out += "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
    } else {
      const auto integer_digits = static_cast<size_t>(exponent) + 1;
      if (digits.size() < integer_digits) digits.append(integer_digits - digits.size(), '0');
      const std::string fraction = digits.substr(integer_digits);
      out += digits.substr(0, integer_digits) + "." + (fraction.empty() ? "0" : fraction);
    }
  } else {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char exponent_text[16];
    std::snprintf(exponent_text, sizeof(exponent_text), "e%c%02d", exponent < 0 ? '-' : '+',
                  std::abs(exponent));
    out += exponent_text;
  }
  return out;
}

std::string value_repr(const Value& value) {
  switch (value.kind) {
    case Value::Kind::kInt:
      return std::to_string(value.num);
    case Value::Kind::kRatio:
      return value.den == 1 ? std::to_string(value.num)
                            : std::to_string(value.num) + "/" + std::to_string(value.den);
    case Value::Kind::kFloat:
      return "(" + python_float_repr(value.real) + ",)";
  }
  return {};
}

// repr(list): "[1, 2/3, (0.5,)]".
std::string list_repr(const std::vector<Value>& values, size_t n) {
  std::string out = "[";
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) out += ", ";
    out += value_repr(values[i]);
  }
  return out + "]";
}

// repr(bytes): b'...' (or b"..." when only single quotes are inside).
std::string bytes_repr(std::string_view bytes) {
  const char quote =
      bytes.find('\'') != std::string_view::npos && bytes.find('"') == std::string_view::npos
          ? '"'
          : '\'';
  std::string out = std::string("b") + quote;
  for (char c : bytes) {
    const auto b = static_cast<uint8_t>(c);
    if (c == quote || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (b < 0x20 || b >= 0x7F) {
      char hex[5];
      std::snprintf(hex, sizeof(hex), "\\x%02x", b);
      out += hex;
    } else {
      out += c;
    }
  }
  return out + quote;
}

void append_code_point(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | cp >> 6);
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | cp >> 12);
    out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | cp >> 18);
    out += static_cast<char>(0x80 | (cp >> 12 & 0x3F));
    out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Python's strict UTF-8 decoder: the code points of `bytes`, or false (no overlong forms, no
// surrogates, nothing above U+10FFFF).
bool decode_utf8(std::string_view bytes, std::vector<uint32_t>* code_points) {
  for (size_t i = 0; i < bytes.size();) {
    const auto lead = static_cast<uint8_t>(bytes[i]);
    int extra = 0;
    uint32_t cp = 0;
    uint32_t min = 0;
    if (lead < 0x80) {
      cp = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      extra = 1, cp = lead & 0x1F, min = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      extra = 2, cp = lead & 0x0F, min = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      extra = 3, cp = lead & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (extra > 0 && i + extra >= bytes.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      const auto next = static_cast<uint8_t>(bytes[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      cp = cp << 6 | (next & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    if (code_points != nullptr) code_points->push_back(cp);
    i += static_cast<size_t>(extra) + 1;
  }
  return true;
}

// repr() of a one-character str, for an enumerated tag stored as ASCII (exifread looks each
// character up and prints the misses with repr).
std::string char_repr(uint32_t cp) {
  if (cp == '\'') return "\"'\"";
  if (cp == '\\') return "'\\\\'";
  if (cp == '\t') return "'\\t'";
  if (cp == '\n') return "'\\n'";
  if (cp == '\r') return "'\\r'";
  // Python's non-printable Latin-1 characters; rarer non-printables above are left as they are.
  if (cp < 0x20 || (cp >= 0x7F && cp <= 0xA0) || cp == 0xAD) {
    char hex[5];
    std::snprintf(hex, sizeof(hex), "\\x%02x", cp);
    return std::string("'") + hex + "'";
  }
  std::string out = "'";
  append_code_point(cp, out);
  return out + "'";
}

// str.strip(): Python's Unicode whitespace.
bool is_python_space(uint32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0 ||
         cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
         cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

std::string python_strip(const std::string& text) {
  std::vector<uint32_t> cps;
  if (!decode_utf8(text, &cps)) return text;  // cannot happen: printables are built as UTF-8
  size_t begin = 0;
  size_t end = cps.size();
  while (begin < end && is_python_space(cps[begin])) ++begin;
  while (end > begin && is_python_space(cps[end - 1])) --end;
  std::string out;
  for (size_t i = begin; i < end; ++i) append_code_point(cps[i], out);
  return out;
}

// str.strip(' \x00'), for make_string.
std::string strip_space_and_nul(const std::string& text) {
  const size_t begin = text.find_first_not_of(std::string_view(" \0", 2));
  if (begin == std::string::npos) return {};
  const size_t end = text.find_last_not_of(std::string_view(" \0", 2));
  return text.substr(begin, end - begin + 1);
}

// A tag's values: a string for ASCII fields (cut at the first NUL; kept as bytes when not
// UTF-8, as exifread does), else a list.
struct Field {
  int type = 0;
  uint32_t count = 0;
  std::string text;
  bool text_is_bytes = false;
  std::vector<Value> values;
};

// What Python's values[0] gives when exifread uses it as an IFD offset.
struct Pointer {
  enum class Kind { kInt, kNotInt, kMissing };  // kNotInt: the seek raises TypeError
  Kind kind = Kind::kMissing;
  int64_t offset = 0;
};

Pointer first_as_pointer(const Field& field) {
  if (field.type == kTypeAscii) {
    if (field.text.empty()) return {};
    if (field.text_is_bytes) return {Pointer::Kind::kInt, static_cast<uint8_t>(field.text[0])};
    return {Pointer::Kind::kNotInt, 0};
  }
  if (field.values.empty()) return {};
  const Value& first = field.values[0];
  if (first.kind != Value::Kind::kInt) return {Pointer::Kind::kNotInt, 0};
  return {Pointer::Kind::kInt, first.num};
}

// exifread's default printable: str(values[0]) for one value, the string, or the list
// (shortened to 20 values past 50).
std::string default_printable(const Field& field) {
  constexpr uint32_t kLongCount = 50;
  constexpr size_t kShownValues = 20;
  if (field.type == kTypeAscii) {
    if (!field.text_is_bytes) return field.text;
    if (field.count > kLongCount && field.text.size() > kShownValues) {
      std::string shown = bytes_repr(field.text.substr(0, kShownValues));
      shown.pop_back();
      return shown + ", ... ]";
    }
    return bytes_repr(field.text);
  }
  if (field.count == 1) return value_repr(field.values[0]);
  if (field.count > kLongCount && field.values.size() > kShownValues) {
    std::string shown = list_repr(field.values, kShownValues);
    shown.pop_back();
    return shown + ", ... ]";
  }
  return list_repr(field.values, field.values.size());
}

const char* find_name(std::span<const ValueName> names, int64_t value) {
  for (const ValueName& name : names) {
    if (name.value == value) return name.name;
  }
  return nullptr;
}

// Each value's name, or its repr when it has none, concatenated.
std::string enum_printable(const Field& field, std::span<const ValueName> names) {
  std::string out;
  auto add = [&](int64_t key, const std::string& repr) {
    const char* name = find_name(names, key);
    out += name != nullptr ? name : repr;
  };
  if (field.type == kTypeAscii && field.text_is_bytes) {
    for (char c : field.text) {
      add(static_cast<uint8_t>(c), std::to_string(static_cast<uint8_t>(c)));
    }
  } else if (field.type == kTypeAscii) {
    std::vector<uint32_t> cps;
    decode_utf8(field.text, &cps);
    for (uint32_t cp : cps) out += char_repr(cp);  // a str never equals an int key
  } else {
    for (const Value& value : field.values) {
      // A Ratio n/1 equals (and hashes as) the int n.
      const bool integral =
          value.kind == Value::Kind::kInt || (value.kind == Value::Kind::kRatio && value.den == 1);
      const char* name = integral ? find_name(names, value.num) : nullptr;
      out += name != nullptr ? name : value_repr(value);
    }
  }
  return out;
}

// exifread's make_string: the values 32..255 as characters; when there are none, the values
// run together ("" when that is all zeros) or the string itself.
std::string make_string(const Field& field) {
  std::string out;
  if (field.type == kTypeAscii && !field.text_is_bytes) return strip_space_and_nul(field.text);
  if (field.type == kTypeAscii) {
    for (char c : field.text) {
      if (static_cast<uint8_t>(c) >= 32) append_code_point(static_cast<uint8_t>(c), out);
    }
    if (out.empty()) out = bytes_repr(field.text);
    return strip_space_and_nul(out);
  }
  for (const Value& value : field.values) {
    if (value.kind == Value::Kind::kInt && value.num >= 32 && value.num < 256) {
      append_code_point(static_cast<uint32_t>(value.num), out);
    }
  }
  if (out.empty()) {
    for (const Value& value : field.values) out += value_repr(value);
    if (!out.empty() && out.find_first_not_of('0') == std::string::npos) return {};
  }
  return strip_space_and_nul(out);
}

// A dict that keeps first-insertion order when a key is set again, as Python's does.
class TagDict {
 public:
  void set(std::string key, std::string value) {
    const auto [it, inserted] = index_.emplace(key, entries_.size());
    if (inserted) {
      entries_.emplace_back(std::move(key), std::move(value));
    } else {
      entries_[it->second].second = std::move(value);
    }
  }
  const std::string* find(const std::string& key) const {
    const auto it = index_.find(key);
    return it == index_.end() ? nullptr : &entries_[it->second].second;
  }
  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
  std::unordered_map<std::string, size_t> index_;
};

// exifread's ExifHeader for details=False: offsets are relative to the TIFF header at `base`
// in the whole file, and reads past the file's end give 0 (a read cut short raises).
class ExifParser {
 public:
  ExifParser(std::string_view file, int64_t base, bool little_endian)
      : file_(file), base_(base), little_endian_(little_endian) {}

  TagDict parse() {
    std::vector<int64_t> chain;
    std::unordered_set<int64_t> seen;
    for (int64_t ifd = read_int(4, 4, false); ifd != 0 && seen.insert(ifd).second;) {
      spend(1);
      chain.push_back(ifd);
      const int64_t entries = read_int(ifd, 2, false);
      const int64_t next = read_int(ifd + 2 + 12 * entries, 4, false);
      ifd = next == ifd ? 0 : next;
    }
    for (size_t i = 0; i < chain.size(); ++i) {
      const std::string name = i == 0 ? "Image" : i == 1 ? "Thumbnail" : "IFD " + std::to_string(i);
      dump_ifd(chain[i], name, exif_table::kExifTags);
    }
    if (exif_offset_.has_value()) {
      const Pointer pointer = first_as_pointer(*exif_offset_);
      if (pointer.kind == Pointer::Kind::kMissing) throw PythonError{};  // values[0]: IndexError
      if (pointer.kind == Pointer::Kind::kInt) {
        dump_ifd(pointer.offset, "EXIF", exif_table::kExifTags);
      }
    }
    return std::move(tags_);
  }

 private:
  void spend(int64_t units) {
    work_ += units;
    if (work_ > kMaxWork) throw PythonError{};
  }

  // exifread's s2n.
  int64_t read_int(int64_t offset, int length, bool is_signed) {
    const std::string_view bytes = read_exact(offset, length);
    if (bytes.empty()) return 0;
    uint64_t value = 0;
    for (int i = 0; i < length; ++i) {
      const auto b = static_cast<uint8_t>(bytes[little_endian_ ? length - 1 - i : i]);
      value = value << 8 | b;
    }
    if (is_signed && length < 8 && (value >> (8 * length - 1)) != 0) {
      return static_cast<int64_t>(value) - (int64_t{1} << (8 * length));
    }
    return static_cast<int64_t>(value);
  }

  // `length` bytes at `offset`, or none at or past the end; a partial read raises (struct.error).
  std::string_view read_exact(int64_t offset, int length) {
    const std::string_view bytes = read_at(offset, length);
    if (!bytes.empty() && bytes.size() != static_cast<size_t>(length)) throw PythonError{};
    return bytes;
  }

  std::string_view read_at(int64_t offset, int64_t length) {
    const int64_t position = base_ + offset;
    if (position < 0) throw PythonError{};  // ValueError: negative seek value
    return slice(file_, position, position + length);
  }

  void dump_ifd(int64_t ifd, const std::string& ifd_name, std::span<const TagInfo> table) {
    const int64_t entries = read_int(ifd, 2, false);
    for (int64_t i = 0; i < entries; ++i) {
      spend(1);
      const int64_t entry = ifd + 2 + 12 * i;
      const auto tag = static_cast<uint16_t>(read_int(entry, 2, false));
      if (std::find(std::begin(kIgnoredTags), std::end(kIgnoredTags), tag) !=
          std::end(kIgnoredTags)) {
        continue;
      }
      const auto it =
          std::lower_bound(table.begin(), table.end(), tag,
                           [](const TagInfo& info, uint16_t id) { return info.id < id; });
      process_tag(ifd_name, it != table.end() && it->id == tag ? &*it : nullptr, entry, tag,
                  table.data() == exif_table::kExifTags && ifd_name == "Image");
    }
  }

  void process_tag(const std::string& ifd_name, const TagInfo* info, int64_t entry, uint16_t tag,
                   bool in_image_ifd) {
    const auto type = static_cast<int>(read_int(entry + 2, 2, false));
    if (type <= 0 || type >= static_cast<int>(std::size(kTypeLength))) return;
    const int type_length = kTypeLength[type];
    Field field;
    field.type = type;
    field.count = static_cast<uint32_t>(read_int(entry + 4, 4, false));
    int64_t offset = entry + 8;
    if (int64_t{field.count} * type_length > 4) offset = read_int(offset, 4, false);
    if (type == kTypeAscii) {
      read_text(offset, &field);
    } else if (field.count < kMaxValues) {
      read_values(offset, type_length, &field);
    }

    std::string printable = default_printable(field);
    char unknown_name[16];
    std::snprintf(unknown_name, sizeof(unknown_name), "Tag 0x%04X", tag);
    const std::string tag_name = info != nullptr ? info->name : unknown_name;
    if (info != nullptr && info->format == TagFormat::kMakeString) {
      printable = make_string(field);
    } else if (info != nullptr && info->format == TagFormat::kEnum) {
      printable = enum_printable(field, info->names);
    } else if (info != nullptr && info->format == TagFormat::kSubIfd) {
      const Pointer pointer = first_as_pointer(field);
      if (pointer.kind == Pointer::Kind::kInt) {
        const bool gps = info->sub_ifd == SubIfd::kGps;
        dump_ifd(pointer.offset, gps ? "GPS" : "Interoperability",
                 gps ? std::span<const TagInfo>(exif_table::kGpsTags)
                     : std::span<const TagInfo>(exif_table::kInteropTags));
      }
    }
    spend(static_cast<int64_t>(printable.size()) / 8);
    if (in_image_ifd && tag == kExifOffsetTag) exif_offset_ = field;
    tags_.set(ifd_name + " " + tag_name, std::move(printable));
  }

  void read_text(int64_t offset, Field* field) {
    if (field->count == 0) return;
    std::string_view bytes = read_at(offset, field->count);
    const size_t nul = bytes.find('\0');
    spend(static_cast<int64_t>(nul == std::string_view::npos ? bytes.size() : nul) / 64);
    bytes = bytes.substr(0, nul);
    field->text = std::string(bytes);
    field->text_is_bytes = !decode_utf8(bytes, nullptr);
  }

  void read_values(int64_t offset, int type_length, Field* field) {
    const int type = field->type;
    // exifread's signed types: SBYTE, SSHORT, SLONG, SRATIONAL.
    const bool is_signed = type == 6 || type == 8 || type == 9 || type == 10;
    spend(field->count);
    for (uint32_t i = 0; i < field->count; ++i, offset += type_length) {
      Value value;
      if (type == 5 || type == 10) {
        const int64_t num = read_int(offset, 4, is_signed);
        value = make_ratio(num, read_int(offset + 4, 4, is_signed));
      } else if (type == 11 || type == 12) {
        value = read_float(offset, type_length);
      } else {
        value.num = read_int(offset, type_length, is_signed);
      }
      field->values.push_back(value);
    }
  }

  // A float or double; -1 (an int) when the bytes run out, as exifread marks it.
  Value read_float(int64_t offset, int type_length) {
    const std::string_view bytes = read_at(offset, type_length);
    if (bytes.size() != static_cast<size_t>(type_length)) return Value{};
    uint64_t bits = 0;
    for (int i = 0; i < type_length; ++i) {
      bits = bits << 8 | static_cast<uint8_t>(bytes[little_endian_ ? type_length - 1 - i : i]);
    }
    Value value{Value::Kind::kFloat, 0, 1, 0};
    if (type_length == 4) {
      float single = 0;
      const auto bits32 = static_cast<uint32_t>(bits);
      std::memcpy(&single, &bits32, sizeof(single));
      value.real = single;
    } else {
      std::memcpy(&value.real, &bits, sizeof(value.real));
    }
    return value;
  }

  std::string_view file_;
  int64_t base_;
  bool little_endian_;
  int64_t work_ = 0;
  TagDict tags_;
  std::optional<Field> exif_offset_;  // "Image ExifOffset", read after the IFD chain
};

// json.dumps of {name: printable.strip()} with its default separators.
std::string to_json(const TagDict& tags) {
  std::string out = "{";
  for (const auto& [name, printable] : tags.entries()) {
    if (out.size() > 1) out += ", ";
    const auto dump = [](const std::string& text) {
      return nlohmann::json(text).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
    };
    out += dump(name) + ": " + dump(python_strip(printable));
  }
  return out + "}";
}

}  // namespace

std::optional<std::string> exif_json(std::string_view image_bytes) {
  try {
    const ExifLocation location = find_exif(image_bytes);
    ExifParser parser(image_bytes, location.offset, location.endian == 'I');
    return to_json(parser.parse());
  } catch (const NoExif&) {
    return "{}";
  } catch (const PythonError&) {
    return std::nullopt;
  }
}

}  // namespace clipret::download
