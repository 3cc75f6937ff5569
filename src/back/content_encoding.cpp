#include "back/content_encoding.h"

#include <httplib.h>

namespace clipret::back {
namespace {

std::string_view trimmed(std::string_view text) {
  const size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const size_t last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

bool holds_br(std::string_view entry) {
  for (size_t i = 0; i + 1 < entry.size(); ++i) {
    if ((entry[i] == 'b' || entry[i] == 'B') && (entry[i + 1] == 'r' || entry[i + 1] == 'R')) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string without_brotli(std::string_view accept_encoding) {
  std::string kept;
  size_t start = 0;
  while (start <= accept_encoding.size()) {
    size_t comma = accept_encoding.find(',', start);
    if (comma == std::string_view::npos) comma = accept_encoding.size();
    const std::string_view entry = trimmed(accept_encoding.substr(start, comma - start));
    if (!entry.empty() && !holds_br(entry)) {
      if (!kept.empty()) kept += ", ";
      kept += entry;
    }
    start = comma + 1;
  }
  return kept;
}

void decline_brotli(const httplib::Request& request) {
  // httplib hands handlers a const view of the Request it owns as a non-const local of its
  // connection loop, so changing it is defined; there is no other hook before its encoding
  // choice (0.11 has no option to turn Brotli off at run time).
  auto& headers = const_cast<httplib::Request&>(request).headers;
  const auto [begin, end] = headers.equal_range("Accept-Encoding");
  for (auto it = begin; it != end; ++it) it->second = without_brotli(it->second);
}

}  // namespace clipret::back
