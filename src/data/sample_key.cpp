#include "data/sample_key.h"

#include "core/ascii_text.h"

namespace clipret::data {

std::optional<MemberName> split_member_name(std::string_view path) {
  const size_t slash = path.rfind('/');
  const size_t base_start = slash == std::string_view::npos ? 0 : slash + 1;
  const std::string_view base = path.substr(base_start);
  if (base.empty() || base.front() == '.') return std::nullopt;
  if (slash == std::string_view::npos && base.size() >= 4 && base.substr(0, 2) == "__" &&
      base.substr(base.size() - 2) == "__") {
    return std::nullopt;
  }
  const size_t dot = base.find('.');
  if (dot == std::string_view::npos || dot + 1 == base.size()) return std::nullopt;
  return MemberName{std::string(path.substr(0, base_start + dot)),
                    core::ascii_lower(base.substr(dot + 1))};
}

}  // namespace clipret::data
