// back/guarded_server.h: cpp-httplib's server with every connection's hold on a worker bounded,
// against slow and idle clients. Internal to back/ (it includes httplib.h): http_server.cpp and
// front_runner.cpp use it.
//
// cpp-httplib gives each connection a worker thread until the connection closes, and its read
// timeout applies to each recv() alone: a client sending one header byte every few seconds
// (slowloris) holds its worker forever, and a few dozen such clients, or idle keep-alive
// connections, hold them all. GuardedServer replaces httplib's per-connection loop (its
// process_and_close_socket, the one virtual hook; process_request does the HTTP) with one that
// enforces:
// - a deadline for the request line and headers (header_timeout) and, once they are in, one for
//   the body (body_timeout), whatever the client's pace; headers beyond max_header_bytes end the
//   connection (httplib bounds each line, not their number);
// - a deadline for writing a whole answer (write_timeout), against clients that do not read;
// - keep-alive: the next request must start within keep_alive_timeout;
// - under pressure (a connection waiting for a worker): an idle connection gives its worker up
//   at once (after kGraceUnderPressure), and a request still sending its headers after
//   kHeaderTimeUnderPressure is dropped. Real clients send their headers in one packet; only a
//   slow or idle client loses its connection, and only when another client is waiting. A
//   stopping server counts as under pressure.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstddef>

#include "back/connection_limits.h"

namespace clipret::back {

// Under pressure, an idle connection waits this long for its next request before giving its
// worker up (a legitimate request already accepted is readable well within it).
constexpr std::chrono::milliseconds kGraceUnderPressure{100};
// Under pressure, the most time a request may take to send its request line and headers.
constexpr std::chrono::milliseconds kHeaderTimeUnderPressure{1'000};

class WorkerPool;

class GuardedServer : public httplib::Server {
 public:
  explicit GuardedServer(const ConnectionLimits& limits);

  // Connections accepted and waiting for a worker (what "under pressure" means).
  size_t waiting_connections() const;

 private:
  bool process_and_close_socket(socket_t sock) override;

  ConnectionLimits limits_;
  std::atomic<WorkerPool*> pool_{nullptr};  // created by listen_after_bind, deleted after it
};

}  // namespace clipret::back
