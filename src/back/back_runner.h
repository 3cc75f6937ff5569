// back/back_runner.h: `clip-retrieval back`: load the indices of indices_paths.json and serve them
// over HTTP until the process is stopped.
#pragma once

#include <functional>
#include <string>

#include "back/back_options.h"
#include "search/service_loader.h"

namespace clipret::back {

struct BackEnvironment {
  search::ServiceEnvironment service;  // hub, model threads, batching, image_url fetching
  std::string front_folder;            // resolved by the CLI (BackOptions::front_folder or default)
  // Called with the bound port once the server listens (tests, --port 0); may be empty.
  std::function<void(int port)> on_listening;
};

// Loads, binds (logging "listening on http://<host>:<port>"), and serves; returns only on error
// (throws the loaders' errors, Error(kIo) when the port cannot be bound).
void run_back(const BackOptions& options, const BackEnvironment& environment);

}  // namespace clipret::back
