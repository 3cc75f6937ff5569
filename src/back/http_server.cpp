#include "back/http_server.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <exception>
#include <nlohmann/json.hpp>
#include <string_view>

#include "back/front_routes.h"
#include "back/guarded_server.h"
#include "back/indices_info_json.h"
#include "back/knn_request.h"
#include "back/metadata_json.h"
#include "back/metrics.h"
#include "core/error.h"
#include "core/log.h"
#include "core/stopwatch.h"
#include "search/knn_service.h"
#include "search/search_index.h"

namespace clipret::back {
namespace {

constexpr const char* kJson = "application/json";
constexpr const char* kAllowOrigin = "Access-Control-Allow-Origin";

// The route pattern of an API path. The original front joins `backend + '/indices-list'` with a
// defaultBackend ending in '/', so it asks for `//indices-list`; Flask answers repeated slashes,
// so every route accepts them.
std::string api_path(const char* name) {
  return std::string("/+") + name;
}

// /metadata answers for more ids than this are streamed with chunked transfer encoding.
constexpr size_t kStreamedMetadataIds = 4096;

int status_of(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidInput:
      return 400;
    case ErrorKind::kNotFound:
      return 404;
    default:
      return 500;
  }
}

void set_error(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(error_json(message), kJson);
}

// Runs a handler body and converts what it throws (STYLE.md §2.7).
template <typename Body>
void guarded(httplib::Response& res, Body&& body) {
  try {
    body();
  } catch (const Error& e) {
    const int status = status_of(e.kind());
    if (status >= 500) CLIPRET_LOG_ERROR("request failed: %s", e.what());
    set_error(res, status, e.what());
  } catch (const std::bad_alloc&) {
    CLIPRET_LOG_ERROR("request failed: out of memory");
    set_error(res, 500, "out of memory");
  } catch (const std::exception& e) {
    CLIPRET_LOG_ERROR("request failed: %s", e.what());
    set_error(res, 500, e.what());
  }
}

// cpp-httplib 0.11 (Debian's shared build) listens with a backlog of 5: a burst of more new
// connections (32 clients starting at once) overflows it, and the kernel drops SYNs that the
// clients retry a second later, or fail. Linux lets listen() be called again on a listening
// socket to change its backlog; the socket is found by its port, as httplib does not expose it.
void raise_listen_backlog(int port) {
  for (int fd = 0; fd < 4096; ++fd) {
    int listening = 0;
    socklen_t length = sizeof(listening);
    if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) != 0 || !listening) {
      continue;
    }
    sockaddr_storage address{};
    socklen_t address_length = sizeof(address);
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &address_length) != 0) continue;
    int bound_port = -1;
    if (address.ss_family == AF_INET) {
      bound_port = ntohs(reinterpret_cast<const sockaddr_in*>(&address)->sin_port);
    } else if (address.ss_family == AF_INET6) {
      bound_port = ntohs(reinterpret_cast<const sockaddr_in6*>(&address)->sin6_port);
    }
    if (bound_port == port) {
      if (::listen(fd, SOMAXCONN) != 0) CLIPRET_LOG_WARN("cannot raise the listen backlog");
      return;
    }
  }
}

}  // namespace

struct HttpServer::Impl {
  const search::KnnService& service;
  BackMetrics& metrics;
  ServerOptions options;
  GuardedServer server;
  int port = 0;

  Impl(const search::KnnService& s, BackMetrics& m, ServerOptions o)
      : service(s), metrics(m), options(std::move(o)), server(options.connection) {
    server.set_payload_max_length(options.max_body_bytes);
    server.set_keep_alive_max_count(100000);
    server.set_tcp_nodelay(true);
    // The one place the CORS header is set: post-routing runs for every answer, errors
    // included (a second copy, "*, *", makes browsers reject the answer).
    server.set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
      if (!res.has_header(kAllowOrigin)) res.set_header(kAllowOrigin, "*");
    });
    server.set_error_handler(
        httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
          if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
          if (res.status == 413) {
            res.set_content(error_json("the request body is too large"), kJson);
          } else if (res.status == 404) {
            res.set_content(error_json("not found"), kJson);
          } else {
            res.set_content(error_json("HTTP " + std::to_string(res.status)), kJson);
          }
          return httplib::Server::HandlerResponse::Handled;
        }));
    server.set_exception_handler(
        [](const httplib::Request&, httplib::Response& res, std::exception_ptr error) {
          std::string message = "internal error";
          try {
            if (error) std::rethrow_exception(error);
          } catch (const std::exception& e) {
            message = e.what();
          } catch (...) {
          }
          CLIPRET_LOG_ERROR("request failed: %s", message.c_str());
          set_error(res, 500, message);
        });
    add_routes();
  }

  void add_routes() {
    server.Options(".*", [](const httplib::Request& req, httplib::Response& res) {
      res.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
      const std::string headers = req.get_header_value("Access-Control-Request-Headers");
      res.set_header("Access-Control-Allow-Headers", headers.empty() ? "Content-Type" : headers);
      res.status = 200;
    });
    server.Get(api_path("health"), [](const httplib::Request&, httplib::Response& res) {
      res.set_content("ok", "text/plain");
    });
    server.Get(api_path("indices-list"), [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(nlohmann::json(service.index_names()).dump(), kJson);
    });
    server.Get(api_path("indices-info"), [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(indices_info_json(service.describe_indices()), kJson);
    });
    server.Post(api_path("knn-service"),
                [this](const httplib::Request& req, httplib::Response& res) {
                  guarded(res, [&] {
                    const auto start = std::chrono::steady_clock::now();
                    const search::KnnQuery query = parse_knn_request(req.body);
                    search::QueryTimings timings;
                    const std::vector<search::KnnResult> results = service.query(query, &timings);
                    res.set_content(knn_results_json(results), kJson);
                    metrics.record(core::seconds_since(start), timings);
                  });
                });
    server.Post(api_path("metadata"), [this](const httplib::Request& req, httplib::Response& res) {
      guarded(res, [&] {
        MetadataRequest request = parse_metadata_request(req.body);
        const metadata::MetadataStore* store = service.index(request.indice_name).metadata.get();
        if (request.ids.size() <= kStreamedMetadataIds) {
          std::string answer;
          write_metadata_answer(request.ids, store, [&answer](std::string_view piece) {
            answer += piece;
            return true;
          });
          res.set_content(answer, kJson);
        } else {
          // Large answers are streamed (chunked) as they are written: no 100 MB body in memory.
          res.set_chunked_content_provider(
              kJson, [ids = std::move(request.ids), store](size_t, httplib::DataSink& sink) {
                const bool complete =
                    write_metadata_answer(ids, store, [&sink](std::string_view piece) {
                      return sink.write(piece.data(), piece.size());
                    });
                if (complete) sink.done();
                return complete;
              });
        }
      });
    });
    server.Get(api_path("metrics"), [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(metrics.prometheus_text(), "text/plain; version=0.0.4; charset=utf-8");
    });
    server.Get(api_path("metrics-summary"),
               [this](const httplib::Request&, httplib::Response& res) {
                 res.set_content(metrics.summary_text(), "text/plain");
               });
    FrontRoutesOptions front;
    front.front_folder = options.front_folder;
    front.default_backend = options.default_backend;
    front.url_column = options.url_column;
    install_front_routes(server, front);
  }
};

HttpServer::HttpServer(const search::KnnService& service, BackMetrics& metrics,
                       ServerOptions options)
    : impl_(std::make_unique<Impl>(service, metrics, std::move(options))) {}

HttpServer::~HttpServer() = default;

int HttpServer::bind() {
  if (impl_->options.port == 0) {
    impl_->port = impl_->server.bind_to_any_port(impl_->options.host);
  } else {
    impl_->port = impl_->server.bind_to_port(impl_->options.host, impl_->options.port)
                      ? impl_->options.port
                      : -1;
  }
  CLIPRET_CHECK(impl_->port > 0, Io, "cannot listen on %s:%d (port in use?)",
                impl_->options.host.c_str(), impl_->options.port);
  raise_listen_backlog(impl_->port);
  return impl_->port;
}

void HttpServer::serve() {
  impl_->server.listen_after_bind();
}

void HttpServer::stop() {
  impl_->server.stop();
}

bool HttpServer::is_running() const {
  return impl_->server.is_running();
}

}  // namespace clipret::back
