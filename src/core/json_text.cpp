#include "core/json_text.h"

#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/utf8_validate.h"

namespace clipret::core {
namespace {

constexpr char kHex[] = "0123456789abcdef";

bool is_plain(unsigned char c) {
  return c >= 0x20 && c != '"' && c != '\\' && c < 0x80;
}

// Bytes that need a look: control characters, '"', '\\' and non-ASCII. Eight bytes at a time
// (SWAR): most metadata is plain ASCII and is then copied in one piece.
bool word_needs_care(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  const auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  const uint64_t below_space = (w - 0x2020202020202020ULL) & ~w & kHigh;
  return ((w & kHigh) | below_space | has_zero(w ^ 0x2222222222222222ULL) |
          has_zero(w ^ 0x5C5C5C5C5C5C5C5CULL)) != 0;
}

size_t plain_prefix(std::string_view text) {
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, text.data() + i, 8);
    if (word_needs_care(w)) break;
  }
  while (i < text.size() && is_plain(static_cast<unsigned char>(text[i]))) ++i;
  return i;
}

void append_escape(unsigned char c, std::string& out) {
  switch (c) {
    case '"':
      out += "\\\"";
      return;
    case '\\':
      out += "\\\\";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    default:
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
  }
}

}  // namespace

size_t utf8_sequence_length(std::string_view text, size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c < 0x80) return 1;
  size_t n = 0;
  uint32_t min = 0;
  if ((c & 0xe0) == 0xc0) {
    n = 2;
    min = 0x80;
  } else if ((c & 0xf0) == 0xe0) {
    n = 3;
    min = 0x800;
  } else if ((c & 0xf8) == 0xf0) {
    n = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  uint32_t cp = c & (0x7f >> n);
  for (size_t k = 1; k < n; ++k) {
    const auto cc = static_cast<unsigned char>(text[i + k]);
    if ((cc & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

void append_json_string(std::string_view text, std::string& out, InvalidUtf8 invalid) {
  const size_t plain = plain_prefix(text);
  if (plain == text.size()) {
    out += '"';
    out += text;
    out += '"';
    return;
  }
  // The plain prefix is ASCII, so the rest decides validity.
  if (invalid == InvalidUtf8::kReplace && !is_valid_utf8(text.substr(plain))) {
    out += nlohmann::json(std::string(text))
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  out += '"';
  size_t run_start = 0;  // start of the bytes not yet copied
  size_t i = plain;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (is_plain(c)) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      if (const size_t n = utf8_sequence_length(text, i); n > 0) {
        i += n;
        continue;
      }
      assert(invalid == InvalidUtf8::kEscapeBytes);
    }
    out.append(text.data() + run_start, i - run_start);
    append_escape(c, out);
    run_start = ++i;
  }
  out.append(text.data() + run_start, text.size() - run_start);
  out += '"';
}

void append_python_float(double value, std::string& out) {
  assert(std::isfinite(value));
  const double magnitude = std::fabs(value);
  const bool fixed = value == 0 || (magnitude >= 1e-4 && magnitude < 1e16);
  char buffer[64];
  const auto result =
      std::to_chars(buffer, buffer + sizeof(buffer), value,
                    fixed ? std::chars_format::fixed : std::chars_format::scientific);
  const std::string_view text(buffer, static_cast<size_t>(result.ptr - buffer));
  out += text;
  // to_chars writes "1e+16" and "1.5e-05" as repr does, but "1" where repr writes "1.0".
  if (fixed && text.find('.') == std::string_view::npos) out += ".0";
}

}  // namespace clipret::core
