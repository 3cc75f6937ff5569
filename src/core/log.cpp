#include "core/log.h"

#include <atomic>
#include <cstdarg>
#include <string>

#include "core/progress_bar.h"

namespace clipret::core {
namespace {

std::atomic<LogLevel> g_level{LogLevel::kInfo};

const char* level_tag(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warning";
    case LogLevel::kError:
      return "error";
    case LogLevel::kOff:
      break;
  }
  return "log";
}

}  // namespace

void set_log_level(LogLevel level) {
  g_level.store(level, std::memory_order_relaxed);
}
LogLevel log_level() {
  return g_level.load(std::memory_order_relaxed);
}

std::mutex& terminal_mutex() {
  static std::mutex mutex;
  return mutex;
}

void log_message(LogLevel level, const char* fmt, ...) {
  char stack_buffer[1024];
  va_list args;
  va_start(args, fmt);
  va_list copy;
  va_copy(copy, args);
  const int needed = std::vsnprintf(stack_buffer, sizeof(stack_buffer), fmt, args);
  va_end(args);
  std::string message;
  if (needed >= static_cast<int>(sizeof(stack_buffer))) {
    message.resize(static_cast<size_t>(needed));
    std::vsnprintf(message.data(), message.size() + 1, fmt, copy);
  } else if (needed > 0) {
    message.assign(stack_buffer, static_cast<size_t>(needed));
  }
  va_end(copy);

  std::lock_guard<std::mutex> lock(terminal_mutex());
  detail::clear_active_bar_locked();
  std::fprintf(stderr, "[%s] %s\n", level_tag(level), message.c_str());
  detail::redraw_active_bar_locked();
  std::fflush(stderr);
}

}  // namespace clipret::core
