#include "core/pipe_stream.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>

#include "core/error.h"

extern char** environ;

namespace clipret::core {
namespace {

// How much of the child's stderr is kept for the error message.
constexpr size_t kStderrTailBytes = 2048;
constexpr size_t kStderrChunk = 4096;

// An owned file descriptor; -1 when empty.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

// Both ends of a pipe(2), close-on-exec (the child gets them through dup2 only).
struct PipeFds {
  UniqueFd read_end;
  UniqueFd write_end;
};

PipeFds make_pipe(const std::string& name) {
  int fds[2];
  CLIPRET_CHECK(::pipe2(fds, O_CLOEXEC) == 0, Io, "%s: pipe() failed: %s", name.c_str(),
                std::strerror(errno));
  return PipeFds{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// RAII holders for the posix_spawn attribute objects.
struct SpawnFileActions {
  posix_spawn_file_actions_t value;
  SpawnFileActions() { posix_spawn_file_actions_init(&value); }
  ~SpawnFileActions() { posix_spawn_file_actions_destroy(&value); }
  SpawnFileActions(const SpawnFileActions&) = delete;
  SpawnFileActions& operator=(const SpawnFileActions&) = delete;
};

struct SpawnAttr {
  posix_spawnattr_t value;
  SpawnAttr() { posix_spawnattr_init(&value); }
  ~SpawnAttr() { posix_spawnattr_destroy(&value); }
  SpawnAttr(const SpawnAttr&) = delete;
  SpawnAttr& operator=(const SpawnAttr&) = delete;
};

std::string describe_status(int status) {
  if (WIFEXITED(status)) return string_printf("exited with status %d", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return string_printf("was killed by signal %d", WTERMSIG(status));
  return string_printf("ended with wait status %d", status);
}

// The stdout of a child process; see open_pipe_stream.
class PipeInputStream final : public InputStream {
 public:
  PipeInputStream(std::string name, std::string command, pid_t pid, UniqueFd out, UniqueFd err)
      : InputStream(std::move(name)),
        command_(std::move(command)),
        pid_(pid),
        out_(std::move(out)),
        err_(std::move(err)) {}

  ~PipeInputStream() override {
    out_.reset();
    err_.reset();
    if (reaped_) return;
    // The child is not reaped yet, so its pid (and group id) cannot have been reused.
    ::kill(-pid_, SIGKILL);
    wait_child();
  }

  size_t read(void* buffer, size_t n) override {
    if (failure_) throw Error(ErrorKind::kIo, *failure_);
    if (reaped_ || n == 0) return 0;
    for (;;) {
      pollfd fds[2] = {{out_.get(), POLLIN, 0}, {err_.get(), POLLIN, 0}};
      if (::poll(fds, err_.get() >= 0 ? 2 : 1, -1) < 0) {
        if (errno == EINTR) continue;
        CLIPRET_THROW(Io, "%s: poll failed: %s", name().c_str(), std::strerror(errno));
      }
      if (err_.get() >= 0 && fds[1].revents != 0) read_stderr_once();
      if (fds[0].revents == 0) continue;
      const ssize_t got = ::read(out_.get(), buffer, n);
      if (got > 0) return static_cast<size_t>(got);
      if (got < 0) {
        if (errno == EINTR || errno == EAGAIN) continue;
        CLIPRET_THROW(Io, "%s: read failed: %s", name().c_str(), std::strerror(errno));
      }
      finish();
      return 0;
    }
  }

 private:
  // Reads what stderr has (one read); closes it at end of file.
  void read_stderr_once() {
    char chunk[kStderrChunk];
    const ssize_t got = ::read(err_.get(), chunk, sizeof(chunk));
    if (got < 0) {
      if (errno != EINTR && errno != EAGAIN) err_.reset();
      return;
    }
    if (got == 0) {
      err_.reset();
      return;
    }
    stderr_tail_.append(chunk, static_cast<size_t>(got));
    if (stderr_tail_.size() > 2 * kStderrTailBytes) {
      stderr_tail_.erase(0, stderr_tail_.size() - kStderrTailBytes);
      stderr_truncated_ = true;
    }
  }

  void wait_child() {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    status_ = status;
  }

  // Stdout reached its end: collect the rest of stderr, reap the child, throw if it failed.
  void finish() {
    out_.reset();
    while (err_.get() >= 0) read_stderr_once();
    wait_child();
    if (WIFEXITED(status_) && WEXITSTATUS(status_) == 0) return;
    std::string tail = stderr_tail_.size() > kStderrTailBytes
                           ? stderr_tail_.substr(stderr_tail_.size() - kStderrTailBytes)
                           : stderr_tail_;
    while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.pop_back();
    const bool cut = stderr_truncated_ || stderr_tail_.size() > kStderrTailBytes;
    failure_ = string_printf("%s: command '%s' %s; stderr: %s%s", name().c_str(), command_.c_str(),
                             describe_status(status_).c_str(), cut ? "..." : "",
                             tail.empty() ? "(empty)" : tail.c_str());
    throw Error(ErrorKind::kIo, *failure_);
  }

  std::string command_;
  pid_t pid_;
  UniqueFd out_;
  UniqueFd err_;
  bool reaped_ = false;
  int status_ = 0;
  std::string stderr_tail_;
  bool stderr_truncated_ = false;
  std::optional<std::string> failure_;  // set once the child failed; every later read rethrows
};

}  // namespace

std::unique_ptr<InputStream> open_pipe_stream(const std::string& command, std::string name) {
  CLIPRET_CHECK(!command.empty(), InvalidInput, "%s: empty pipe command", name.c_str());
  PipeFds out = make_pipe(name);
  PipeFds err = make_pipe(name);

  SpawnFileActions actions;
  posix_spawn_file_actions_adddup2(&actions.value, out.write_end.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions.value, err.write_end.get(), STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions.value, STDIN_FILENO, "/dev/null", O_RDONLY, 0);

  // Own process group, so an early close can kill a whole pipeline; default SIGPIPE, so a
  // writer like `yes` dies when we stop reading even if this process ignores SIGPIPE.
  SpawnAttr attr;
  sigset_t empty_mask;
  sigemptyset(&empty_mask);
  sigset_t default_signals;
  sigemptyset(&default_signals);
  sigaddset(&default_signals, SIGPIPE);
  posix_spawnattr_setflags(&attr.value,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr.value, 0);
  posix_spawnattr_setsigmask(&attr.value, &empty_mask);
  posix_spawnattr_setsigdefault(&attr.value, &default_signals);

  std::string sh = "sh";
  std::string dash_c = "-c";
  std::string command_copy = command;
  char* argv[] = {sh.data(), dash_c.data(), command_copy.data(), nullptr};
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, "/bin/sh", &actions.value, &attr.value, argv, environ);
  CLIPRET_CHECK(rc == 0, Io, "%s: cannot start /bin/sh: %s", name.c_str(), std::strerror(rc));
  out.write_end.reset();
  err.write_end.reset();
  return std::make_unique<PipeInputStream>(std::move(name), command, pid, std::move(out.read_end),
                                           std::move(err.read_end));
}

}  // namespace clipret::core
