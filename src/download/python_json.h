// download/python_json.h: JSON text exactly as Python's json.dumps(value, indent=4) writes it,
// for img2dataset's sidecar .json files and <shard>_stats.json, which users diff and parse with
// tools that expect that layout.
//
// Layout: a newline and 4 spaces per level before each member, "," at line ends, ": " after
// keys, "{}"/"[]" for empty containers, no trailing newline. Strings are ASCII-only
// (ensure_ascii): non-ASCII as \uXXXX (lower-case hex, surrogate pairs above U+FFFF), bytes that
// are not UTF-8 as U+FFFD. Floats as Python's repr, NaN and Infinity unquoted.
//
//   PythonJsonWriter json;
//   json.begin_object();
//   json.key("count");
//   json.int_value(3);
//   json.end_object();
//   write(json.text());
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace clipret::download {

// Appends `text` as Python's json.dumps (ensure_ascii) writes a str, quotes included.
void append_python_json_string(std::string_view text, std::string& out);

class PythonJsonWriter {
 public:
  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  // The next member's name; only inside an object, before its value.
  void key(std::string_view name);

  void string_value(std::string_view value);
  void int_value(int64_t value);
  void uint_value(uint64_t value);
  void double_value(double value);
  void bool_value(bool value);
  void null_value();

  const std::string& text() const { return text_; }

 private:
  // Newline and indentation before a value in an array (a value after a key needs none).
  void before_value();
  void close(char bracket);

  std::string text_;
  std::vector<size_t> members_;  // per open container: members so far
  bool after_key_ = false;
};

}  // namespace clipret::download
