#include "parquet/json_value_format.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "core/error.h"
#include "core/json_text.h"
#include "parquet/column.h"

namespace clipret::parquet {

namespace {

// Bytes as a JSON string, invalid UTF-8 as \u00XX (binary columns stay recoverable).
void append_bytes_string(std::string_view bytes, std::string* out) {
  core::append_json_string(bytes, *out, core::InvalidUtf8::kEscapeBytes);
}

// Python's json.dumps of a float: repr, and NaN / Infinity / -Infinity for the others.
void append_json_float(double value, std::string* out) {
  if (std::isnan(value)) {
    out->append("NaN");
  } else if (std::isinf(value)) {
    out->append(value > 0 ? "Infinity" : "-Infinity");
  } else {
    core::append_python_float(value, *out);
  }
}

__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

constexpr int64_t kSecondsPerDay = 86400;

const char kHex[] = "0123456789abcdef";

void append_unsigned(UInt128 v, std::string* out) {
  char buf[48];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + static_cast<int>(v % 10));
    v /= 10;
  } while (v != 0);
  while (n > 0) out->push_back(buf[--n]);
}

void append_decimal(Int128 unscaled, int scale, std::string* out) {
  const bool negative = unscaled < 0;
  const UInt128 magnitude =
      negative ? UInt128(0) - static_cast<UInt128>(unscaled) : static_cast<UInt128>(unscaled);
  std::string digits;
  append_unsigned(magnitude, &digits);
  if (negative) out->push_back('-');
  if (scale <= 0) {
    out->append(digits);
    return;
  }
  const size_t s = static_cast<size_t>(scale);
  if (digits.size() <= s) digits.insert(0, s + 1 - digits.size(), '0');
  out->append(digits, 0, digits.size() - s);
  out->push_back('.');
  out->append(digits, digits.size() - s, s);
}

// Big-endian two's complement bytes (DECIMAL on byte arrays).
void append_decimal_bytes(std::string_view bytes, int scale, std::string* out) {
  if (bytes.empty()) {
    out->push_back('0');
    return;
  }
  const bool negative = static_cast<unsigned char>(bytes[0]) & 0x80;
  // Drop sign-extension bytes so that wide values that fit 128 bits still print.
  while (bytes.size() > 16 && static_cast<unsigned char>(bytes[0]) == (negative ? 0xff : 0x00)) {
    bytes.remove_prefix(1);
  }
  if (bytes.size() > 16) {
    out->append("\"0x");
    for (char c : bytes) {
      out->push_back(kHex[static_cast<unsigned char>(c) >> 4]);
      out->push_back(kHex[static_cast<unsigned char>(c) & 15]);
    }
    out->push_back('"');
    return;
  }
  UInt128 v = negative ? ~UInt128(0) : UInt128(0);
  for (char c : bytes) v = (v << 8) | static_cast<unsigned char>(c);
  append_decimal(static_cast<Int128>(v), scale, out);
}

// Days since 1970-01-01 to a proleptic Gregorian date (era-based civil calendar arithmetic).
void civil_from_days(int64_t days, int64_t* year, unsigned* month, unsigned* day) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<uint64_t>(days - era * 146097);
  const uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const uint64_t mp = (5 * doy + 2) / 153;
  *day = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  *month = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  *year = static_cast<int64_t>(yoe) + era * 400 + (*month <= 2 ? 1 : 0);
}

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

void append_date(int64_t days, std::string* out) {
  int64_t year;
  unsigned month, day;
  civil_from_days(days, &year, &month, &day);
  out->append(string_printf("%04lld-%02u-%02u", static_cast<long long>(year), month, day));
}

// Appends "HH:MM:SS.fff..." for `ticks` units of 10^-digits seconds since midnight.
void append_time_of_day(int64_t ticks, int64_t per_second, int digits, std::string* out) {
  const int64_t seconds = ticks / per_second;
  const int64_t fraction = ticks % per_second;
  out->append(string_printf("%02lld:%02lld:%02lld.%0*lld", static_cast<long long>(seconds / 3600),
                            static_cast<long long>(seconds / 60 % 60),
                            static_cast<long long>(seconds % 60), digits,
                            static_cast<long long>(fraction)));
}

void unit_scale(TimeUnit unit, int64_t* per_second, int* digits) {
  *per_second = unit == TimeUnit::kMillis ? 1000 : unit == TimeUnit::kMicros ? 1000000 : 1000000000;
  *digits = unit == TimeUnit::kMillis ? 3 : unit == TimeUnit::kMicros ? 6 : 9;
}

void append_timestamp(int64_t value, const LogicalType& logical, std::string* out) {
  int64_t per_second;
  int digits;
  unit_scale(logical.unit, &per_second, &digits);
  const int64_t per_day = per_second * kSecondsPerDay;
  const int64_t days = floor_div(value, per_day);
  const int64_t ticks = value - days * per_day;
  out->push_back('"');
  append_date(days, out);
  out->push_back('T');
  append_time_of_day(ticks, per_second, digits, out);
  if (logical.adjusted_to_utc) out->push_back('Z');
  out->push_back('"');
}

void append_time(int64_t value, const LogicalType& logical, std::string* out) {
  int64_t per_second;
  int digits;
  unit_scale(logical.unit, &per_second, &digits);
  out->push_back('"');
  append_time_of_day(value < 0 ? 0 : value, per_second, digits, out);
  out->push_back('"');
}

double half_to_double(uint16_t h) {
  const int exponent = (h >> 10) & 0x1f;
  const int mantissa = h & 0x3ff;
  double v;
  if (exponent == 0) {
    v = std::ldexp(mantissa, -24);
  } else if (exponent == 31) {
    v = mantissa ? NAN : INFINITY;
  } else {
    v = std::ldexp(mantissa + 1024, exponent - 25);
  }
  return (h & 0x8000) ? -v : v;
}

void append_uuid(std::string_view b, std::string* out) {
  out->push_back('"');
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out->push_back('-');
    out->push_back(kHex[static_cast<unsigned char>(b[i]) >> 4]);
    out->push_back(kHex[static_cast<unsigned char>(b[i]) & 15]);
  }
  out->push_back('"');
}

void append_int(int64_t v, const LogicalType& logical, std::string* out) {
  switch (logical.kind) {
    case LogicalKind::kDate:
      out->push_back('"');
      append_date(v, out);
      out->push_back('"');
      return;
    case LogicalKind::kTimestamp:
      return append_timestamp(v, logical, out);
    case LogicalKind::kTime:
      return append_time(v, logical, out);
    case LogicalKind::kDecimal:
      return append_decimal(v, logical.scale, out);
    default:
      out->append(std::to_string(v));
  }
}

void append_bytes_value(std::string_view v, const ColumnType& type, std::string* out) {
  switch (type.logical.kind) {
    case LogicalKind::kDecimal:
      return append_decimal_bytes(v, type.logical.scale, out);
    case LogicalKind::kUuid:
      return append_uuid(v, out);
    case LogicalKind::kFloat16:
      if (v.size() == 2) {
        return append_json_float(
            half_to_double(static_cast<uint16_t>(static_cast<unsigned char>(v[0]) |
                                                 (static_cast<unsigned char>(v[1]) << 8))),
            out);
      }
      break;
    default:
      break;
  }
  append_bytes_string(v, out);
}

}  // namespace

void append_json_value(const Column& column, size_t row, std::string* out) {
  const ColumnType& type = column.type();
  if (column.is_null(row) || type.logical.kind == LogicalKind::kNull) {
    out->append("null");
    return;
  }
  switch (type.physical) {
    case PhysicalType::kBoolean:
      out->append(column.bool_at(row) ? "true" : "false");
      return;
    case PhysicalType::kInt32: {
      const int32_t v = column.int32_at(row);
      if (type.logical.kind == LogicalKind::kInteger && !type.logical.is_signed) {
        out->append(std::to_string(static_cast<uint32_t>(v)));
      } else {
        append_int(v, type.logical, out);
      }
      return;
    }
    case PhysicalType::kInt64:
    case PhysicalType::kInt96: {
      const int64_t v = column.int64_at(row);
      if (type.logical.kind == LogicalKind::kInteger && !type.logical.is_signed) {
        out->append(std::to_string(static_cast<uint64_t>(v)));
      } else {
        append_int(v, type.logical, out);
      }
      return;
    }
    case PhysicalType::kFloat:
      append_json_float(static_cast<double>(column.float_at(row)), out);
      return;
    case PhysicalType::kDouble:
      append_json_float(column.double_at(row), out);
      return;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      append_bytes_value(column.bytes_at(row), type, out);
      return;
  }
}

}  // namespace clipret::parquet
