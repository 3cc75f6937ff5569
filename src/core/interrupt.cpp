#include "core/interrupt.h"

#include <csignal>
#include <cstring>
#include <mutex>

#include <unistd.h>

namespace clipret::core {
namespace {

std::atomic<bool> g_interrupted{false};

void on_signal(int signal_number) {
  if (g_interrupted.exchange(true)) {
    std::signal(signal_number, SIG_DFL);
    std::raise(signal_number);
    return;
  }
  // Only async-signal-safe calls here: write(2), not stdio.
  static const char kMessage[] =
      "\nstopping: finishing what is in flight, leaving a resumable state (again to quit now)\n";
  const ssize_t ignored = ::write(STDERR_FILENO, kMessage, sizeof(kMessage) - 1);
  (void)ignored;
}

}  // namespace

const std::atomic<bool>& install_interrupt_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction action;
    std::memset(&action, 0, sizeof(action));
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
  });
  return g_interrupted;
}

void restore_default_interrupt_handlers() {
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

void report_file_size_limit_as_errors() {
  std::signal(SIGXFSZ, SIG_IGN);
}

}  // namespace clipret::core
