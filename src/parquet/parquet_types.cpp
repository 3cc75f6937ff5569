#include "parquet/parquet_types.h"

#include <algorithm>
#include <cctype>

#include "core/error.h"

namespace clipret::parquet {

namespace {

ColumnType make_type(PhysicalType physical, LogicalKind kind = LogicalKind::kNone) {
  ColumnType type;
  type.physical = physical;
  type.logical.kind = kind;
  return type;
}

ColumnType unsigned_type(PhysicalType physical, int8_t bits) {
  ColumnType type = make_type(physical, LogicalKind::kInteger);
  type.logical.bit_width = bits;
  type.logical.is_signed = false;
  return type;
}

const char* unit_name(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMillis:
      return "MILLIS";
    case TimeUnit::kMicros:
      return "MICROS";
    case TimeUnit::kNanos:
      return "NANOS";
  }
  return "?";
}

}  // namespace

ColumnType bool_type() {
  return make_type(PhysicalType::kBoolean);
}
ColumnType int32_type() {
  return make_type(PhysicalType::kInt32);
}
ColumnType int64_type() {
  return make_type(PhysicalType::kInt64);
}
ColumnType uint32_type() {
  return unsigned_type(PhysicalType::kInt32, 32);
}
ColumnType uint64_type() {
  return unsigned_type(PhysicalType::kInt64, 64);
}
ColumnType float_type() {
  return make_type(PhysicalType::kFloat);
}
ColumnType double_type() {
  return make_type(PhysicalType::kDouble);
}
ColumnType string_type() {
  return make_type(PhysicalType::kByteArray, LogicalKind::kString);
}
ColumnType binary_type() {
  return make_type(PhysicalType::kByteArray);
}
ColumnType date_type() {
  return make_type(PhysicalType::kInt32, LogicalKind::kDate);
}

ColumnType timestamp_type(TimeUnit unit, bool adjusted_to_utc) {
  ColumnType type = make_type(PhysicalType::kInt64, LogicalKind::kTimestamp);
  type.logical.unit = unit;
  type.logical.adjusted_to_utc = adjusted_to_utc;
  return type;
}

ColumnType decimal_type(PhysicalType physical, int32_t precision, int32_t scale,
                        int32_t type_length) {
  ColumnType type = make_type(physical, LogicalKind::kDecimal);
  type.type_length = type_length;
  type.logical.precision = precision;
  type.logical.scale = scale;
  return type;
}

const char* physical_type_name(PhysicalType type) {
  switch (type) {
    case PhysicalType::kBoolean:
      return "BOOLEAN";
    case PhysicalType::kInt32:
      return "INT32";
    case PhysicalType::kInt64:
      return "INT64";
    case PhysicalType::kInt96:
      return "INT96";
    case PhysicalType::kFloat:
      return "FLOAT";
    case PhysicalType::kDouble:
      return "DOUBLE";
    case PhysicalType::kByteArray:
      return "BYTE_ARRAY";
    case PhysicalType::kFixedLenByteArray:
      return "FIXED_LEN_BYTE_ARRAY";
  }
  return "UNKNOWN";
}

const char* compression_name(Compression codec) {
  switch (codec) {
    case Compression::kUncompressed:
      return "UNCOMPRESSED";
    case Compression::kSnappy:
      return "SNAPPY";
    case Compression::kGzip:
      return "GZIP";
    case Compression::kLzo:
      return "LZO";
    case Compression::kBrotli:
      return "BROTLI";
    case Compression::kLz4:
      return "LZ4";
    case Compression::kZstd:
      return "ZSTD";
    case Compression::kLz4Raw:
      return "LZ4_RAW";
  }
  return "UNKNOWN";
}

const char* encoding_name(Encoding encoding) {
  switch (encoding) {
    case Encoding::kPlain:
      return "PLAIN";
    case Encoding::kPlainDictionary:
      return "PLAIN_DICTIONARY";
    case Encoding::kRle:
      return "RLE";
    case Encoding::kBitPacked:
      return "BIT_PACKED";
    case Encoding::kDeltaBinaryPacked:
      return "DELTA_BINARY_PACKED";
    case Encoding::kDeltaLengthByteArray:
      return "DELTA_LENGTH_BYTE_ARRAY";
    case Encoding::kDeltaByteArray:
      return "DELTA_BYTE_ARRAY";
    case Encoding::kRleDictionary:
      return "RLE_DICTIONARY";
    case Encoding::kByteStreamSplit:
      return "BYTE_STREAM_SPLIT";
  }
  return "UNKNOWN";
}

std::string logical_type_name(const LogicalType& type) {
  switch (type.kind) {
    case LogicalKind::kNone:
      return "";
    case LogicalKind::kString:
      return "STRING";
    case LogicalKind::kEnum:
      return "ENUM";
    case LogicalKind::kJson:
      return "JSON";
    case LogicalKind::kBson:
      return "BSON";
    case LogicalKind::kUuid:
      return "UUID";
    case LogicalKind::kInteger:
      return string_printf("INT(%d, %s)", type.bit_width, type.is_signed ? "true" : "false");
    case LogicalKind::kDecimal:
      return string_printf("DECIMAL(%d, %d)", type.precision, type.scale);
    case LogicalKind::kDate:
      return "DATE";
    case LogicalKind::kTime:
      return string_printf("TIME(%s, %s)", unit_name(type.unit),
                           type.adjusted_to_utc ? "true" : "false");
    case LogicalKind::kTimestamp:
      return string_printf("TIMESTAMP(%s, %s)", unit_name(type.unit),
                           type.adjusted_to_utc ? "true" : "false");
    case LogicalKind::kFloat16:
      return "FLOAT16";
    case LogicalKind::kNull:
      return "UNKNOWN";
  }
  return "";
}

Compression parse_compression(const std::string& name) {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "snappy") return Compression::kSnappy;
  if (lower == "zstd") return Compression::kZstd;
  if (lower == "gzip") return Compression::kGzip;
  if (lower == "lz4_raw" || lower == "lz4") return Compression::kLz4Raw;
  if (lower == "none" || lower == "uncompressed") return Compression::kUncompressed;
  CLIPRET_THROW(InvalidInput,
                "unknown Parquet compression '%s' (expected snappy, zstd, gzip, lz4_raw or none)",
                name.c_str());
}

void validate_column_type(const std::string& column_name, const ColumnType& type) {
  const char* name = column_name.c_str();
  const PhysicalType p = type.physical;
  const LogicalType& l = type.logical;
  CLIPRET_CHECK(p != PhysicalType::kInt96, InvalidInput,
                "column '%s': INT96 cannot be written (use a TIMESTAMP on INT64)", name);
  if (p == PhysicalType::kFixedLenByteArray) {
    CLIPRET_CHECK(type.type_length > 0, InvalidInput,
                  "column '%s': FIXED_LEN_BYTE_ARRAY needs a positive type_length", name);
  }
  const bool is_bytes = p == PhysicalType::kByteArray || p == PhysicalType::kFixedLenByteArray;
  bool ok = true;
  switch (l.kind) {
    case LogicalKind::kNone:
    case LogicalKind::kNull:
      break;
    case LogicalKind::kString:
    case LogicalKind::kEnum:
    case LogicalKind::kJson:
    case LogicalKind::kBson:
      ok = p == PhysicalType::kByteArray;
      break;
    case LogicalKind::kUuid:
      ok = p == PhysicalType::kFixedLenByteArray && type.type_length == 16;
      break;
    case LogicalKind::kFloat16:
      ok = p == PhysicalType::kFixedLenByteArray && type.type_length == 2;
      break;
    case LogicalKind::kInteger:
      ok = (p == PhysicalType::kInt32 && l.bit_width >= 8 && l.bit_width <= 32) ||
           (p == PhysicalType::kInt64 && l.bit_width == 64);
      ok = ok && (l.bit_width == 8 || l.bit_width == 16 || l.bit_width == 32 || l.bit_width == 64);
      break;
    case LogicalKind::kDecimal:
      ok = (p == PhysicalType::kInt32 && l.precision <= 9) ||
           (p == PhysicalType::kInt64 && l.precision <= 18) || is_bytes;
      ok = ok && l.precision >= 1 && l.scale >= 0 && l.scale <= l.precision;
      break;
    case LogicalKind::kDate:
      ok = p == PhysicalType::kInt32;
      break;
    case LogicalKind::kTime:
      ok = (p == PhysicalType::kInt32 && l.unit == TimeUnit::kMillis) ||
           (p == PhysicalType::kInt64 && l.unit != TimeUnit::kMillis);
      break;
    case LogicalKind::kTimestamp:
      ok = p == PhysicalType::kInt64;
      break;
  }
  CLIPRET_CHECK(ok, InvalidInput, "column '%s': logical type %s does not fit physical type %s",
                name, logical_type_name(l).c_str(), physical_type_name(p));
}

}  // namespace clipret::parquet
