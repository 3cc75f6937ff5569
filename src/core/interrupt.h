// core/interrupt.h: Ctrl-C (SIGINT) and SIGTERM as a request to stop cleanly.
//
// The one owner of these signal handlers in the process (STYLE: a process-wide setting has one
// owner). Commands whose long work can stop in a resumable state (download, end2end) install
// them once from cli/; the first signal sets the flag, which the work polls, and says so on
// stderr; a second signal ends the process at once with the default action.
#pragma once

#include <atomic>

namespace clipret::core {

// Installs the handlers (idempotent) and returns the flag they set.
const std::atomic<bool>& install_interrupt_handlers();

// Puts the default actions back (Ctrl-C ends the process): for work that does not poll the
// flag. The flag keeps its value.
void restore_default_interrupt_handlers();

// Ignores SIGXFSZ, so that a write past the file-size limit (RLIMIT_FSIZE: `ulimit -f`, quotas
// set that way) fails with EFBIG and the writer's error names the file (exit 4), instead of the
// signal's default action killing the process without a word. Called once by main().
void report_file_size_limit_as_errors();

}  // namespace clipret::core
