// download/json_parsers.h: the json and jsonl url lists, row by row.
//
// Values: strings as is, null (or an absent key) as null, anything else as its JSON text
// (nlohmann's dump: a number 3 reads "3", an object its compact text).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "download/row_parser.h"

namespace clipret::download {

// jsonl: one object a line; blank lines are skipped. A column may be absent from some rows
// (null there), but must appear within the first `check_rows` rows, so that a wrong column name
// fails before any download. Throws Error(kInvalidInput) naming file and line for a line that is
// not a JSON object.
std::unique_ptr<RowParser> make_json_lines_parser(const std::string& path, bool gzip,
                                                  const std::vector<std::string>& wanted,
                                                  int64_t check_rows);

// json: pandas' default "columns" orientation {"col": {"0": v, ...}} (rows in order of the
// labels' first appearance), or a list of records [{"col": v, ...}, ...]. The whole document is
// read at once (at most 16 GiB). Throws Error(kInvalidInput) for invalid JSON (naming the line),
// another layout, or a wanted column that no record or no column holds.
std::unique_ptr<RowParser> make_json_document_parser(const std::string& path, bool gzip,
                                                     const std::vector<std::string>& wanted);

}  // namespace clipret::download
