#include "download/python_cell.h"

#include <cmath>
#include <cstdint>

#include "core/json_text.h"
#include "download/python_json.h"
#include "parquet/column.h"

namespace clipret::download {
namespace {

bool is_unsigned(const parquet::Column& column) {
  const parquet::LogicalType& logical = column.type().logical;
  return logical.kind == parquet::LogicalKind::kInteger && !logical.is_signed;
}

std::string python_float_str(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  std::string out;
  core::append_python_float(value, out);
  return out;
}

}  // namespace

void write_cell_json(const parquet::Column& column, size_t row, PythonJsonWriter& json) {
  if (column.is_null(row)) {
    json.null_value();
    return;
  }
  switch (column.physical()) {
    case parquet::PhysicalType::kBoolean:
      json.bool_value(column.bool_at(row));
      return;
    case parquet::PhysicalType::kInt32:
      if (is_unsigned(column)) {
        json.int_value(static_cast<uint32_t>(column.int32_at(row)));
      } else {
        json.int_value(column.int32_at(row));
      }
      return;
    case parquet::PhysicalType::kInt64:
    case parquet::PhysicalType::kInt96:
      if (is_unsigned(column)) {
        json.uint_value(static_cast<uint64_t>(column.int64_at(row)));
      } else {
        json.int_value(column.int64_at(row));
      }
      return;
    case parquet::PhysicalType::kFloat:
      json.double_value(static_cast<double>(column.float_at(row)));
      return;
    case parquet::PhysicalType::kDouble:
      json.double_value(column.double_at(row));
      return;
    case parquet::PhysicalType::kByteArray:
    case parquet::PhysicalType::kFixedLenByteArray:
      json.string_value(column.bytes_at(row));
      return;
  }
}

std::string cell_text(const parquet::Column& column, size_t row) {
  if (column.is_null(row)) return "";
  switch (column.physical()) {
    case parquet::PhysicalType::kBoolean:
      return column.bool_at(row) ? "True" : "False";
    case parquet::PhysicalType::kInt32:
      return is_unsigned(column) ? std::to_string(static_cast<uint32_t>(column.int32_at(row)))
                                 : std::to_string(column.int32_at(row));
    case parquet::PhysicalType::kInt64:
    case parquet::PhysicalType::kInt96:
      return is_unsigned(column) ? std::to_string(static_cast<uint64_t>(column.int64_at(row)))
                                 : std::to_string(column.int64_at(row));
    case parquet::PhysicalType::kFloat:
      return python_float_str(static_cast<double>(column.float_at(row)));
    case parquet::PhysicalType::kDouble:
      return python_float_str(column.double_at(row));
    case parquet::PhysicalType::kByteArray:
    case parquet::PhysicalType::kFixedLenByteArray:
      return std::string(column.bytes_at(row));
  }
  return "";
}

}  // namespace clipret::download
