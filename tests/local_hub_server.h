// tests/local_hub_server.h: a model hub on localhost for tests (never the network).
//
// Serves <root>/<org>/<name>/resolve/<revision>/<file> from local folders, with Range support
// (resumed downloads), and counts requests so tests can see what was fetched.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "loopback_http_server.h"
#include "test_util.h"

namespace clipret::testing {

class LocalHubServer : public LoopbackHttpServer {
 public:
  LocalHubServer() {
    server().Get(R"(/([^/]+/[^/]+)/resolve/([^/]+)/(.+))",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   ++requests_;
                   std::string folder;
                   {
                     std::lock_guard<std::mutex> lock(mutex_);
                     auto it = repos_.find(req.matches[1]);
                     if (it != repos_.end()) folder = it->second;
                   }
                   const std::string path = folder + "/" + std::string(req.matches[3]);
                   if (folder.empty() || !std::filesystem::is_regular_file(path)) {
                     res.status = 404;
                     res.set_content("Entry not found", "text/plain");
                     return;
                   }
                   res.set_content(read_file(path), "application/octet-stream");
                 });
    start();
  }
  ~LocalHubServer() { stop(); }  // the route reads repos_ and requests_

  // Serves `folder`'s files as repository `repo` ("org/name").
  void add_repo(const std::string& repo, const std::string& folder) {
    std::lock_guard<std::mutex> lock(mutex_);
    repos_[repo] = folder;
  }

  int requests() const { return requests_.load(); }

 private:
  std::mutex mutex_;
  std::map<std::string, std::string> repos_;
  std::atomic<int> requests_{0};
};

}  // namespace clipret::testing
