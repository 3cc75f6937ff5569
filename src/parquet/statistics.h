// parquet/statistics.h: the min/max/null-count statistics the writer stores per column chunk.
#pragma once

#include <cstddef>

#include "parquet/file_metadata.h"

namespace clipret::parquet {

class Column;

// Statistics of rows [begin, end) of `column`: null count always; min and max in the column's
// sort order (signed or unsigned integers, IEEE floats ignoring NaN, unsigned bytes for strings)
// unless there is no non-null value, the type has no simple order (decimals on bytes, FLOAT16),
// or a value is longer than 1 KiB.
Statistics compute_statistics(const Column& column, size_t begin, size_t end);

}  // namespace clipret::parquet
