// tests/local_hub_server.h: a model hub on localhost for tests (never the network).
//
// Serves <root>/<org>/<name>/resolve/<revision>/<file> from local folders, with Range support
// (resumed downloads), and counts requests so tests can see what was fetched.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "test_util.h"

namespace clipret::testing {

class LocalHubServer {
 public:
  LocalHubServer() {
    server_.Get(R"(/([^/]+/[^/]+)/resolve/([^/]+)/(.+))",
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
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 5000 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  ~LocalHubServer() {
    server_.stop();
    thread_.join();
  }

  // Serves `folder`'s files as repository `repo` ("org/name").
  void add_repo(const std::string& repo, const std::string& folder) {
    std::lock_guard<std::mutex> lock(mutex_);
    repos_[repo] = folder;
  }

  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int requests() const { return requests_.load(); }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::map<std::string, std::string> repos_;
  std::atomic<int> requests_{0};
};

}  // namespace clipret::testing
