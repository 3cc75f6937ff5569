// tests/server_process.h: a `clip-retrieval` server command (back, front, end2end) run as a
// child process on a free port, for tests of the real binary.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "test_util.h"

extern char** environ;

namespace clipret::testing {

// `clip-retrieval COMMAND ARGS` with stderr in a file; killed and reaped on destruction.
class ServerProcess {
 public:
  ServerProcess(const std::string& command, const std::vector<std::string>& args,
                const std::string& log) {
    std::vector<std::string> argv = {CLIPRET_BINARY, command};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    if (posix_spawn(&pid_, CLIPRET_BINARY, &actions, nullptr, cargv.data(), environ) != 0)
      pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~ServerProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  // The port from the "listening on http://host:port" log line; -1 when the process ended or
  // nothing came within the timeout.
  int wait_for_port(const std::string& log, std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    const std::string marker = "listening on http://";
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string text = testing::read_file(log);
      const size_t at = text.find(marker);
      const size_t colon = at == std::string::npos ? at : text.find(':', at + marker.size());
      const size_t end = colon == std::string::npos ? colon : text.find('\n', colon);
      // No std::regex: g++ 12 reports a false maybe-uninitialized in it under the sanitizers.
      if (end != std::string::npos) return std::stoi(text.substr(colon + 1, end - colon - 1));
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
};

}  // namespace clipret::testing
