// Fuzz target py_literal: the Python literals read from outside input: the dict of a .npy header
// (core/py_literal.h, nesting, strings with escapes, integers past uint64) and the CLI's option
// literals (cli/option_table.h: '["a", 'b']' lists and True/False).
#include <string>
#include <string_view>

#include "cli/option_table.h"
#include "core/py_literal.h"
#include "fuzz/fuzz_targets.h"

namespace clipret::fuzz {

int fuzz_one_py_literal(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  accept_or_reject([&] {
    const auto entries = core::parse_py_literal_dict(text, "fuzz.npy");
    for (size_t i = 0; i < entries.size(); ++i) {
      for (size_t j = i + 1; j < entries.size(); ++j) {
        fuzz_check(entries[i].first != entries[j].first, "py_literal: duplicate key accepted");
      }
    }
  });
  accept_or_reject([&] { static_cast<void>(cli::parse_string_list_literal(text)); });
  static_cast<void>(cli::parse_bool_literal(text));
  return 0;
}

}  // namespace clipret::fuzz
