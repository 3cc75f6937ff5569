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

}  // namespace clipret::core
