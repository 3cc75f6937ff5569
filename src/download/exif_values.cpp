#include "download/exif_values.h"

#include <numeric>
#include <string_view>

#include "download/exif_tag_table.h"
#include "download/python_repr.h"

namespace clipret::download::exif_values {
namespace {

using exif_table::ValueName;

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

const char* find_name(std::span<const ValueName> names, int64_t value) {
  for (const ValueName& name : names) {
    if (name.value == value) return name.name;
  }
  return nullptr;
}

}  // namespace

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

}  // namespace clipret::download::exif_values
