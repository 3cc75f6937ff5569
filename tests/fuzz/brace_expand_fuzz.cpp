// Fuzz target brace_expand: core/brace_expand.h on arbitrary patterns (ranges, steps, padding,
// nesting, escapes, unbalanced braces). The first byte picks the options (escape on or off), the
// rest is the pattern; a small max_items keeps every accepted expansion within memory, and its
// result must respect it.
#include <string_view>
#include <vector>

#include "core/brace_expand.h"
#include "fuzz/fuzz_targets.h"

namespace clipret::fuzz {

int fuzz_one_brace_expand(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  core::BraceExpandOptions options;
  options.escape = (data[0] & 1) != 0;
  options.max_items = 4096;
  const std::string_view pattern(reinterpret_cast<const char*>(data + 1), size - 1);
  return accept_or_reject([&] {
    const std::vector<std::string> out = core::brace_expand(pattern, options);
    fuzz_check(!out.empty(), "brace_expand: no result");
    fuzz_check(out.size() <= options.max_items, "brace_expand: more than max_items results");
    if (pattern.find('{') == std::string_view::npos &&
        pattern.find('\\') == std::string_view::npos) {
      fuzz_check(out.size() == 1 && out[0] == pattern, "brace_expand: plain text changed");
    }
  });
}

}  // namespace clipret::fuzz
