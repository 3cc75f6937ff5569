#include "index/memory_string.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

#include "core/error.h"

namespace clipret::index {

namespace {

constexpr const char kUnits[] = "BKMGTPE";

}  // namespace

uint64_t parse_memory_string(const std::string& text, const std::string& option) {
  const auto bad = [&]() {
    CLIPRET_THROW(InvalidInput,
                  "--%s: '%s' is not a memory size; write a number and a unit, e.g. 4G, 16GB, "
                  "512MB, 1.5g",
                  option.c_str(), text.c_str());
  };
  size_t i = 0;
  size_t digits = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++digits;
  if (i < text.size() && text[i] == '.') {
    ++i;
    size_t decimals = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++decimals;
    if (decimals == 0) bad();
  }
  if (digits == 0 || i == text.size()) bad();
  const char unit = static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
  int power = -1;
  for (int u = 0; kUnits[u] != '\0'; ++u) {
    if (kUnits[u] == unit) power = u;
  }
  if (power < 0) bad();
  ++i;
  if (i < text.size() && power > 0 && std::toupper(static_cast<unsigned char>(text[i])) == 'B') {
    ++i;
  }
  if (i != text.size()) bad();
  const double value = std::strtod(text.substr(0, text.size()).c_str(), nullptr);
  const double bytes = value * std::pow(1024.0, power);
  CLIPRET_CHECK(bytes < 1.8e19, InvalidInput, "--%s: '%s' is too large", option.c_str(),
                text.c_str());
  return static_cast<uint64_t>(bytes);
}

std::string format_memory(uint64_t bytes) {
  static const char* const kSuffixes[] = {"B", "KB", "MB", "GB", "TB", "PB", "EB"};
  double value = static_cast<double>(bytes);
  int s = 0;
  while (value >= 1024.0 && s < 6) {
    value /= 1024.0;
    ++s;
  }
  return string_printf("%.1f%s", value, kSuffixes[s]);
}

}  // namespace clipret::index
