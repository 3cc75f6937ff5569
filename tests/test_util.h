// tests/test_util.h: helpers shared by the test binaries.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

namespace clipret::testing {

// A fresh directory under $TMPDIR, removed with everything in it when the object goes.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "clipret-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& relative) const { return (path_ / relative).string(); }

 private:
  std::filesystem::path path_;
};

// Path of a file under ../shared/fixtures.
inline std::string fixture_path(const std::string& relative) {
  return std::string(CLIPRET_SHARED_DIR) + "/fixtures/" + relative;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_file(const std::string& path, const std::string& bytes) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `command` under /bin/sh, capturing stdout and stderr separately.
inline CommandResult run_command(const std::string& command) {
  TempDir dir;
  const std::string out_path = dir.file("stdout");
  const std::string err_path = dir.file("stderr");
  const int status = std::system(
      ("(" + command + ") >'" + out_path + "' 2>'" + err_path + "' </dev/null").c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  return result;
}

// Runs the built clip-retrieval binary with `args` (already shell-quoted where needed).
inline CommandResult run_clip_retrieval(const std::string& args) {
  return run_command(std::string("'") + CLIPRET_BINARY + "' " + args);
}

// The seed of a kill test's random kill points: CLIPRET_KILL_SEED when set (to replay a failed
// run), else the clock. Printed with `what` (the kill points) so that a failure can be replayed.
inline uint32_t kill_seed(const std::string& what) {
  const char* replay = std::getenv("CLIPRET_KILL_SEED");
  const auto seed = static_cast<uint32_t>(
      replay != nullptr ? std::strtoul(replay, nullptr, 10)
                        : std::chrono::system_clock::now().time_since_epoch().count());
  std::cerr << what << " (CLIPRET_KILL_SEED=" << seed << ")\n";
  return seed;
}

// Starts `command` under /bin/sh in its own child (`exec` in the command makes the child the
// program itself); returns its pid, for kill tests.
inline pid_t spawn_shell(const std::string& command) {
  const pid_t child = ::fork();
  if (child == 0) {
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return child;
}

}  // namespace clipret::testing
