// data/json_flatten.h: a sample's .json metadata → flat named fields (pandas json_normalize).
//
// Nested objects become dotted names ({"a": {"b": 1}} → "a.b"), in the order they appear.
// Arrays are kept as their JSON text. The spec (§1.7) drops top-level fields named `caption`,
// `metadata` and `image_path`, which would clash with the columns the writer fills itself.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace clipret::data {

struct FlatValue {
  enum class Kind { kNull, kBool, kInt, kDouble, kString };
  Kind kind = Kind::kNull;
  bool bool_value = false;
  int64_t int_value = 0;
  double double_value = 0;
  std::string string_value;  // kString, and the JSON text of arrays
};

struct FlatField {
  std::string name;
  FlatValue value;
};

// Parses `json_text` and flattens it. Returns nullopt and sets `*error` when the text is not
// JSON or not an object ("json is not an object", "invalid json: ...").
std::optional<std::vector<FlatField>> flatten_json_object(std::string_view json_text,
                                                          std::string* error);

}  // namespace clipret::data
