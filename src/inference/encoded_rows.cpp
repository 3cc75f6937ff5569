#include "inference/encoded_rows.h"

#include <cmath>
#include <cstdio>
#include <ostream>

#include "core/error.h"
#include "core/npy_writer.h"

namespace clipret::inference {
namespace {

// Enough for "%.9g" of any float ("-1.17549435e-38") and any int64.
constexpr size_t kNumberBuffer = 32;

void append_number(float value, std::string& line) {
  if (!std::isfinite(value)) {
    line += "null";
    return;
  }
  char buffer[kNumberBuffer];
  const int n = std::snprintf(buffer, sizeof buffer, "%.9g", static_cast<double>(value));
  line.append(buffer, static_cast<size_t>(n));
}

void append_number(int64_t value, std::string& line) {
  char buffer[kNumberBuffer];
  const int n = std::snprintf(buffer, sizeof buffer, "%lld", static_cast<long long>(value));
  line.append(buffer, static_cast<size_t>(n));
}

// Appends the elements from `values` for axes [axis, shape.size()) as nested arrays; advances
// `values` past them.
template <typename T>
void append_nested(const std::vector<uint64_t>& shape, size_t axis, const T*& values,
                   std::string& line) {
  line += '[';
  for (uint64_t i = 0; i < shape[axis]; ++i) {
    if (i > 0) line += ',';
    if (axis + 1 == shape.size()) {
      append_number(*values++, line);
    } else {
      append_nested(shape, axis + 1, values, line);
    }
  }
  line += ']';
}

template <typename T>
void write_lines(const EncodedRows& rows, const std::vector<T>& values, std::ostream& out) {
  CLIPRET_CHECK(values.size() == rows.rows() * rows.row_elements(), Internal,
                "encoded rows hold %zu values for shape of %llu x %llu", values.size(),
                static_cast<unsigned long long>(rows.rows()),
                static_cast<unsigned long long>(rows.row_elements()));
  // A 1-d result (no row shape) prints each row as a one-element array.
  std::vector<uint64_t> row_shape(rows.shape.begin() + 1, rows.shape.end());
  if (row_shape.empty()) row_shape.push_back(1);
  const T* next = values.data();
  std::string line;
  for (uint64_t r = 0; r < rows.rows(); ++r) {
    line.clear();
    append_nested(row_shape, 0, next, line);
    line += '\n';
    out.write(line.data(), static_cast<std::streamsize>(line.size()));
  }
  out.flush();
  CLIPRET_CHECK(out.good(), Io, "writing JSON lines failed after %llu rows",
                static_cast<unsigned long long>(rows.rows()));
}

}  // namespace

uint64_t EncodedRows::row_elements() const {
  uint64_t n = 1;
  for (size_t i = 1; i < shape.size(); ++i) n *= shape[i];
  return n;
}

void write_json_lines(const EncodedRows& rows, std::ostream& out) {
  if (rows.dtype == core::NpyDtype::kInt64) {
    write_lines(rows, rows.ints, out);
  } else {
    write_lines(rows, rows.floats, out);
  }
}

void write_npy_file(const EncodedRows& rows, const std::string& path) {
  const void* data = rows.dtype == core::NpyDtype::kInt64
                         ? static_cast<const void*>(rows.ints.data())
                         : static_cast<const void*>(rows.floats.data());
  core::write_npy(path, rows.dtype, rows.shape, data);
}

}  // namespace clipret::inference
