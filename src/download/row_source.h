// download/row_source.h: one url list file's rows, read a shard's slice at a time, whatever its
// format. UrlListReader opens one RowSource per input file and cuts shards from it.
//
// Text formats (txt, csv, tsv, json, jsonl) come through a RowParser as nullable string columns;
// parquet (parquet_row_source.h) keeps the file's column types.
#pragma once

#include <cstdint>
#include <memory>

#include "parquet/table.h"

namespace clipret::download {

class RowParser;

// One input file's rows, read in slices.
class RowSource {
 public:
  virtual ~RowSource() = default;
  // The columns of tables read from this file.
  virtual const parquet::Schema& schema() const = 0;
  virtual bool at_end() = 0;
  // Appends up to `max_rows` rows to `out`, or drops them when `out` is null; returns how many
  // were read (fewer only at the end of the file).
  virtual int64_t read(parquet::Table* out, int64_t max_rows) = 0;
};

// The rows of a text parser as the columns of `schema` (nullable strings, one per wanted column,
// in the parser's order). Takes ownership of `parser`.
std::unique_ptr<RowSource> make_text_row_source(std::unique_ptr<RowParser> parser,
                                                parquet::Schema schema);

}  // namespace clipret::download
