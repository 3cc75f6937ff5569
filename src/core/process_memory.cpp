#include "core/process_memory.h"

#include <malloc.h>

namespace clipret::core {

void keep_freed_memory_for_reuse() {
  constexpr int kOneGiB = 1 << 30;
  // Blocks up to 1 GiB come from the heap (reusable) rather than fresh mmaps, and the heap is not
  // trimmed back to the OS until 1 GiB of its top is free.
  mallopt(M_MMAP_THRESHOLD, kOneGiB);
  mallopt(M_TRIM_THRESHOLD, kOneGiB);
}

void return_freed_memory() {
  malloc_trim(0);
}

}  // namespace clipret::core
