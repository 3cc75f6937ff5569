#include "back/back_runner.h"

#include <cstdio>

#include "back/http_server.h"
#include "back/metrics.h"
#include "core/error.h"
#include "core/log.h"
#include "search/knn_service.h"

namespace clipret::back {

void run_back(const BackOptions& options, const BackEnvironment& environment) {
  CLIPRET_CHECK(options.port >= 0 && options.port <= 65535, InvalidInput,
                "port must be from 0 to 65535, got %lld", static_cast<long long>(options.port));
  CLIPRET_CHECK(options.max_body_bytes > 0, InvalidInput, "max_body_bytes must be positive");
  CLIPRET_CHECK(options.max_num_result_ids >= 1, InvalidInput,
                "max_num_result_ids must be at least 1, got %lld",
                static_cast<long long>(options.max_num_result_ids));
  const ConnectionLimits limits = connection_limits(options);  // refused before the long load
  const std::vector<search::IndexOptions> indices = load_indices_paths(options);
  const std::unique_ptr<search::KnnService> service =
      search::load_knn_service(indices, environment.service);
  BackMetrics metrics;
  ServerOptions server_options;
  server_options.host = options.host;
  server_options.port = static_cast<int>(options.port);
  server_options.front_folder = environment.front_folder;
  server_options.default_backend = options.default_backend;
  server_options.url_column = options.url_column;
  server_options.max_body_bytes = static_cast<size_t>(options.max_body_bytes);
  server_options.connection = limits;
  HttpServer server(*service, metrics, server_options);
  const int port = server.bind();
  CLIPRET_LOG_INFO("listening on http://%s:%d", options.host.c_str(), port);
  if (environment.on_listening) environment.on_listening(port);
  server.serve();
}

}  // namespace clipret::back
