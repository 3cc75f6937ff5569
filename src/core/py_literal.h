// core/py_literal.h: a parser for the Python literals in a .npy header dict.
//
// A .npy header is the repr() of a dict, read back by numpy with ast.literal_eval. This parses
// the subset that can appear there: strings, True/False/None, integers, tuples and lists.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace clipret::core {

// The subset of Python literals a .npy header dict can hold.
struct PyValue {
  enum class Kind { kString, kBool, kNone, kInt, kTuple, kList };
  Kind kind = Kind::kNone;
  std::string text;            // kString
  bool boolean = false;        // kBool
  bool negative = false;       // kInt
  bool overflow = false;       // kInt: magnitude did not fit in uint64
  uint64_t magnitude = 0;      // kInt
  std::vector<PyValue> items;  // kTuple, kList
};

// Parses `{'key': value, ...}` followed by whitespace only, with string keys, and returns the
// entries in order. `name` (a path) prefixes messages. Throws Error(kCorrupt) on malformed text,
// duplicate keys or nesting deeper than 8 levels.
std::vector<std::pair<std::string, PyValue>> parse_py_literal_dict(std::string_view text,
                                                                   const std::string& name);

}  // namespace clipret::core
