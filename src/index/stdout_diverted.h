// index/stdout_diverted.h: keeps faiss's printf() chatter off the command's stdout.
//
// faiss prints progress with printf (on-disk inverted lists on every file growth, k-means and
// OPQ iterations when verbose), with no switch to send it elsewhere. stdout belongs to the
// command (the library never writes there), so while an instance lives, fd 1 points at stderr
// when the log level is debug (--verbose) and at /dev/null otherwise. Not for concurrent use:
// fd 1 is process-wide.
#pragma once

namespace clipret::index {

class StdoutDiverted {
 public:
  StdoutDiverted();
  ~StdoutDiverted();
  StdoutDiverted(const StdoutDiverted&) = delete;
  StdoutDiverted& operator=(const StdoutDiverted&) = delete;

  // Whether faiss's own progress lines are wanted (and so shown, on stderr).
  static bool faiss_verbose();

 private:
  int saved_ = -1;
};

}  // namespace clipret::index
