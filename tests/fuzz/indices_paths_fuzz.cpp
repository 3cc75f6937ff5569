// Fuzz target indices_paths: back's indices_paths.json (back/back_options.h: folder strings or
// objects of per-index options, each field type-checked) on arbitrary bytes. A malformed file
// must be an Error naming the entry and field, never a crash or another exception.
#include <string>

#include "back/back_options.h"
#include "fuzz/fuzz_targets.h"

namespace clipret::fuzz {

int fuzz_one_indices_paths(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  return accept_or_reject([&] {
    static const back::BackOptions defaults;
    static_cast<void>(back::parse_indices_paths(text, "indices_paths.json", defaults));
  });
}

}  // namespace clipret::fuzz
