// core/progress_bar.h: progress of long jobs on stderr.
//
// On a terminal: one line redrawn in place at most 10 times a second ("label  42% |####    |
// 4200/10000 samples [00:12<00:17, 350.2 samples/s]"). Otherwise (logs, CI): a plain line every
// `plain_interval_seconds`, so files stay readable. Log lines written meanwhile appear above the
// bar.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace clipret::core {

struct ProgressBarOptions {
  std::string label;                     // what is progressing ("inference", "adding vectors")
  std::string unit = "it";               // what is counted ("samples", "files")
  uint64_t total = 0;                    // expected count; 0 when unknown (no percentage, no ETA)
  double plain_interval_seconds = 10.0;  // period of plain lines when stderr is not a terminal
  bool enabled = true;                   // false: count silently (e.g. non-zero MPI ranks)
};

class ProgressBar {
 public:
  explicit ProgressBar(ProgressBarOptions options);
  ~ProgressBar();  // finishes the bar if finish() was not called
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // Thread-safe: counts `n` more units and redraws when due.
  void add(uint64_t n = 1);
  // Changes the expected total (e.g. once an estimate is refined).
  void set_total(uint64_t total);
  // Thread-safe: text shown after the rate, e.g. "success 91.2 %" (tqdm's postfix).
  void set_postfix(std::string postfix);

  // Prints the final state on its own line; later calls do nothing.
  void finish();

  uint64_t count() const { return count_.load(std::memory_order_relaxed); }

  // The text of one bar line for the given state, without colour or carriage return. Public for
  // tests.
  static std::string render(const std::string& label, const std::string& unit, uint64_t count,
                            uint64_t total, double elapsed_seconds, int width,
                            const std::string& postfix = "");

 private:
  void draw(bool force);
  std::string current_line() const;

  ProgressBarOptions options_;
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> total_{0};
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  bool tty_ = false;
  bool finished_ = false;
  std::string last_plain_line_;  // not printed again by finish() when nothing changed since
  mutable std::mutex postfix_mutex_;
  std::string postfix_;
};

namespace detail {
// Called by the logger with terminal_mutex() held, to keep log lines and the bar apart.
void clear_active_bar_locked();
void redraw_active_bar_locked();
}  // namespace detail

}  // namespace clipret::core
