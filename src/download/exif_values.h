// download/exif_values.h: one EXIF tag's values as exifread 3.0 holds them, and the three ways
// it prints them (its default printable, an enumeration's names, make_string), for the IFD walk
// in exif_tags.cpp. Pure functions of the values: no file access, no exceptions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace clipret::download::exif_table {
struct ValueName;
}

namespace clipret::download::exif_values {

// The EXIF field type ASCII (exifread keeps its bytes as a string, not a list).
constexpr int kTypeAscii = 2;

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
Value make_ratio(int64_t num, int64_t den);

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

Pointer first_as_pointer(const Field& field);

// exifread's default printable: str(values[0]) for one value, the string, or the list
// (shortened to 20 values past 50).
std::string default_printable(const Field& field);

// Each value's name in `names`, or its repr when it has none, concatenated.
std::string enum_printable(const Field& field, std::span<const exif_table::ValueName> names);

// exifread's make_string: the values 32..255 as characters; when there are none, the values
// run together ("" when that is all zeros) or the string itself.
std::string make_string(const Field& field);

}  // namespace clipret::download::exif_values
