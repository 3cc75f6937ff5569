// parquet/json_value_format.h: one table cell as JSON text, the way Python's json.dumps writes
// what pyarrow returns (so `parquet cat` matches files made with pandas/pyarrow tooling).
//
// Floats use Python's repr (shortest round-trip digits, "1.0", "1e-05"; FLOAT widened to double);
// NaN and infinities are written NaN, Infinity, -Infinity as Python does. Strings keep non-ASCII
// characters; bytes that are not valid UTF-8 (binary columns) become \u00XX escapes. Dates and
// times are ISO 8601 strings ("2024-01-31", "2024-01-31T12:00:00.000000", +"Z" when UTC),
// decimals exact numbers ("123.45"), UUIDs canonical strings.
#pragma once

#include <cstddef>
#include <string>

namespace clipret::parquet {

class Column;

// Appends the JSON text of row `row` of `column` to `out` ("null" for nulls).
void append_json_value(const Column& column, size_t row, std::string* out);

}  // namespace clipret::parquet
