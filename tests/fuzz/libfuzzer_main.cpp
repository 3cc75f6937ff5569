// The libFuzzer entry of one target of tests/fuzz/fuzz_targets.h, chosen at build time by
// scripts/fuzz.sh with -DCLIPRET_FUZZ_ENTRY=fuzz_one_<target>.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return clipret::fuzz::CLIPRET_FUZZ_ENTRY(data, size);
}
