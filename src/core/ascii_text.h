// core/ascii_text.h: ASCII-only text helpers: lower-casing (file extensions, HTTP header names,
// url schemes and hosts, option values) and trimming HTTP's white space.
//
// Both work on bytes: anything outside A-Z (lower) or the four space characters (trim) is kept
// as it is, UTF-8 included, whatever the process's locale.
#pragma once

#include <string>
#include <string_view>

namespace clipret::core {

// `text` with A-Z turned into a-z.
std::string ascii_lower(std::string_view text);

// `text` without leading and trailing ' ', '\t', '\r' and '\n'.
std::string_view trim_space(std::string_view text);

}  // namespace clipret::core
