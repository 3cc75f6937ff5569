// download/python_cell.h: one input cell as img2dataset sees it after pyarrow's to_pydict: its
// value in the .json sidecar (json.dumps) and as str() in the .txt caption.
//
// Strings and binary are text, integers ints (unsigned ones too), FLOAT the double of the float
// (pyarrow widens), DOUBLE itself, BOOLEAN a bool, null None. Dates, times, timestamps and
// decimals, which json.dumps refuses, are written as their stored number.
#pragma once

#include <cstddef>
#include <string>

namespace clipret::parquet {
class Column;
}

namespace clipret::download {

class PythonJsonWriter;

void write_cell_json(const parquet::Column& column, size_t row, PythonJsonWriter& json);

// Python's str() of the cell; "" for null (img2dataset's caption file for a missing caption).
std::string cell_text(const parquet::Column& column, size_t row);

}  // namespace clipret::download
