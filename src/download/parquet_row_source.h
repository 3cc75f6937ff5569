// download/parquet_row_source.h: a parquet url list as a RowSource, through our Parquet reader.
//
// Only the wanted columns are decoded, one row group at a time; row groups that fall entirely in
// skipped shards (read with a null table) are not decoded at all. Columns keep the file's types.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "download/row_source.h"

namespace clipret::download {

// Reads the columns `wanted` of `path`, named `names` (same size) in the tables it fills; a
// column may be wanted twice. Throws Error(kInvalidInput) naming the available columns (nested
// ones included) when one is missing, and what ParquetReader throws for a damaged file;
// Error(kCorrupt) when a row group holds other than its metadata's row count.
std::unique_ptr<RowSource> make_parquet_row_source(const std::string& path,
                                                   const std::vector<std::string>& wanted,
                                                   const std::vector<std::string>& names);

}  // namespace clipret::download
