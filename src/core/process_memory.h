// core/process_memory.h: the allocator policy of the clip-retrieval binary.
//
// glibc returns every freed block over 32 MiB to the OS, so a process that repeatedly builds
// large tables (Parquet metadata, embedding batches) pays the page faults of fresh memory each
// time — in VMs several microseconds per 4 KiB page, more than decoding costs. Keeping freed
// memory for reuse, as DuckDB's buffer pool does, removes that cost; resident memory then stays
// at its peak instead of shrinking. A process-wide setting: only entry points (cli/main.cpp,
// benchmarks) call it, never the library.
#pragma once

namespace clipret::core {

void keep_freed_memory_for_reuse();

// Gives the memory freed so far back to the OS (glibc's malloc_trim), whatever the policy above:
// for a stage that ends with large buffers freed and is followed by work whose memory must fit
// the same budget (index: the add batches, then tuning and exact search on other threads'
// arenas).
void return_freed_memory();

}  // namespace clipret::core
