#include "back/http_server.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <exception>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string_view>

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

// "/config.json", with any number of leading slashes (as api_path's routes).
bool is_config_path(std::string_view path) {
  const size_t name = path.find_first_not_of('/');
  return name > 0 && name != std::string_view::npos && path.substr(name) == "config.json";
}

// /metadata answers for more ids than this are streamed with chunked transfer encoding.
constexpr size_t kStreamedMetadataIds = 4096;

constexpr const char* kFrontMissingPage =
    "<!doctype html><html><head><meta charset=\"utf-8\"><title>clip-retrieval back</title>"
    "</head><body><h1>clip-retrieval back is running</h1><p>No web front was found, so there is "
    "no UI here. Start back with <code>--front_folder DIR</code>, DIR being a built front (a "
    "folder holding <code>index.html</code> and its assets; for the original clip-retrieval "
    "front, the <code>build/</code> folder that <code>npm install && npm run build</code> "
    "writes in its <code>front/</code>), or install one into "
    "<code>&lt;prefix&gt;/share/clip-retrieval/front</code>.</p><p>The API answers at "
    "<code>/indices-list</code>, <code>/knn-service</code>, <code>/metadata</code>, "
    "<code>/metrics</code>, <code>/metrics-summary</code>, <code>/config.json</code> and "
    "<code>/health</code>.</p></body></html>";

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
  httplib::Server server;
  int port = 0;

  Impl(const search::KnnService& s, BackMetrics& m, ServerOptions o)
      : service(s), metrics(m), options(std::move(o)) {
    const size_t threads = std::max<size_t>(1, options.threads);
    server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    server.set_payload_max_length(options.max_body_bytes);
    server.set_keep_alive_max_count(100000);
    server.set_tcp_nodelay(true);
    // The one place the CORS header is set: post-routing runs for every answer, errors
    // included (a second copy, "*, *", makes browsers reject the answer).
    server.set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
      if (!res.has_header(kAllowOrigin)) res.set_header(kAllowOrigin, "*");
    });
    // /config.json must win over a file of that name in the front folder (the original
    // registers it before its static route); httplib serves mounted files before any route,
    // so it is answered before routing.
    server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      if ((req.method != "GET" && req.method != "HEAD") || !is_config_path(req.path)) {
        return httplib::Server::HandlerResponse::Unhandled;
      }
      write_config_json(req, res);
      return httplib::Server::HandlerResponse::Handled;
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

  void write_config_json(const httplib::Request& req, httplib::Response& res) const {
    std::string backend;
    if (options.default_backend) {
      backend = *options.default_backend;
    } else {
      // Flask's request.host_url: scheme://Host/
      const std::string host = req.get_header_value("Host");
      backend = "http://" + (host.empty() ? std::string("localhost") : host) + "/";
    }
    nlohmann::ordered_json config = {
        {"defaultBackend", backend}, {"defaultIndex", ""}, {"urlColumn", options.url_column}};
    res.set_content(config.dump(), kJson);
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
    std::error_code ec;
    const bool front_present = !options.front_folder.empty() &&
                               std::filesystem::is_regular_file(
                                   std::filesystem::path(options.front_folder) / "index.html", ec);
    if (front_present) {
      server.set_mount_point("/", options.front_folder);
      CLIPRET_LOG_INFO("serving the front from %s", options.front_folder.c_str());
    } else {
      CLIPRET_LOG_INFO("no built front in '%s': / answers a page saying so",
                       options.front_folder.c_str());
      server.Get("/+", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(kFrontMissingPage, "text/html; charset=utf-8");
      });
    }
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
