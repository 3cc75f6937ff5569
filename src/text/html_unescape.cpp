#include "text/html_unescape.h"

#include <utf8proc.h>

#include <array>
#include <cstdint>
#include <string>

#include "text/html_entities.h"

namespace clipret::text {
namespace {

constexpr size_t kMaxNamedLength = 32;  // Python's `[^\t\n\f <&#;]{1,32}`
constexpr size_t kMaxFtfyLength = 24;   // ftfy's `&#?[0-9A-Za-z]{1,24};`
constexpr char32_t kMaxCodePoint = 0x10FFFF;
constexpr char32_t kSharpS = 0xDF;

// HTML5 "invalid" numeric references 0x80..0x9F decode as Windows-1252 (Python's
// `html._invalid_charrefs`); the five bytes Windows-1252 leaves undefined keep their value.
constexpr std::array<char32_t, 32> kWindows1252C1 = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

bool is_ascii_digit(char32_t c) {
  return c >= '0' && c <= '9';
}
bool is_hex_digit(char32_t c) {
  return is_ascii_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}
bool is_ascii_alnum(char32_t c) {
  return is_ascii_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}
int hex_value(char32_t c) {
  return is_ascii_digit(c) ? static_cast<int>(c - '0') : static_cast<int>((c | 0x20) - 'a' + 10);
}

// Python's `_invalid_codepoints`: controls and noncharacters that decode to nothing.
bool is_dropped_code_point(uint32_t n) {
  return (n >= 0x1 && n <= 0x8) || n == 0xB || (n >= 0xE && n <= 0x1F) ||
         (n >= 0x7F && n <= 0x9F) || (n >= 0xFDD0 && n <= 0xFDEF) || (n & 0xFFFE) == 0xFFFE;
}

// Appends what numeric reference value `n` decodes to (Python's `_replace_charref`). `n` is
// saturated at kMaxCodePoint + 1 by the caller.
void append_numeric(uint32_t n, std::u32string& out) {
  if (n == 0) {
    out.push_back(0xFFFD);
  } else if (n == 0x0D) {
    out.push_back(0x0D);
  } else if (n >= 0x80 && n <= 0x9F) {
    out.push_back(kWindows1252C1[n - 0x80]);
  } else if ((n >= 0xD800 && n <= 0xDFFF) || n > kMaxCodePoint) {
    out.push_back(0xFFFD);
  } else if (!is_dropped_code_point(n)) {
    out.push_back(static_cast<char32_t>(n));
  }
}

// Parses digits of `text` from `pos`; returns the end position and the value, saturated.
size_t parse_number(std::u32string_view text, size_t pos, bool hex, uint32_t& value) {
  value = 0;
  while (pos < text.size() && (hex ? is_hex_digit(text[pos]) : is_ascii_digit(text[pos]))) {
    const uint32_t digit = hex ? hex_value(text[pos]) : text[pos] - '0';
    value = value > kMaxCodePoint ? value : value * (hex ? 16 : 10) + digit;
    ++pos;
  }
  return pos;
}

bool is_name_char(char32_t c) {
  return c != '\t' && c != '\n' && c != '\f' && c != ' ' && c != '<' && c != '&' && c != '#' &&
         c != ';';
}

// Entity names are ASCII; a name with other characters cannot match.
bool to_ascii(std::u32string_view name, std::string& out) {
  out.clear();
  for (char32_t c : name) {
    if (c >= 0x80) return false;
    out.push_back(static_cast<char>(c));
  }
  return true;
}

// Handles the reference starting at text[amp] == '&'. On a match appends the decoding and returns
// the position after it; otherwise returns `amp` (nothing consumed).
size_t python_reference(std::u32string_view text, size_t amp, std::u32string& out) {
  size_t pos = amp + 1;
  if (pos < text.size() && text[pos] == '#') {
    const bool hex = pos + 1 < text.size() && (text[pos + 1] | 0x20) == 'x';
    const size_t digits = pos + (hex ? 2 : 1);
    uint32_t value = 0;
    const size_t end = parse_number(text, digits, hex, value);
    if (end == digits) return amp;
    append_numeric(value, out);
    return end < text.size() && text[end] == ';' ? end + 1 : end;
  }
  size_t end = pos;
  while (end < text.size() && end - pos < kMaxNamedLength && is_name_char(text[end])) ++end;
  if (end == pos) return amp;
  if (end < text.size() && text[end] == ';') ++end;
  std::string name;
  if (to_ascii(text.substr(pos, end - pos), name)) {
    if (auto cp = find_html_entity(name)) {
      out.push_back(*cp);
      return end;
    }
    // The longest legacy name that prefixes it: "&notit;" -> "¬it;".
    for (size_t len = name.size() - 1; len >= 2; --len) {
      if (auto cp = find_html_entity(std::string_view(name).substr(0, len))) {
        out.push_back(*cp);
        out.append(text.substr(pos + len, end - pos - len));
        return end;
      }
    }
  } else {
    // Non-ASCII tail: only an ASCII prefix can match a legacy name.
    size_t ascii_len = 0;
    while (pos + ascii_len < end && text[pos + ascii_len] < 0x80) ++ascii_len;
    to_ascii(text.substr(pos, ascii_len), name);
    for (size_t len = std::min(name.size(), end - pos - 1); len >= 2; --len) {
      if (auto cp = find_html_entity(std::string_view(name).substr(0, len))) {
        out.push_back(*cp);
        out.append(text.substr(pos + len, end - pos - len));
        return end;
      }
    }
  }
  // No match: Python re-emits "&" + the name and resumes after it.
  out.append(text.substr(amp, end - amp));
  return end;
}

// ftfy's variant for the reference at text[amp] == '&'; same contract as python_reference.
size_t ftfy_reference(std::u32string_view text, size_t amp, std::u32string& out) {
  size_t pos = amp + 1;
  const bool numeric = pos < text.size() && text[pos] == '#';
  if (numeric) ++pos;
  size_t end = pos;
  while (end < text.size() && end - pos < kMaxFtfyLength && is_ascii_alnum(text[end])) ++end;
  if (end == pos || end >= text.size() || text[end] != ';') return amp;
  const std::u32string_view body = text.substr(pos, end - pos);
  if (numeric) {
    // ftfy defers to html.unescape and keeps the text when the ';' was not consumed.
    const bool hex = (body[0] | 0x20) == 'x';
    uint32_t value = 0;
    const size_t digits_end = parse_number(body, hex ? 1 : 0, hex, value);
    if (digits_end != body.size() || digits_end == (hex ? 1u : 0u)) return amp;
    std::u32string decoded;
    append_numeric(value, decoded);
    if (decoded == U";") return amp;
    out.append(decoded);
    return end + 1;
  }
  std::string name;
  to_ascii(text.substr(pos, end + 1 - pos), name);
  if (auto cp = find_html_entity(name)) {
    out.push_back(*cp);
    return end + 1;
  }
  // `&EACUTE;`: the upper-cased form of a lower-case name, unless that form means something to
  // html.unescape already (ftfy's `_build_html_entities`).
  std::string lower = name;
  bool has_upper = false;
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c + ('a' - 'A'));
      has_upper = true;
    } else if (c >= 'a' && c <= 'z') {
      return amp;  // mixed case
    }
  }
  if (!has_upper) return amp;
  const auto cp = find_html_entity(lower);
  if (!cp) return amp;
  for (size_t len = name.size() - 1; len >= 2; --len) {
    if (find_html_entity(std::string_view(name).substr(0, len))) return amp;
  }
  if (*cp == kSharpS) {
    out.append(U"SS");  // Python's full upper-casing; utf8proc only has the simple mapping
  } else {
    out.push_back(static_cast<char32_t>(utf8proc_toupper(static_cast<utf8proc_int32_t>(*cp))));
  }
  return end + 1;
}

template <typename Reference>
std::u32string unescape_with(std::u32string_view text, Reference reference) {
  if (text.find(U'&') == std::u32string_view::npos) return std::u32string(text);
  std::u32string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '&') {
      out.push_back(text[i++]);
      continue;
    }
    const size_t next = reference(text, i, out);
    if (next == i) {
      out.push_back('&');
      ++i;
    } else {
      i = next;
    }
  }
  return out;
}

}  // namespace

std::u32string html_unescape(std::u32string_view text) {
  return unescape_with(text, python_reference);
}

std::u32string ftfy_unescape_html(std::u32string_view text) {
  return unescape_with(text, ftfy_reference);
}

}  // namespace clipret::text
