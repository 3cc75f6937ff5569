// core/json_text.h: JSON text written by hand where a JSON tree would cost too much (a /metadata
// answer of a million rows, `parquet cat` of a large file), and Python's float repr, which the
// original's answers and pyarrow-made dumps use.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace clipret::core {

// What append_json_string does with bytes that are not valid UTF-8.
enum class InvalidUtf8 {
  // U+FFFD in their place, as nlohmann::json's error_handler_t::replace writes them (answers
  // to clients, which must be valid JSON text).
  kReplace,
  // \u00XX for each such byte, i.e. the bytes read as Latin-1 (`parquet cat` of binary columns,
  // which keeps every byte recoverable).
  kEscapeBytes,
};

// Appends `text` to `out` as a JSON string literal (quotes included): '"', '\\' and control
// characters escaped (\n, \t, ... or \u00XX), valid non-ASCII UTF-8 kept as it is.
void append_json_string(std::string_view text, std::string& out,
                        InvalidUtf8 invalid = InvalidUtf8::kReplace);

// Appends Python's repr() of a finite `value`: the shortest digits that round-trip, fixed
// notation for 1e-4 <= |value| < 1e16 ("1.0", "0.0001"), scientific otherwise ("1e-05",
// "1.5e+16"). Non-finite values are the caller's to spell (NaN, Infinity, +Inf, null).
void append_python_float(double value, std::string& out);

// The length of the well-formed UTF-8 sequence that starts at text[i], 0 when none does.
size_t utf8_sequence_length(std::string_view text, size_t i);

}  // namespace clipret::core
