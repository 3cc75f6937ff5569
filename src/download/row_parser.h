// download/row_parser.h: the interface the url list's text parsers (txt, csv, tsv, json, jsonl)
// share: one row of the wanted columns at a time, each value a string or null. UrlListReader
// asks for rows; TextRowSource turns them into shard tables of nullable string columns.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace clipret::download {

// One row's values, one per wanted column, in the order the columns were asked for.
using RowFields = std::vector<std::optional<std::string>>;

// Rows of the wanted columns, one at a time.
class RowParser {
 public:
  virtual ~RowParser() = default;
  // Fills `fields` (one per wanted column) with the next row; false at the end. Throws
  // Error(kInvalidInput) naming the file and line for unparsable input.
  virtual bool next_row(RowFields& fields) = 0;
};

// Throws Error(kInvalidInput): "<file>: no column '<column>' (columns: 'a', 'b')", or "none"
// when `available` is empty. Shared by every input format, so their messages read alike.
[[noreturn]] void throw_missing_column(const std::string& file, const std::string& column,
                                       const std::vector<std::string>& available);

}  // namespace clipret::download
