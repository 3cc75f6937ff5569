// parquet/schema_description.h: a readable summary of a Parquet file's schema, row groups and
// column chunks (`clip-retrieval parquet schema`).
#pragma once

#include <iosfwd>
#include <string>

namespace clipret::parquet {

// Writes the file's columns (name, physical and logical type, nullability), key-value metadata
// keys, and per row group: rows and per column codec, encodings, sizes, null count and min/max.
void describe_parquet_file(const std::string& path, std::ostream& out);

}  // namespace clipret::parquet
