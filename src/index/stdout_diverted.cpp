#include "index/stdout_diverted.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include "core/log.h"

namespace clipret::index {

bool StdoutDiverted::faiss_verbose() {
  return core::should_log(core::LogLevel::kDebug);
}

StdoutDiverted::StdoutDiverted() {
  std::fflush(stdout);
  saved_ = ::dup(STDOUT_FILENO);
  const int target =
      faiss_verbose() ? ::dup(STDERR_FILENO) : ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (saved_ >= 0 && target >= 0) ::dup2(target, STDOUT_FILENO);
  if (target >= 0) ::close(target);
}

StdoutDiverted::~StdoutDiverted() {
  std::fflush(stdout);
  if (saved_ >= 0) {
    ::dup2(saved_, STDOUT_FILENO);
    ::close(saved_);
  }
}

}  // namespace clipret::index
