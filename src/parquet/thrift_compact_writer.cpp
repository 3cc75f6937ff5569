#include "parquet/thrift_compact_writer.h"

namespace clipret::parquet {

namespace {

uint64_t zigzag_encode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

}  // namespace

void ThriftCompactWriter::begin_struct() {
  field_id_stack_.push_back(last_field_id_);
  last_field_id_ = 0;
}

void ThriftCompactWriter::end_struct() {
  out_->push_back(0);
  last_field_id_ = field_id_stack_.back();
  field_id_stack_.pop_back();
}

void ThriftCompactWriter::write_varint(uint64_t value) {
  while (value >= 0x80) {
    out_->push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out_->push_back(static_cast<char>(value));
}

void ThriftCompactWriter::field_header(int16_t id, ThriftType type) {
  const int delta = id - last_field_id_;
  if (delta > 0 && delta <= 15) {
    out_->push_back(static_cast<char>((delta << 4) | static_cast<int>(type)));
  } else {
    out_->push_back(static_cast<char>(type));
    write_varint(zigzag_encode(id));
  }
  last_field_id_ = id;
}

void ThriftCompactWriter::field_i32(int16_t id, int32_t value) {
  field_header(id, ThriftType::kI32);
  write_i32(value);
}

void ThriftCompactWriter::field_i64(int16_t id, int64_t value) {
  field_header(id, ThriftType::kI64);
  write_i64(value);
}

void ThriftCompactWriter::field_bool(int16_t id, bool value) {
  field_header(id, value ? ThriftType::kTrue : ThriftType::kFalse);
}

void ThriftCompactWriter::field_byte(int16_t id, int8_t value) {
  field_header(id, ThriftType::kByte);
  out_->push_back(static_cast<char>(value));
}

void ThriftCompactWriter::field_binary(int16_t id, std::string_view value) {
  field_header(id, ThriftType::kBinary);
  write_binary(value);
}

void ThriftCompactWriter::field_struct(int16_t id) {
  field_header(id, ThriftType::kStruct);
  begin_struct();
}

void ThriftCompactWriter::field_list(int16_t id, ThriftType element_type, uint32_t size) {
  field_header(id, ThriftType::kList);
  if (size < 15) {
    out_->push_back(static_cast<char>((size << 4) | static_cast<uint32_t>(element_type)));
  } else {
    out_->push_back(static_cast<char>(0xf0 | static_cast<uint32_t>(element_type)));
    write_varint(size);
  }
}

void ThriftCompactWriter::write_i32(int32_t value) {
  write_varint(zigzag_encode(value));
}
void ThriftCompactWriter::write_i64(int64_t value) {
  write_varint(zigzag_encode(value));
}

void ThriftCompactWriter::write_binary(std::string_view value) {
  write_varint(value.size());
  out_->append(value);
}

}  // namespace clipret::parquet
