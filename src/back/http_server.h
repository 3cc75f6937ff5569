// back/http_server.h: the HTTP endpoints of `back` (spec §3.4) over a KnnService. The only file
// that sees cpp-httplib.
//
// Every handler converts errors at this boundary: clipret::Error of kind kInvalidInput → 400,
// kNotFound → 404, others → 500, always as {"error": "..."}; bodies over max_body_bytes → 413.
// All answers carry Access-Control-Allow-Origin: * (the original's flask_cors). Slow and idle
// connections are bounded by options.connection (back/guarded_server.h).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "back/connection_limits.h"

namespace clipret::search {
class KnnService;
}

namespace clipret::back {

class BackMetrics;

struct ServerOptions {
  std::string host = "0.0.0.0";
  int port = 1234;  // 0: any free port
  // The built front (index.html and its assets); missing: `/` answers a page saying so.
  std::string front_folder;
  std::optional<std::string> default_backend;  // /config.json; None: the request's host URL
  std::string url_column = "url";
  size_t max_body_bytes = size_t{64} << 20;
  ConnectionLimits connection;  // workers, timeouts and header size per connection
};

class HttpServer {
 public:
  // `service` and `metrics` must outlive the server.
  HttpServer(const search::KnnService& service, BackMetrics& metrics, ServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds the listening socket; returns the port (the chosen one when options.port is 0).
  // Throws Error(kIo) when the address cannot be bound.
  int bind();
  // Serves until stop() (from another thread or a signal handler's thread). Call after bind().
  void serve();
  void stop();
  bool is_running() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace clipret::back
