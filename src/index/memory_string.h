// index/memory_string.h: memory sizes as the original's options spell them ("4G", "16GB", "1.5g").
#pragma once

#include <cstdint>
#include <string>

namespace clipret::index {

// Parses `<number><unit>[B]` (the whole string; number an integer or decimal; unit one of
// B K M G T P E, case-insensitive; powers of 1024), as autofaiss's cast_memory_to_bytes does:
// "16G" = "16GB" = 16 * 2^30, "512MB", "1.5g". `option` names the option in the error.
// Throws Error(kInvalidInput) for anything else ("16 G", "G", "-1G", "4X").
uint64_t parse_memory_string(const std::string& text, const std::string& option);

// One decimal and a B/KB/MB/GB/TB suffix in powers of 1024: 16449464320 -> "15.3GB".
std::string format_memory(uint64_t bytes);

}  // namespace clipret::index
