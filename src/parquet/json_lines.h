// parquet/json_lines.h: a Parquet file's rows as JSON lines (`clip-retrieval parquet cat`).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace clipret::parquet {

class Table;

struct CatOptions {
  std::vector<std::string> columns;  // columns to print, in this order; empty prints all
  int64_t limit = -1;                // rows to print at most; negative prints all
};

// Writes one JSON object per row, `{"name": value, ...}` with json.dumps's separators (see
// json_value_format.h for values). Reads one row group at a time. Returns the rows written.
// Throws what ParquetReader throws.
int64_t write_json_lines(const std::string& path, const CatOptions& options, std::ostream& out);

// Writes rows [begin, end) of `table` as JSON lines.
void write_table_json_lines(const Table& table, size_t begin, size_t end, std::ostream& out);

}  // namespace clipret::parquet
