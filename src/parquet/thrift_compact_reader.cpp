#include "parquet/thrift_compact_reader.h"

#include <cstring>
#include <utility>

#include "core/error.h"

namespace clipret::parquet {

namespace {

constexpr int kMaxNesting = 64;
constexpr int kMaxVarintBytes = 10;

int64_t zigzag_decode(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

}  // namespace

ThriftCompactReader::ThriftCompactReader(const uint8_t* data, size_t size, std::string context)
    : data_(data), size_(size), context_(std::move(context)) {}

void ThriftCompactReader::fail(const char* what) const {
  CLIPRET_THROW(Corrupt, "%s: corrupt Thrift metadata at byte %zu: %s", context_.c_str(), pos_,
                what);
}

uint64_t ThriftCompactReader::read_varint() {
  uint64_t result = 0;
  for (int i = 0; i < kMaxVarintBytes; ++i) {
    if (pos_ >= size_) fail("truncated varint");
    const uint8_t byte = data_[pos_++];
    result |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) return result;
  }
  fail("varint longer than 10 bytes");
}

ThriftType ThriftCompactReader::checked_type(uint8_t nibble) const {
  if (nibble > static_cast<uint8_t>(ThriftType::kStruct)) fail("unknown field type");
  return static_cast<ThriftType>(nibble);
}

void ThriftCompactReader::begin_struct() {
  if (field_id_stack_.size() >= kMaxNesting) fail("structs nested too deeply");
  field_id_stack_.push_back(last_field_id_);
  last_field_id_ = 0;
}

void ThriftCompactReader::end_struct() {
  last_field_id_ = field_id_stack_.back();
  field_id_stack_.pop_back();
}

bool ThriftCompactReader::read_field(int16_t* id, ThriftType* type) {
  if (pos_ >= size_) fail("truncated struct (no STOP)");
  const uint8_t byte = data_[pos_++];
  if (byte == 0) return false;
  *type = checked_type(byte & 0x0f);
  if (*type == ThriftType::kStop) fail("field of type STOP");
  const int delta = byte >> 4;
  if (delta != 0) {
    last_field_id_ = static_cast<int16_t>(last_field_id_ + delta);
  } else {
    last_field_id_ = read_i16();
  }
  *id = last_field_id_;
  return true;
}

bool ThriftCompactReader::read_list_bool() {
  return read_byte() == 1;
}

int8_t ThriftCompactReader::read_byte() {
  if (pos_ >= size_) fail("truncated byte");
  return static_cast<int8_t>(data_[pos_++]);
}

int16_t ThriftCompactReader::read_i16() {
  const int64_t v = zigzag_decode(read_varint());
  if (v < INT16_MIN || v > INT16_MAX) fail("i16 out of range");
  return static_cast<int16_t>(v);
}

int32_t ThriftCompactReader::read_i32() {
  const int64_t v = zigzag_decode(read_varint());
  if (v < INT32_MIN || v > INT32_MAX) fail("i32 out of range");
  return static_cast<int32_t>(v);
}

int64_t ThriftCompactReader::read_i64() {
  return zigzag_decode(read_varint());
}

double ThriftCompactReader::read_double() {
  if (size_ - pos_ < sizeof(double)) fail("truncated double");
  double v;
  std::memcpy(&v, data_ + pos_, sizeof(v));
  pos_ += sizeof(v);
  return v;
}

std::string_view ThriftCompactReader::read_binary_view() {
  const uint64_t n = read_varint();
  if (n > size_ - pos_) fail("binary length past the end");
  std::string_view view(reinterpret_cast<const char*>(data_ + pos_), static_cast<size_t>(n));
  pos_ += static_cast<size_t>(n);
  return view;
}

std::string ThriftCompactReader::read_string() {
  return std::string(read_binary_view());
}

void ThriftCompactReader::read_list_header(ThriftType* element_type, uint32_t* size) {
  if (pos_ >= size_) fail("truncated list header");
  const uint8_t byte = data_[pos_++];
  uint64_t n = byte >> 4;
  if (n == 15) n = read_varint();
  *element_type = checked_type(byte & 0x0f);
  // Every element takes at least one byte, so a longer list cannot fit.
  if (n > size_ - pos_) fail("list longer than the remaining bytes");
  *size = static_cast<uint32_t>(n);
}

void ThriftCompactReader::skip(ThriftType type) {
  skip_at_depth(type, 0);
}

void ThriftCompactReader::skip_at_depth(ThriftType type, int depth) {
  if (depth > kMaxNesting) fail("values nested too deeply");
  switch (type) {
    case ThriftType::kStop:
      fail("cannot skip STOP");
    case ThriftType::kTrue:
    case ThriftType::kFalse:
      return;
    case ThriftType::kByte:
      read_byte();
      return;
    case ThriftType::kI16:
    case ThriftType::kI32:
    case ThriftType::kI64:
      read_varint();
      return;
    case ThriftType::kDouble:
      read_double();
      return;
    case ThriftType::kBinary:
      read_binary_view();
      return;
    case ThriftType::kList:
    case ThriftType::kSet: {
      ThriftType element;
      uint32_t n;
      read_list_header(&element, &n);
      for (uint32_t i = 0; i < n; ++i) {
        if (element == ThriftType::kTrue || element == ThriftType::kFalse) {
          read_byte();
        } else {
          skip_at_depth(element, depth + 1);
        }
      }
      return;
    }
    case ThriftType::kMap: {
      const uint64_t n = read_varint();
      if (n == 0) return;
      if (n > size_ - pos_) fail("map longer than the remaining bytes");
      const uint8_t types = static_cast<uint8_t>(read_byte());
      const ThriftType key = checked_type(types >> 4);
      const ThriftType value = checked_type(types & 0x0f);
      for (uint64_t i = 0; i < n; ++i) {
        for (ThriftType t : {key, value}) {
          if (t == ThriftType::kTrue || t == ThriftType::kFalse) {
            read_byte();
          } else {
            skip_at_depth(t, depth + 1);
          }
        }
      }
      return;
    }
    case ThriftType::kStruct: {
      begin_struct();
      int16_t id;
      ThriftType field_type;
      while (read_field(&id, &field_type)) skip_at_depth(field_type, depth + 1);
      end_struct();
      return;
    }
  }
  fail("unknown type");
}

}  // namespace clipret::parquet
