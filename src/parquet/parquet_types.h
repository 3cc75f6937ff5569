// parquet/parquet_types.h: the types of a flat Parquet schema, as the reader returns them and the
// writer takes them.
//
// A column has a physical type (how values are stored) and an optional logical type (how to read
// them: string, unsigned int, date, timestamp, decimal...). INT96 columns are converted on read to
// INT64 timestamps in nanoseconds, so tables never hold INT96.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace clipret::parquet {

// Values are the Thrift enum values of parquet.thrift.
enum class PhysicalType : int8_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

enum class Compression : int8_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,
  kBrotli = 4,
  kLz4 = 5,  // Hadoop-framed LZ4 (deprecated)
  kZstd = 6,
  kLz4Raw = 7,
};

enum class Encoding : int8_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};

enum class LogicalKind : int8_t {
  kNone,       // plain physical values (BYTE_ARRAY without annotation = binary)
  kString,     // UTF-8 text (STRING / UTF8)
  kEnum,       // UTF-8 text
  kJson,       // UTF-8 text holding JSON
  kBson,       // binary
  kUuid,       // FIXED_LEN_BYTE_ARRAY(16)
  kInteger,    // bit_width and is_signed say which
  kDecimal,    // precision and scale
  kDate,       // INT32 days since 1970-01-01
  kTime,       // unit, time of day
  kTimestamp,  // unit, since 1970-01-01T00:00:00
  kFloat16,    // FIXED_LEN_BYTE_ARRAY(2), IEEE half
  kNull,       // always null (UNKNOWN)
};

enum class TimeUnit : int8_t { kMillis, kMicros, kNanos };

struct LogicalType {
  LogicalKind kind = LogicalKind::kNone;
  int8_t bit_width = 0;               // kInteger: 8, 16, 32 or 64
  bool is_signed = true;              // kInteger
  int32_t precision = 0;              // kDecimal
  int32_t scale = 0;                  // kDecimal
  TimeUnit unit = TimeUnit::kMicros;  // kTime, kTimestamp
  bool adjusted_to_utc = false;       // kTime, kTimestamp

  bool operator==(const LogicalType&) const = default;
};

struct ColumnType {
  PhysicalType physical = PhysicalType::kByteArray;
  int32_t type_length = 0;  // bytes per value for kFixedLenByteArray, else 0
  LogicalType logical;

  bool operator==(const ColumnType&) const = default;
};

// Shorthands for the common column types.
ColumnType bool_type();
ColumnType int32_type();
ColumnType int64_type();
ColumnType uint32_type();
ColumnType uint64_type();
ColumnType float_type();
ColumnType double_type();
ColumnType string_type();
ColumnType binary_type();
ColumnType date_type();
ColumnType timestamp_type(TimeUnit unit, bool adjusted_to_utc);
ColumnType decimal_type(PhysicalType physical, int32_t precision, int32_t scale,
                        int32_t type_length = 0);

struct ColumnSchema {
  std::string name;
  ColumnType type;
  bool optional = true;  // nullable (OPTIONAL) or REQUIRED

  bool operator==(const ColumnSchema&) const = default;
};

using Schema = std::vector<ColumnSchema>;

// "INT32", "BYTE_ARRAY", ...
const char* physical_type_name(PhysicalType type);
const char* compression_name(Compression codec);
const char* encoding_name(Encoding encoding);
// "STRING", "INT(8, false)", "DECIMAL(10, 2)", "TIMESTAMP(MICROS, true)", "" for none.
std::string logical_type_name(const LogicalType& type);

// Parses "snappy", "zstd", "gzip", "lz4_raw", "none"/"uncompressed"; throws Error(kInvalidInput).
Compression parse_compression(const std::string& name);

// Throws Error(kInvalidInput) when `type` is not a combination Parquet allows (e.g. STRING on
// INT32, a FIXED_LEN_BYTE_ARRAY without a length, DECIMAL precision out of range).
void validate_column_type(const std::string& column_name, const ColumnType& type);

}  // namespace clipret::parquet
