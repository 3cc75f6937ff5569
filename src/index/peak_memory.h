// index/peak_memory.h: the peak resident memory of this process, which a build logs after each
// stage (to see which one sets it) and reports in its infos json.
#pragma once

#include <cstdint>

namespace clipret::index {

// Peak resident memory of this process so far (VmHWM), 0 when unknown.
int64_t peak_rss_bytes();

// Logs peak_rss_bytes() at debug level as reached "after `stage`".
void log_peak(const char* stage);

}  // namespace clipret::index
