// core/log.h: levelled logging to stderr, shared with progress bars.
//
// The only process-wide mutable state of the library (STYLE.md §2.11). Nothing is formatted below
// the active level. Library code never writes to stdout, which commands like `encode` own.
#pragma once

#include <cstdio>
#include <mutex>

namespace clipret::core {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kOff = 4 };

void set_log_level(LogLevel level);
LogLevel log_level();
inline bool should_log(LogLevel level) {
  return level >= log_level();
}

// Writes "[level] message\n" to stderr, clearing and redrawing an active progress bar around it.
void log_message(LogLevel level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

// The lock that serialises everything written to stderr (log lines and progress bars).
std::mutex& terminal_mutex();

}  // namespace clipret::core

#define CLIPRET_LOG(level, ...)                                                               \
  do {                                                                                        \
    if (::clipret::core::should_log(level)) ::clipret::core::log_message(level, __VA_ARGS__); \
  } while (0)
#define CLIPRET_LOG_DEBUG(...) CLIPRET_LOG(::clipret::core::LogLevel::kDebug, __VA_ARGS__)
#define CLIPRET_LOG_INFO(...) CLIPRET_LOG(::clipret::core::LogLevel::kInfo, __VA_ARGS__)
#define CLIPRET_LOG_WARN(...) CLIPRET_LOG(::clipret::core::LogLevel::kWarn, __VA_ARGS__)
#define CLIPRET_LOG_ERROR(...) CLIPRET_LOG(::clipret::core::LogLevel::kError, __VA_ARGS__)
