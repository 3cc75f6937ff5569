#include "metadata/value_kind.h"

#include <cmath>
#include <cstdint>

#include "core/error.h"
#include "core/float16.h"
#include "parquet/column.h"
#include "parquet/parquet_types.h"

namespace clipret::metadata {

namespace {

using parquet::LogicalKind;
using parquet::PhysicalType;

double power_of_ten(int32_t exponent) {
  double result = 1.0;
  for (int32_t i = 0; i < exponent; ++i) result *= 10.0;
  return result;
}

// The cell as a double, before the NaN check; only for kinds served as double.
double double_at(const parquet::Column& column, size_t row) {
  const parquet::ColumnType& type = column.type();
  switch (column.physical()) {
    case PhysicalType::kFloat:
      return column.float_at(row);
    case PhysicalType::kDouble:
      return column.double_at(row);
    case PhysicalType::kInt32:
      if (type.logical.kind == LogicalKind::kDecimal) {
        return column.int32_at(row) / power_of_ten(type.logical.scale);
      }
      return column.int32_at(row);
    case PhysicalType::kInt64:
      if (type.logical.kind == LogicalKind::kDecimal) {
        return static_cast<double>(column.int64_at(row)) / power_of_ten(type.logical.scale);
      }
      if (type.logical.kind == LogicalKind::kInteger && !type.logical.is_signed) {
        return static_cast<double>(static_cast<uint64_t>(column.int64_at(row)));
      }
      return static_cast<double>(column.int64_at(row));
    case PhysicalType::kFixedLenByteArray: {  // FLOAT16: two little-endian bytes
      const std::string_view bytes = column.bytes_at(row);
      const uint16_t bits = static_cast<uint16_t>(static_cast<uint8_t>(bytes[0]) |
                                                  (static_cast<uint8_t>(bytes[1]) << 8));
      return core::float16_to_float32(bits);
    }
    default:
      return 0.0;
  }
}

int64_t int_at(const parquet::Column& column, size_t row) {
  if (column.physical() == PhysicalType::kInt32) {
    const parquet::LogicalType& logical = column.type().logical;
    if (logical.kind == LogicalKind::kInteger && !logical.is_signed) {
      return static_cast<uint32_t>(column.int32_at(row));
    }
    return column.int32_at(row);
  }
  return column.int64_at(row);
}

}  // namespace

const char* value_kind_name(ValueKind kind) {
  switch (kind) {
    case ValueKind::kNull:
      return "null";
    case ValueKind::kBool:
      return "bool";
    case ValueKind::kInt:
      return "int";
    case ValueKind::kDouble:
      return "double";
    case ValueKind::kString:
      return "string";
  }
  return "?";
}

ValueKind parse_value_kind(const std::string& name, const std::string& source) {
  for (ValueKind kind : {ValueKind::kNull, ValueKind::kBool, ValueKind::kInt, ValueKind::kDouble,
                         ValueKind::kString}) {
    if (name == value_kind_name(kind)) return kind;
  }
  CLIPRET_THROW(Corrupt, "%s: unknown value kind '%s'", source.c_str(), name.c_str());
}

ValueKind value_kind_of(const parquet::ColumnSchema& schema, const std::string& file) {
  const parquet::ColumnType& type = schema.type;
  if (type.logical.kind == LogicalKind::kNull) return ValueKind::kNull;
  switch (type.physical) {
    case PhysicalType::kBoolean:
      return ValueKind::kBool;
    case PhysicalType::kInt32:
      return type.logical.kind == LogicalKind::kDecimal ? ValueKind::kDouble : ValueKind::kInt;
    case PhysicalType::kInt64:
    case PhysicalType::kInt96:
      if (type.logical.kind == LogicalKind::kDecimal) return ValueKind::kDouble;
      if (type.logical.kind == LogicalKind::kInteger && !type.logical.is_signed) {
        return ValueKind::kDouble;  // UINT64 may not fit an int64
      }
      return ValueKind::kInt;
    case PhysicalType::kFloat:
    case PhysicalType::kDouble:
      return ValueKind::kDouble;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      if (type.logical.kind == LogicalKind::kFloat16) return ValueKind::kDouble;
      CLIPRET_CHECK(type.logical.kind != LogicalKind::kDecimal, Unsupported,
                    "%s: column '%s' is a DECIMAL stored as bytes, which metadata cannot serve",
                    file.c_str(), schema.name.c_str());
      return ValueKind::kString;
  }
  return ValueKind::kNull;
}

bool kinds_compatible(ValueKind a, ValueKind b) {
  if (a == b || a == ValueKind::kNull || b == ValueKind::kNull) return true;
  const auto numeric = [](ValueKind k) { return k == ValueKind::kInt || k == ValueKind::kDouble; };
  return numeric(a) && numeric(b);
}

ValueKind merge_kinds(ValueKind a, ValueKind b) {
  if (a == ValueKind::kNull) return b;
  if (b == ValueKind::kNull || a == b) return a;
  return ValueKind::kDouble;  // int with double
}

MetadataValue value_at(const parquet::Column& column, size_t row, ValueKind kind) {
  if (column.is_null(row) || column.type().logical.kind == LogicalKind::kNull) return {};
  switch (kind) {
    case ValueKind::kNull:
      return {};
    case ValueKind::kBool:
      return column.bool_at(row);
    case ValueKind::kInt:
      return int_at(column, row);
    case ValueKind::kDouble: {
      const double value = double_at(column, row);
      if (std::isnan(value)) return {};
      return value;
    }
    case ValueKind::kString:
      return std::string(column.bytes_at(row));
  }
  return {};
}

}  // namespace clipret::metadata
