// search/base64.h: standard base64 (RFC 4648, with padding), as Python's base64 module writes it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace clipret::search {

std::string base64_encode(std::string_view bytes);

// Decodes standard base64 as Python's b64decode does by default: characters outside the
// alphabet (whitespace, line breaks) are skipped. std::nullopt when the padding or length is
// wrong.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace clipret::search
