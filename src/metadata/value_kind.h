// metadata/value_kind.h: how a Parquet column's values are served (spec §3.6 step 6: bytes become
// strings, numpy scalars plain values), and the conversion of one cell.
//
// Both stores use these rules, so the in-memory and the SQLite store answer alike:
//   BOOLEAN → bool; INT32/INT64 (signed, unsigned up to 32 bits, date, time, timestamp: raw
//   units) → int64; FLOAT/DOUBLE, FLOAT16, DECIMAL on INT32/INT64 and UINT64 → double;
//   BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY (string or binary) → string of the bytes;
//   Parquet's UNKNOWN (an all-null column, as pandas writes one) → null.
// A NaN float is served as null: JSON has no NaN, and SQLite stores a bound NaN as NULL anyway.
#pragma once

#include <string>

#include "metadata/metadata_store.h"

namespace clipret::parquet {
class Column;
struct ColumnSchema;
}  // namespace clipret::parquet

namespace clipret::metadata {

enum class ValueKind { kNull, kBool, kInt, kDouble, kString };

// "null", "bool", "int", "double", "string": stable, stored in the SQLite store.
const char* value_kind_name(ValueKind kind);
// The inverse; throws Error(kCorrupt) naming `source` for an unknown name.
ValueKind parse_value_kind(const std::string& name, const std::string& source);

// How `schema`'s values are served. Throws Error(kUnsupported) naming `file` and the column for a
// type with no sensible value (DECIMAL stored as bytes).
ValueKind value_kind_of(const parquet::ColumnSchema& schema, const std::string& file);

// Whether a column of kind `a` in one file and `b` in another can be served as one column:
// equal kinds, or one of them all-null. Int and double mix as double.
bool kinds_compatible(ValueKind a, ValueKind b);
// The kind served for a column seen as `a` and `b` (kinds_compatible(a, b) must hold).
ValueKind merge_kinds(ValueKind a, ValueKind b);

// Row `row` of `column` as `kind` (the column's own value_kind_of, or a kind merged from it).
MetadataValue value_at(const parquet::Column& column, size_t row, ValueKind kind);

}  // namespace clipret::metadata
