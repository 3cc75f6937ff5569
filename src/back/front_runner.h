// back/front_runner.h: `clip-retrieval front`: serve the built web front alone (spec §5.1), for
// a back running elsewhere.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace clipret::back {

struct FrontOptions {
  // The original's options (spec §5.1).
  std::optional<std::string> default_backend;  // None: http://<the host the browser used>:1234/
  std::optional<std::string> default_index;    // None: "" (the front picks the first index)
  std::string url_column = "url";
  // New.
  int64_t port = 1235;  // 0: any free port
  std::string host = "0.0.0.0";
  std::optional<std::string> front_folder;  // None: the installed front (resolved by the CLI)
};

struct FrontEnvironment {
  std::string front_folder;  // resolved by the CLI
  // Called with the bound port once the server listens (tests, --port 0); may be empty.
  std::function<void(int port)> on_listening;
};

// Binds (logging "listening on http://<host>:<port>") and serves until the process is stopped.
// Throws Error(kNotFound) when the folder holds no built front (a front server without one
// serves nothing), Error(kIo) when the port cannot be bound.
void run_front(const FrontOptions& options, const FrontEnvironment& environment);

}  // namespace clipret::back
