// back/back_options.h: `clip-retrieval back`'s options (spec §3.1) and indices_paths.json
// (spec §3.2).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "back/connection_limits.h"
#include "search/service_loader.h"

namespace clipret::back {

struct BackOptions {
  std::string indices_paths = "indices_paths.json";
  int64_t port = 1234;  // 0: any free port (logged as "listening on ... port N")
  std::optional<std::string> default_backend;
  std::string url_column = "url";
  // The per-index options (back/index_option_fields.h) as given on the command line: every
  // indices_paths.json entry starts from these. name and indice_folder are unused here.
  search::IndexOptions index_defaults;
  // New options.
  std::string host = "0.0.0.0";
  std::optional<std::string> front_folder;  // None: <prefix>/share/clip-retrieval/front
  bool allow_private_urls = false;          // image_url may reach loopback/private addresses
  int64_t max_body_bytes = int64_t{64} << 20;
  int64_t http_threads = 64;  // one per open connection (keep-alive clients hold one each)
  // Per connection (back/connection_limits.h), in seconds.
  double http_header_timeout = 10;
  double http_body_timeout = 60;
  double http_write_timeout = 120;
  double http_keep_alive_timeout = 5;
  int64_t http_max_header_bytes = int64_t{64} << 10;
  int64_t max_num_result_ids = 10'000'000;  // num_result_ids above it: 400
  double image_url_timeout = 10;            // whole transfer, seconds
  int64_t image_url_max_bytes = int64_t{20} << 20;
  int64_t faiss_threads = 1;    // OpenMP threads per search (requests already run in parallel)
  int64_t max_text_batch = 32;  // concurrent text queries embedded in one model call
  int64_t model_threads = 0;    // threads of the model's own kernels (text queries); 0 = every core
  int64_t batch_gather_us = 3000;  // a leader's wait for last batch's clients (µs)
  std::string precision = "fp32";  // the blocks' Linear weights: fp32 or bf16
  std::optional<std::string> clip_cache_path;
};

// Parses indices_paths.json (`source` names it in errors). Each entry is a folder path string,
// or an object with `indice_folder` and any per-index options (index_option_fields()), which
// override the command line (defaults.index_defaults) for that entry only: unlike the original,
// entries do not inherit each other's overrides (quirk, spec §3.2). Names keep file order. Throws
// Error(kInvalidInput) naming the entry and field.
std::vector<search::IndexOptions> parse_indices_paths(const std::string& json_text,
                                                      const std::string& source,
                                                      const BackOptions& defaults);

// The http_* options as limits; throws Error(kInvalidInput) naming an option out of range.
ConnectionLimits connection_limits(const BackOptions& options);

// Reads and parses the file. Throws Error(kNotFound) when it is missing.
std::vector<search::IndexOptions> load_indices_paths(const BackOptions& options);

}  // namespace clipret::back
