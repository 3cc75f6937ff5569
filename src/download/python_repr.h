// download/python_repr.h: Python's str/repr of the values exifread prints, for img2dataset's
// `exif` field: float repr, bytes and one-character str repr, str.strip() and strip(' \x00'),
// and the strict UTF-8 decoding Python applies to bytes.
//
// Strings are UTF-8 in and out; code points are Unicode scalar values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace clipret::download {

// Python's repr(float): the shortest digits that read back to `x` (as found by printf and
// strtod), in fixed notation for exponents -4..15, else d.ddde+XX; "nan", "inf", "-inf".
std::string python_float_repr(double x);

// repr(bytes): b'...' (or b"..." when only single quotes are inside), \t \n \r and \xNN escapes.
std::string bytes_repr(std::string_view bytes);

// repr() of a one-character str: quotes as Python picks them, \t \n \r \\ and \xNN for the
// non-printable Latin-1 characters; other code points as they are.
std::string char_repr(uint32_t cp);

// Appends the UTF-8 encoding of `cp` (at most U+10FFFF) to `out`.
void append_code_point(uint32_t cp, std::string& out);

// Python's strict UTF-8 decoder: appends the code points of `bytes` to *code_points (when not
// null) and returns true, or false (no overlong forms, no surrogates, nothing above U+10FFFF).
bool decode_utf8(std::string_view bytes, std::vector<uint32_t>* code_points);

// str.strip(): Python's Unicode whitespace removed at both ends of UTF-8 `text` (returned as it
// is when not UTF-8).
std::string python_strip(const std::string& text);

// str.strip(' \x00'), for exifread's make_string.
std::string strip_space_and_nul(const std::string& text);

}  // namespace clipret::download
