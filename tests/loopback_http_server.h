// tests/loopback_http_server.h: an httplib server on a free port of 127.0.0.1, serving from its
// own thread, for tests of HTTP clients (never the network). Add routes to server(), then
// start(); the destructor stops and joins it.
#pragma once

#include <httplib.h>

#include <chrono>
#include <string>
#include <thread>

namespace clipret::testing {

class LoopbackHttpServer {
 public:
  LoopbackHttpServer() = default;
  ~LoopbackHttpServer() { stop(); }
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  httplib::Server& server() { return server_; }

  // Binds a free port of `host` (a loopback address: Linux answers all of 127.0.0.0/8) and
  // serves; returns once the server accepts connections (or after 5 s).
  void start(const std::string& host = "127.0.0.1") {
    host_ = host;
    port_ = server_.bind_to_any_port(host);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 5000 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  // Stops serving and joins the thread (idempotent). A subclass whose routes use its own members
  // calls it in its destructor, before those members go.
  void stop() {
    if (!thread_.joinable()) return;
    server_.stop();
    thread_.join();
  }

  int port() const { return port_; }
  std::string endpoint() const { return "http://" + host_ + ":" + std::to_string(port_); }
  std::string url(const std::string& path) const { return endpoint() + path; }

 private:
  httplib::Server server_;
  std::string host_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace clipret::testing
