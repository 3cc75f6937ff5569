#include "back/front_routes.h"

#include <httplib.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "back/content_encoding.h"
#include "core/log.h"

namespace clipret::back {
namespace {

constexpr const char* kMissingFrontHead =
    "<!doctype html><html><head><meta charset=\"utf-8\"><title>clip-retrieval</title>"
    "</head><body><h1>clip-retrieval is running</h1><p>No web front was found, so there is "
    "no UI here. Build one with <code>scripts/setup.sh</code> (it runs <code>npm ci && npm run "
    "build</code> in <code>front/</code>) and install it with <code>cmake --install</code> into "
    "<code>&lt;prefix&gt;/share/clip-retrieval/front</code>, or start with <code>--front_folder "
    "DIR</code>, DIR being a built front (a folder holding <code>index.html</code> and its assets, "
    "such as <code>front/dist</code>; the original clip-retrieval front's <code>build/</code> "
    "works too).</p>";

constexpr const char* kMissingFrontApi =
    "<p>The API answers at <code>/indices-list</code>, <code>/indices-info</code>, "
    "<code>/knn-service</code>, <code>/metadata</code>, <code>/metrics</code>, "
    "<code>/metrics-summary</code>, <code>/config.json</code> and <code>/health</code>.</p>";

// Vite names the files under assets/ by their content's hash: a new build has new names, so
// they never go stale; index.html and the other files must be revalidated.
void set_cache_headers(const httplib::Request& req, httplib::Response& res) {
  const bool hashed_asset = req.path.find("/assets/") != std::string::npos;
  res.set_header("Cache-Control",
                 hashed_asset ? "public, max-age=31536000, immutable" : "no-cache");
}

// "http://<Host header>/", or with `port`, that port on the Host header's name (an IPv6 literal
// keeps its brackets).
std::string backend_from_host(std::string host, std::optional<int> port) {
  if (host.empty()) host = "localhost";
  if (port) {
    const size_t bracket = host.rfind(']');
    const size_t colon = host.rfind(':');
    if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) {
      host.resize(colon);
    }
    host += ":" + std::to_string(*port);
  }
  return "http://" + host + "/";
}

// True when `request_path` names an existing file or folder of the front whose real location,
// symlinks resolved, is outside `root` (canonical): httplib refuses ".." but follows symlinks.
bool leaves_front_folder(const std::filesystem::path& root, const std::string& request_path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path wanted = root / fs::path(request_path).relative_path();
  if (!fs::exists(fs::symlink_status(wanted, ec)) || ec) return false;  // a 404 anyway
  const fs::path real = fs::canonical(wanted, ec);
  if (ec) return true;  // a dangling link or a loop: never served
  const auto [root_end, real_end] =
      std::mismatch(root.begin(), root.end(), real.begin(), real.end());
  return root_end != root.end();
}

}  // namespace

bool is_built_front(const std::string& folder) {
  std::error_code ec;
  return !folder.empty() &&
         std::filesystem::is_regular_file(std::filesystem::path(folder) / "index.html", ec);
}

bool is_config_path(std::string_view path) {
  const size_t name = path.find_first_not_of('/');
  return name > 0 && name != std::string_view::npos && path.substr(name) == "config.json";
}

void install_front_routes(httplib::Server& server, const FrontRoutesOptions& options) {
  const bool built = is_built_front(options.front_folder);
  std::error_code ec;
  const std::filesystem::path root =
      built ? std::filesystem::canonical(options.front_folder, ec) : std::filesystem::path();
  server.set_pre_routing_handler(
      [options, built, root](const httplib::Request& req, httplib::Response& res) {
        decline_brotli(req);
        if (req.method != "GET" && req.method != "HEAD") {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        if (!is_config_path(req.path)) {
          if (built && leaves_front_folder(root, req.path)) {
            res.status = 404;  // the error handler writes the body
            return httplib::Server::HandlerResponse::Handled;
          }
          return httplib::Server::HandlerResponse::Unhandled;
        }
        // Flask's request.host_url (scheme://Host/) when no default_backend is set.
        const std::string backend =
            options.default_backend
                ? *options.default_backend
                : backend_from_host(req.get_header_value("Host"), options.default_backend_port);
        const nlohmann::ordered_json config = {{"defaultBackend", backend},
                                               {"defaultIndex", options.default_index},
                                               {"urlColumn", options.url_column}};
        res.set_header("Cache-Control", "no-cache");
        res.set_content(config.dump(), "application/json");
        return httplib::Server::HandlerResponse::Handled;
      });

  if (built) {
    server.set_mount_point("/", options.front_folder);
    server.set_file_request_handler(set_cache_headers);
    CLIPRET_LOG_INFO("serving the front from %s", options.front_folder.c_str());
    return;
  }
  CLIPRET_LOG_WARN("no built front in '%s': / answers a page saying so",
                   options.front_folder.c_str());
  std::string page = kMissingFrontHead;
  if (options.serves_api) page += kMissingFrontApi;
  page += "</body></html>";
  server.Get("/+", [page](const httplib::Request&, httplib::Response& res) {
    res.set_content(page, "text/html; charset=utf-8");
  });
}

}  // namespace clipret::back
