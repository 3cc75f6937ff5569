// `clip-retrieval back`: the option table over BackOptions (the per-index options from
// back::index_option_fields()), then back::run_back.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "back/back_runner.h"
#include "back/index_option_fields.h"
#include "cli/back_command.h"
#include "cli/command.h"
#include "cli/front_folder.h"
#include "cli/option_table.h"
#include "core/compute_threads.h"
#include "core/error.h"
#include "hub/hub_options.h"
#include "model/clip_config.h"

namespace clipret::cli {
namespace {

// Binds the command-line option of one per-index field; its default is the field's value.
void add_index_option(OptionTable& t, const back::IndexOptionField& field,
                      search::IndexOptions& o) {
  switch (field.kind) {
    case back::IndexFieldKind::kString:
      t.add_string(field.name, &(o.*field.text), field.help);
      break;
    case back::IndexFieldKind::kPath:
      t.add_string_or_none(field.name, &(o.*field.text), field.help);
      break;
    case back::IndexFieldKind::kBool:
      t.add_bool(field.name, &(o.*field.flag), field.help);
      break;
    case back::IndexFieldKind::kStringList:
      t.add_string_list(field.name, &(o.*field.list), field.help);
      break;
  }
}

}  // namespace

void add_back_options(OptionTable& t, back::BackOptions& o) {
  t.add_string("indices_paths", &o.indices_paths,
               "JSON file: index name -> folder, or -> {\"indice_folder\": ..., per-index "
               "options}; the first index is the default");
  t.add_int("port", &o.port, "TCP port to listen on (0: any free port, logged at startup)");
  // The original declares default_backend and url_column amid the per-index options; fire fills
  // bare words in declaration order, so they keep their place before enable_mclip_option.
  const auto fields = back::index_option_fields();
  const auto config_json_place =
      std::find_if(fields.begin(), fields.end(), [](const back::IndexOptionField& field) {
        return field.flag == &search::IndexOptions::enable_mclip_option;
      });
  CLIPRET_CHECK(config_json_place != fields.end(), Internal,
                "index_option_fields(): no place for the /config.json options");
  for (auto field = fields.begin(); field != fields.end(); ++field) {
    if (field == config_json_place) {
      t.add_optional_string("default_backend", &o.default_backend,
                            "defaultBackend of /config.json; None: the URL the browser used");
      t.add_string("url_column", &o.url_column, "urlColumn of /config.json");
    }
    add_index_option(t, *field, o.index_defaults);
  }
  t.add_string("host", &o.host, "address to listen on");
  t.add_optional_string("front_folder", &o.front_folder,
                        "built web front (index.html + assets); None: "
                        "<prefix>/share/clip-retrieval/front, else front/dist of the source tree");
  t.add_bool("allow_private_urls", &o.allow_private_urls,
             "let image_url reach loopback, private and link-local addresses (off: refused, "
             "against SSRF)");
  t.add_int("max_body_bytes", &o.max_body_bytes, "larger request bodies get a 413");
  t.add_int("http_threads", &o.http_threads,
            "request threads; each open connection holds one while it is served");
  t.add_float("http_header_timeout", &o.http_header_timeout,
              "seconds a client has to send a request's line and headers (slow clients are "
              "dropped; 1 s when other connections wait for a thread)");
  t.add_float("http_body_timeout", &o.http_body_timeout,
              "seconds a client has to send a request's body once its headers are in");
  t.add_float("http_write_timeout", &o.http_write_timeout,
              "seconds an answer may take to be written to a client that reads slowly");
  t.add_float("http_keep_alive_timeout", &o.http_keep_alive_timeout,
              "seconds an idle keep-alive connection waits for its next request (none when "
              "other connections wait for a thread)");
  t.add_int("http_max_header_bytes", &o.http_max_header_bytes,
            "most bytes of a request's line and headers; more: 400 and the connection closed");
  t.add_int("max_num_result_ids", &o.max_num_result_ids,
            "largest num_result_ids a query may ask for (400 above; each result costs a vector)");
  t.add_float("image_url_timeout", &o.image_url_timeout,
              "seconds to fetch an image_url query's image, redirects included");
  t.add_int("image_url_max_bytes", &o.image_url_max_bytes,
            "largest image an image_url query may fetch (400 above)");
  t.add_int("faiss_threads", &o.faiss_threads, "OpenMP threads of one faiss search");
  t.add_int("max_text_batch", &o.max_text_batch,
            "most concurrent text queries embedded in one model call");
  t.add_int("model_threads", &o.model_threads,
            "threads of the model's own kernels, which run the products of text queries (a "
            "lone query splits over them); 0 = every core. Large batches run on OpenBLAS, on "
            "every core");
  t.add_int("batch_gather_us", &o.batch_gather_us,
            "after a batch of several texts, how long (microseconds) the next one waits for as "
            "many queries to arrive; 0: never wait (a lone client never waits)");
  t.add_optional_string("clip_cache_path", &o.clip_cache_path,
                        "model and resource cache; None means ~/.cache/clip_retrieval");
  t.add_precision(&o.precision);
}

namespace {

OptionTable back_table(back::BackOptions& options) {
  OptionTable table("clip-retrieval back",
                    "Serve indices over HTTP with the original's API: /indices-list, "
                    "/knn-service, /metadata, /metrics, /metrics-summary, /config.json, /health, "
                    "the new /indices-info, and the web UI at /. See docs/back.md.");
  add_back_options(table, options);
  return table;
}

}  // namespace

std::vector<OptionTable> back_tables() {
  static back::BackOptions defaults;
  return {back_table(defaults)};
}

int run_back_command(const std::vector<std::string>& args) {
  back::BackOptions options;
  OptionTable table = back_table(options);
  if (!parse_or_show_help(table, args)) return 0;
  // Requests run in parallel already: faiss's OpenMP team per search stays small, and OpenBLAS
  // (a model's large batches) gets the cores.
  core::configure_compute_threads(
      {.blas = core::available_cores(),
       .openmp = static_cast<int>(std::max<int64_t>(1, options.faiss_threads))});
  back::BackEnvironment environment;
  environment.service.hub = hub::hub_options_from_environment(options.clip_cache_path);
  environment.service.hub.show_progress = false;
  environment.service.model.precision = model::parse_precision(options.precision);
  environment.service.model.threads = static_cast<int>(std::max<int64_t>(0, options.model_threads));
  environment.service.model.max_batch =
      static_cast<size_t>(std::max<int64_t>(1, options.max_text_batch));
  environment.service.embedder.max_text_batch = environment.service.model.max_batch;
  environment.service.embedder.gather_window =
      std::chrono::microseconds(std::max<int64_t>(0, options.batch_gather_us));
  environment.service.fetch.allow_private_addresses = options.allow_private_urls;
  CLIPRET_CHECK(options.image_url_timeout > 0 && options.image_url_timeout <= 86400, InvalidInput,
                "image_url_timeout must be a number of seconds above 0 and at most 86400, got %g",
                options.image_url_timeout);
  CLIPRET_CHECK(options.image_url_max_bytes >= 1, InvalidInput,
                "image_url_max_bytes must be at least 1, got %lld",
                static_cast<long long>(options.image_url_max_bytes));
  environment.service.fetch.timeout_seconds =
      static_cast<long>(std::ceil(options.image_url_timeout));
  environment.service.fetch.max_bytes = static_cast<size_t>(options.image_url_max_bytes);
  environment.service.limits.max_num_result_ids = options.max_num_result_ids;
  environment.front_folder = options.front_folder.value_or(default_front_folder());
  back::run_back(options, environment);
  return 0;
}

}  // namespace clipret::cli
