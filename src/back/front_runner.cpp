#include "back/front_runner.h"

#include <httplib.h>

#include "back/front_routes.h"
#include "back/guarded_server.h"
#include "core/error.h"
#include "core/log.h"

namespace clipret::back {

void run_front(const FrontOptions& options, const FrontEnvironment& environment) {
  CLIPRET_CHECK(options.port >= 0 && options.port <= 65535, InvalidInput,
                "port must be from 0 to 65535, got %lld", static_cast<long long>(options.port));
  CLIPRET_CHECK(is_built_front(environment.front_folder), NotFound,
                "no built web front in '%s' (no index.html): build it with scripts/setup.sh "
                "(npm ci && npm run build in front/), or pass --front_folder DIR",
                environment.front_folder.c_str());
  // Static files only: a few workers, each connection bounded as back's (default limits).
  ConnectionLimits limits;
  limits.threads = 8;
  GuardedServer server(limits);
  FrontRoutesOptions routes;
  routes.front_folder = environment.front_folder;
  routes.default_backend = options.default_backend;
  routes.default_backend_port = 1234;
  routes.default_index = options.default_index.value_or("");
  routes.url_column = options.url_column;
  routes.serves_api = false;
  install_front_routes(server, routes);

  const int port = options.port == 0
                       ? server.bind_to_any_port(options.host)
                       : (server.bind_to_port(options.host, static_cast<int>(options.port))
                              ? static_cast<int>(options.port)
                              : -1);
  CLIPRET_CHECK(port > 0, Io, "cannot listen on %s:%lld (port in use?)", options.host.c_str(),
                static_cast<long long>(options.port));
  CLIPRET_LOG_INFO("listening on http://%s:%d", options.host.c_str(), port);
  if (!options.default_backend) {
    CLIPRET_LOG_INFO(
        "the UI will query the back at port 1234 of the host it is opened from; "
        "--default_backend URL to change it");
  }
  if (environment.on_listening) environment.on_listening(port);
  server.listen_after_bind();
}

}  // namespace clipret::back
