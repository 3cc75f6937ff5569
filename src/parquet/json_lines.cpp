#include "parquet/json_lines.h"

#include <algorithm>
#include <ostream>

#include "core/json_text.h"
#include "parquet/json_value_format.h"
#include "parquet/parquet_reader.h"
#include "parquet/table.h"

namespace clipret::parquet {

void write_table_json_lines(const Table& table, size_t begin, size_t end, std::ostream& out) {
  std::vector<std::string> keys;
  for (const Column& column : table.columns()) {
    std::string key;
    core::append_json_string(column.name(), key, core::InvalidUtf8::kEscapeBytes);
    key.append(": ");
    keys.push_back(std::move(key));
  }
  std::string line;
  for (size_t row = begin; row < end; ++row) {
    line.clear();
    line.push_back('{');
    for (size_t c = 0; c < table.num_columns(); ++c) {
      if (c > 0) line.append(", ");
      line.append(keys[c]);
      append_json_value(table.column(c), row, &line);
    }
    line.append("}\n");
    out.write(line.data(), static_cast<std::streamsize>(line.size()));
  }
}

int64_t write_json_lines(const std::string& path, const CatOptions& options, std::ostream& out) {
  ReaderOptions reader_options;
  reader_options.columns = options.columns;
  auto reader = ParquetReader::open(path, reader_options);
  int64_t written = 0;
  for (size_t g = 0; g < reader->num_row_groups(); ++g) {
    if (options.limit >= 0 && written >= options.limit) break;
    const Table table = reader->read_row_group(g);
    size_t rows = table.num_rows();
    if (options.limit >= 0)
      rows = std::min<size_t>(rows, static_cast<size_t>(options.limit - written));
    write_table_json_lines(table, 0, rows, out);
    written += static_cast<int64_t>(rows);
  }
  return written;
}

}  // namespace clipret::parquet
