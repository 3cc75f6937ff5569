#include "download/python_repr.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/json_text.h"

namespace clipret::download {
namespace {

// str.strip(): Python's Unicode whitespace.
bool is_python_space(uint32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0 ||
         cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
         cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

}  // namespace

// Python's repr(float), core's (the one that rounds ties as Python does), with Python's
// spelling of the non-finite values.
std::string python_float_repr(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x < 0 ? "-inf" : "inf";
  std::string out;
  core::append_python_float(x, out);
  return out;
}

// repr(bytes): b'...' (or b"..." when only single quotes are inside).
std::string bytes_repr(std::string_view bytes) {
  const char quote =
      bytes.find('\'') != std::string_view::npos && bytes.find('"') == std::string_view::npos
          ? '"'
          : '\'';
  std::string out = std::string("b") + quote;
  for (char c : bytes) {
    const auto b = static_cast<uint8_t>(c);
    if (c == quote || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (b < 0x20 || b >= 0x7F) {
      char hex[5];
      std::snprintf(hex, sizeof(hex), "\\x%02x", b);
      out += hex;
    } else {
      out += c;
    }
  }
  return out + quote;
}

void append_code_point(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | cp >> 6);
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | cp >> 12);
    out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | cp >> 18);
    out += static_cast<char>(0x80 | (cp >> 12 & 0x3F));
    out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Python's strict UTF-8 decoder: the code points of `bytes`, or false (no overlong forms, no
// surrogates, nothing above U+10FFFF).
bool decode_utf8(std::string_view bytes, std::vector<uint32_t>* code_points) {
  for (size_t i = 0; i < bytes.size();) {
    const auto lead = static_cast<uint8_t>(bytes[i]);
    int extra = 0;
    uint32_t cp = 0;
    uint32_t min = 0;
    if (lead < 0x80) {
      cp = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      extra = 1, cp = lead & 0x1F, min = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      extra = 2, cp = lead & 0x0F, min = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      extra = 3, cp = lead & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (extra > 0 && i + extra >= bytes.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      const auto next = static_cast<uint8_t>(bytes[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      cp = cp << 6 | (next & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    if (code_points != nullptr) code_points->push_back(cp);
    i += static_cast<size_t>(extra) + 1;
  }
  return true;
}

// repr() of a one-character str, for an enumerated tag stored as ASCII (exifread looks each
// character up and prints the misses with repr).
std::string char_repr(uint32_t cp) {
  if (cp == '\'') return "\"'\"";
  if (cp == '\\') return "'\\\\'";
  if (cp == '\t') return "'\\t'";
  if (cp == '\n') return "'\\n'";
  if (cp == '\r') return "'\\r'";
  // Python's non-printable Latin-1 characters; rarer non-printables above are left as they are.
  if (cp < 0x20 || (cp >= 0x7F && cp <= 0xA0) || cp == 0xAD) {
    char hex[5];
    std::snprintf(hex, sizeof(hex), "\\x%02x", cp);
    return std::string("'") + hex + "'";
  }
  std::string out = "'";
  append_code_point(cp, out);
  return out + "'";
}

std::string python_strip(const std::string& text) {
  std::vector<uint32_t> cps;
  if (!decode_utf8(text, &cps)) return text;  // cannot happen: printables are built as UTF-8
  size_t begin = 0;
  size_t end = cps.size();
  while (begin < end && is_python_space(cps[begin])) ++begin;
  while (end > begin && is_python_space(cps[end - 1])) --end;
  std::string out;
  for (size_t i = begin; i < end; ++i) append_code_point(cps[i], out);
  return out;
}

// str.strip(' \x00'), for make_string.
std::string strip_space_and_nul(const std::string& text) {
  const size_t begin = text.find_first_not_of(std::string_view(" \0", 2));
  if (begin == std::string::npos) return {};
  const size_t end = text.find_last_not_of(std::string_view(" \0", 2));
  return text.substr(begin, end - begin + 1);
}

}  // namespace clipret::download
