// parquet/thrift_compact_writer.h: an encoder of the Thrift compact protocol, for the footers and
// page headers the writer produces.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parquet/thrift_compact_reader.h"

namespace clipret::parquet {

class ThriftCompactWriter {
 public:
  // Appends to `out` (caller owns, must outlive the writer).
  explicit ThriftCompactWriter(std::string* out) : out_(out) {}

  void begin_struct();
  // Writes STOP and returns to the enclosing struct.
  void end_struct();

  void field_i32(int16_t id, int32_t value);
  void field_i64(int16_t id, int64_t value);
  void field_bool(int16_t id, bool value);
  void field_byte(int16_t id, int8_t value);
  void field_binary(int16_t id, std::string_view value);
  // Starts a struct-valued field; close it with end_struct().
  void field_struct(int16_t id);
  // Starts a list field; then write `size` elements.
  void field_list(int16_t id, ThriftType element_type, uint32_t size);

  void write_i32(int32_t value);
  void write_i64(int64_t value);
  void write_binary(std::string_view value);

 private:
  void field_header(int16_t id, ThriftType type);
  void write_varint(uint64_t value);

  std::string* out_;
  int16_t last_field_id_ = 0;
  std::vector<int16_t> field_id_stack_;
};

}  // namespace clipret::parquet
