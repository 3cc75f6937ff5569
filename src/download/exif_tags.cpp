#include "download/exif_tags.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <optional>
#include <span>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "download/exif_locator.h"
#include "download/exif_python.h"
#include "download/exif_tag_table.h"
#include "download/exif_values.h"
#include "download/python_json.h"
#include "download/python_repr.h"

// This follows exifread 3.0's process_file(details=False) step by step, quirks included, because
// img2dataset's users see its output: where it finds the EXIF block (its JPEG segment walk only
// looks ~4000 bytes past the first segments), how it reads past the block's end (into the rest
// of the file, zeros at EOF), and which malformed inputs make it raise (img2dataset: null) or
// give up quietly (img2dataset: {}).
namespace clipret::download {
namespace {

using exif_python::NoExif;
using exif_python::PythonError;
using exif_python::slice;
using exif_table::SubIfd;
using exif_table::TagFormat;
using exif_table::TagInfo;
using exif_values::Field;
using exif_values::kTypeAscii;
using exif_values::make_ratio;
using exif_values::Pointer;
using exif_values::Value;

constexpr bool sorted_by_id(std::span<const TagInfo> table) {
  for (size_t i = 1; i < table.size(); ++i) {
    if (table[i - 1].id >= table[i].id) return false;
  }
  return true;
}
static_assert(sorted_by_id(exif_table::kExifTags) && sorted_by_id(exif_table::kGpsTags) &&
              sorted_by_id(exif_table::kInteropTags));

// exifread has no bound on work: a hostile file can make it read 65535 entries per IFD, each
// pointing at another IFD. Past this budget (entries + values + bytes/64 scanned + printed
// bytes/8; real photos spend a few thousand) we give up with null rather than hang.
constexpr int64_t kMaxWork = int64_t{1} << 22;
// exifread decodes at most this many values of a tag (none above it: the tag prints "[]").
constexpr uint32_t kMaxValues = 1000;
// exifread's field type sizes (tags/__init__.py FIELD_TYPES), by type 1..13.
constexpr int kTypeLength[] = {0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4};
// The tags details=False skips: ApplicationNotes (XMP), MakerNote, UserComment.
constexpr uint16_t kIgnoredTags[] = {0x02BC, 0x927C, 0x9286};
constexpr uint16_t kExifOffsetTag = 0x8769;

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

// json.dumps of {name: printable.strip()} with its default separators. Names and printables are
// UTF-8 (python_strip keeps them so), which append_python_json_string writes as ensure_ascii does.
std::string to_json(const TagDict& tags) {
  std::string out = "{";
  for (const auto& [name, printable] : tags.entries()) {
    if (out.size() > 1) out += ", ";
    append_python_json_string(name, out);
    out += ": ";
    append_python_json_string(python_strip(printable), out);
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
