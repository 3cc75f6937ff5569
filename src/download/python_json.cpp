#include "download/python_json.h"

#include <cassert>
#include <cmath>

#include "core/json_text.h"

namespace clipret::download {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_u_escape(uint32_t unit, std::string& out) {
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(unit >> shift) & 0xF];
}

uint32_t decode_utf8(std::string_view text, size_t i, size_t length) {
  const auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<uint8_t>(text[k])); };
  if (length == 2) return ((byte(i) & 0x1F) << 6) | (byte(i + 1) & 0x3F);
  if (length == 3) {
    return ((byte(i) & 0x0F) << 12) | ((byte(i + 1) & 0x3F) << 6) | (byte(i + 2) & 0x3F);
  }
  return ((byte(i) & 0x07) << 18) | ((byte(i + 1) & 0x3F) << 12) | ((byte(i + 2) & 0x3F) << 6) |
         (byte(i + 3) & 0x3F);
}

}  // namespace

void append_python_json_string(std::string_view text, std::string& out) {
  out += '"';
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      // Python's ESCAPE_ASCII: everything outside ' '..'~' is escaped, DEL included.
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        default:
          if (c < 0x20 || c == 0x7F) {
            append_u_escape(c, out);
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    const size_t length = core::utf8_sequence_length(text, i);
    if (length == 0) {
      // Python never sees such bytes in a str; decoding with errors="replace" would give this.
      append_u_escape(0xFFFD, out);
      ++i;
      continue;
    }
    const uint32_t code_point = decode_utf8(text, i, length);
    if (code_point > 0xFFFF) {
      const uint32_t v = code_point - 0x10000;
      append_u_escape(0xD800 | (v >> 10), out);
      append_u_escape(0xDC00 | (v & 0x3FF), out);
    } else {
      append_u_escape(code_point, out);
    }
    i += length;
  }
  out += '"';
}

void PythonJsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (members_.empty()) return;  // the top-level value
  if (members_.back()++ > 0) text_ += ',';
  text_ += '\n';
  text_.append(4 * members_.size(), ' ');
}

void PythonJsonWriter::begin_object() {
  before_value();
  text_ += '{';
  members_.push_back(0);
}

void PythonJsonWriter::begin_array() {
  before_value();
  text_ += '[';
  members_.push_back(0);
}

void PythonJsonWriter::close(char bracket) {
  assert(!members_.empty() && !after_key_);
  const size_t members = members_.back();
  members_.pop_back();
  if (members > 0) {
    text_ += '\n';
    text_.append(4 * members_.size(), ' ');
  }
  text_ += bracket;
}

void PythonJsonWriter::end_object() {
  close('}');
}
void PythonJsonWriter::end_array() {
  close(']');
}

void PythonJsonWriter::key(std::string_view name) {
  assert(!members_.empty() && !after_key_);
  before_value();
  append_python_json_string(name, text_);
  text_ += ": ";
  after_key_ = true;
}

void PythonJsonWriter::string_value(std::string_view value) {
  before_value();
  append_python_json_string(value, text_);
}

void PythonJsonWriter::int_value(int64_t value) {
  before_value();
  text_ += std::to_string(value);
}

void PythonJsonWriter::uint_value(uint64_t value) {
  before_value();
  text_ += std::to_string(value);
}

void PythonJsonWriter::double_value(double value) {
  before_value();
  if (std::isnan(value)) {
    text_ += "NaN";
  } else if (std::isinf(value)) {
    text_ += value > 0 ? "Infinity" : "-Infinity";
  } else {
    core::append_python_float(value, text_);
  }
}

void PythonJsonWriter::bool_value(bool value) {
  before_value();
  text_ += value ? "true" : "false";
}

void PythonJsonWriter::null_value() {
  before_value();
  text_ += "null";
}

}  // namespace clipret::download
