#include "core/progress_bar.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/log.h"

namespace clipret::core {
namespace {

constexpr double kTtyRedrawSeconds = 0.1;
constexpr int kDefaultWidth = 100;

// The bar currently drawn on the terminal's last line, guarded by terminal_mutex().
const ProgressBar* g_active_bar = nullptr;
std::string g_active_line;

bool stderr_is_tty() {
  return ::isatty(STDERR_FILENO) == 1;
}

int terminal_width() {
  struct winsize ws {};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20) return ws.ws_col;
  return kDefaultWidth;
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto total = static_cast<long long>(seconds);
  char buf[32];
  if (total >= 3600) {
    std::snprintf(buf, sizeof(buf), "%lld:%02lld:%02lld", total / 3600, (total / 60) % 60,
                  total % 60);
  } else {
    std::snprintf(buf, sizeof(buf), "%02lld:%02lld", total / 60, total % 60);
  }
  return buf;
}

}  // namespace

namespace detail {
void clear_active_bar_locked() {
  if (g_active_bar != nullptr) std::fputs("\r\033[2K", stderr);
}
void redraw_active_bar_locked() {
  if (g_active_bar != nullptr) std::fputs(g_active_line.c_str(), stderr);
}
}  // namespace detail

ProgressBar::ProgressBar(ProgressBarOptions options)
    : options_(std::move(options)),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_),
      tty_(stderr_is_tty()) {
  total_.store(options_.total, std::memory_order_relaxed);
  if (options_.enabled && tty_) draw(true);
}

ProgressBar::~ProgressBar() {
  finish();
}

void ProgressBar::add(uint64_t n) {
  count_.fetch_add(n, std::memory_order_relaxed);
  if (options_.enabled) draw(false);
}

void ProgressBar::set_total(uint64_t total) {
  total_.store(total, std::memory_order_relaxed);
}

namespace {

// "25.0 samples/s", or for slow steps (an OPQ round, a k-means iteration) the seconds each takes,
// as tqdm does: "17.3 s/round" rather than "0.1 rounds/s".
std::string format_rate(double rate, const std::string& unit) {
  char text[64];
  if (rate > 0 && rate < 1) {
    std::string one = unit;
    if (one.size() > 1 && one.back() == 's') one.pop_back();
    std::snprintf(text, sizeof(text), "%.1f s/%s", 1.0 / rate, one.c_str());
  } else {
    std::snprintf(text, sizeof(text), "%.1f %s/s", rate, unit.c_str());
  }
  return text;
}

}  // namespace

std::string ProgressBar::render(const std::string& label, const std::string& unit, uint64_t count,
                                uint64_t total, double elapsed_seconds, int width,
                                const std::string& postfix) {
  const double rate = elapsed_seconds > 0 ? static_cast<double>(count) / elapsed_seconds : 0.0;
  char stats[160];
  if (total > 0) {
    const double remaining =
        rate > 0 ? static_cast<double>(total > count ? total - count : 0) / rate : -1.0;
    std::snprintf(stats, sizeof(stats), " %llu/%llu %s [%s<%s, %s]",
                  static_cast<unsigned long long>(count), static_cast<unsigned long long>(total),
                  unit.c_str(), format_duration(elapsed_seconds).c_str(),
                  format_duration(remaining).c_str(), format_rate(rate, unit).c_str());
  } else {
    std::snprintf(stats, sizeof(stats), " %llu %s [%s, %s]", static_cast<unsigned long long>(count),
                  unit.c_str(), format_duration(elapsed_seconds).c_str(),
                  format_rate(rate, unit).c_str());
  }
  std::string tail = stats;
  if (!postfix.empty()) tail += " " + postfix;
  std::string line = label;
  if (total > 0) {
    const double fraction = std::min(1.0, static_cast<double>(count) / static_cast<double>(total));
    char percent[8];
    std::snprintf(percent, sizeof(percent), " %3d%% ", static_cast<int>(fraction * 100.0));
    line += percent;
    const int bar_width = width - static_cast<int>(line.size() + tail.size()) - 2;
    if (bar_width >= 10) {
      const int filled = static_cast<int>(fraction * bar_width);
      line += '|';
      line.append(static_cast<size_t>(filled), '#');
      line.append(static_cast<size_t>(bar_width - filled), ' ');
      line += '|';
    }
  }
  line += tail;
  return line;
}

void ProgressBar::set_postfix(std::string postfix) {
  std::lock_guard<std::mutex> lock(postfix_mutex_);
  postfix_ = std::move(postfix);
}

std::string ProgressBar::current_line() const {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::string postfix;
  {
    std::lock_guard<std::mutex> lock(postfix_mutex_);
    postfix = postfix_;
  }
  return render(options_.label, options_.unit, count(), total_.load(std::memory_order_relaxed),
                elapsed, tty_ ? terminal_width() - 1 : kDefaultWidth, postfix);
}

void ProgressBar::draw(bool force) {
  const auto now = std::chrono::steady_clock::now();
  const double interval = tty_ ? kTtyRedrawSeconds : options_.plain_interval_seconds;
  std::lock_guard<std::mutex> lock(terminal_mutex());
  if (finished_) return;
  if (!force && std::chrono::duration<double>(now - last_draw_).count() < interval) return;
  last_draw_ = now;
  const std::string line = current_line();
  if (tty_) {
    g_active_bar = this;
    g_active_line = line;
    std::fprintf(stderr, "\r\033[2K%s", line.c_str());
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
    last_plain_line_ = line;
  }
  std::fflush(stderr);
}

void ProgressBar::finish() {
  std::lock_guard<std::mutex> lock(terminal_mutex());
  if (finished_) return;
  finished_ = true;
  if (g_active_bar == this) g_active_bar = nullptr;
  if (!options_.enabled) return;
  const std::string line = current_line();
  if (!tty_ && line == last_plain_line_) return;  // the last plain line already says it
  std::fprintf(stderr, tty_ ? "\r\033[2K%s\n" : "%s\n", line.c_str());
  std::fflush(stderr);
}

}  // namespace clipret::core
