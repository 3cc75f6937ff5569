// parquet/thrift_compact_reader.h: a bounds-checked decoder of the Thrift compact protocol, the
// encoding of Parquet footers and page headers.
//
// Every read checks the remaining bytes; lengths and counts are checked against them before any
// allocation. Errors throw Error(kCorrupt) naming `context` (e.g. "a.parquet: footer") and the
// byte offset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace clipret::parquet {

enum class ThriftType : uint8_t {
  kStop = 0,
  kTrue = 1,
  kFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

class ThriftCompactReader {
 public:
  // Reads [data, data + size), which the caller keeps alive.
  ThriftCompactReader(const uint8_t* data, size_t size, std::string context);

  size_t position() const { return pos_; }

  // Structs: begin_struct(), then read_field() until it returns false (STOP), then end_struct().
  void begin_struct();
  void end_struct();
  bool read_field(int16_t* id, ThriftType* type);

  // A bool field's value is in its type; in lists a bool is one byte.
  static bool field_bool(ThriftType type) { return type == ThriftType::kTrue; }
  bool read_list_bool();

  int8_t read_byte();
  int16_t read_i16();
  int32_t read_i32();
  int64_t read_i64();
  double read_double();
  std::string read_string();
  std::string_view read_binary_view();

  // Reads a list or set header. The size is checked against the remaining bytes.
  void read_list_header(ThriftType* element_type, uint32_t* size);

  // A field's value after read_field() reported `type`: fails naming `field` unless the type is
  // the expected one.
  void expect_type(ThriftType type, ThriftType expected, const char* field) const {
    if (type != expected) fail(field);
  }
  int32_t read_i32_field(ThriftType type, const char* field) {
    expect_type(type, ThriftType::kI32, field);
    return read_i32();
  }
  int64_t read_i64_field(ThriftType type, const char* field) {
    expect_type(type, ThriftType::kI64, field);
    return read_i64();
  }
  std::string read_string_field(ThriftType type, const char* field) {
    expect_type(type, ThriftType::kBinary, field);
    return read_string();
  }

  // Skips a value of the given type (nested values up to a fixed depth).
  void skip(ThriftType type);

  // Throws Error(kCorrupt) with the context, offset and `what`.
  [[noreturn]] void fail(const char* what) const;

 private:
  uint64_t read_varint();
  void skip_at_depth(ThriftType type, int depth);
  ThriftType checked_type(uint8_t nibble) const;

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  std::string context_;
  int16_t last_field_id_ = 0;
  std::vector<int16_t> field_id_stack_;
};

}  // namespace clipret::parquet
