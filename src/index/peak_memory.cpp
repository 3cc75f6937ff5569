#include "index/peak_memory.h"

#include <fstream>
#include <string>

#include "core/log.h"
#include "index/memory_string.h"

namespace clipret::index {

int64_t peak_rss_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6)) * 1024;
  }
  return 0;
}

void log_peak(const char* stage) {
  CLIPRET_LOG_DEBUG("peak resident memory after %s: %s", stage,
                    format_memory(static_cast<uint64_t>(peak_rss_bytes())).c_str());
}

}  // namespace clipret::index
