// `clip-retrieval index` (spec §2 + autofaiss's build_index options) and `index_combiner`
// (spec §4): option tables over IndexOptions, then one library call each.
#include <cstdlib>

#include "cli/command.h"
#include "cli/index_command.h"
#include "cli/option_table.h"
#include "core/compute_threads.h"
#include "core/error.h"
#include "core/launch_environment.h"
#include "index/faiss_threads.h"
#include "index/index_combiner_runner.h"
#include "index/index_options.h"
#include "index/index_runner.h"

namespace clipret::cli {

void add_index_options(OptionTable& t, index::IndexOptions& o) {
  t.add_string("embeddings_folder", &o.embeddings_folder,
               "inference output: img_emb/ and text_emb/ with .npy files, and metadata/",
               /*required=*/true);
  t.add_string("index_folder", &o.index_folder,
               "receives image.index, image.json, text.index, text.json and metadata/",
               /*required=*/true);
  t.add_string("max_index_memory_usage", &o.max_index_memory_usage,
               "largest index to build (4G, 16GB, 512MB, 1.5g): chooses the kind of index");
  t.add_string("current_memory_available", &o.current_memory_available,
               "memory the build may use; must be over max_index_memory_usage / 0.9");
  t.add_bool("copy_metadata", &o.copy_metadata,
             "copy <embeddings_folder>/metadata to <index_folder>/metadata");
  t.add_string("image_subfolder", &o.image_subfolder, "subfolder of the image embeddings");
  t.add_string("text_subfolder", &o.text_subfolder, "subfolder of the text embeddings");
  t.add_optional_int("nb_cores", &o.nb_cores, "threads for faiss; None uses every core");
  t.add_optional_string("index_key", &o.index_key,
                        "faiss index_factory key to build (e.g. IVF1024,Flat); None chooses one "
                        "within max_index_memory_usage");
  t.add_optional_string("index_param", &o.index_param,
                        "search parameters (e.g. nprobe=16,efSearch=32,ht=2048); None tunes "
                        "them to max_index_query_time_ms");
  t.add_float("max_index_query_time_ms", &o.max_index_query_time_ms,
              "latency target of one query when tuning, in milliseconds");
  t.add_int("min_nearest_neighbors_to_retrieve", &o.min_nearest_neighbors_to_retrieve,
            "tuning keeps parameters that return at least this many results (over latency)");
  t.add_string("metric_type", &o.metric_type, "ip (inner product: cosine) or l2");
  t.add_bool("make_direct_map", &o.make_direct_map,
             "IVF only: store the id -> list map (fast reconstruct, 8 bytes per vector)");
  t.add_bool("should_be_memory_mappable", &o.should_be_memory_mappable,
             "choose among IVF indices only, which can be served memory-mapped");
}

namespace {

// Thread counts are process settings, made here only.
void set_threads(const std::optional<int64_t>& nb_cores) {
  int threads = core::available_cores();
  if (nb_cores) {
    CLIPRET_CHECK(*nb_cores > 0, InvalidInput, "--nb_cores must be positive, got %lld",
                  static_cast<long long>(*nb_cores));
    threads = static_cast<int>(*nb_cores);
  }
  index::set_faiss_threads(threads);
}

OptionTable index_table(index::IndexOptions& options) {
  OptionTable table("clip-retrieval index",
                    "Build faiss indices of the image and text embeddings within a memory "
                    "budget: <index_folder>/image.index, image.json (choice, parameters and "
                    "metrics), text.index, text.json, metadata/.");
  add_index_options(table, options);
  return table;
}

struct CombinerFolders {
  std::string input_folder;
  std::string output_folder;
};

OptionTable index_combiner_table(CombinerFolders& folders) {
  OptionTable table("clip-retrieval index_combiner",
                    "Merge IVF indices trained with the same quantizer on disk: "
                    "<output_folder>/populated.index + merged_index.ivfdata, served memory-mapped "
                    "(place the folder as <index_folder>/image.index/).");
  table.add_string("input_folder", &folders.input_folder,
                   "folder of the indices to merge (files whose name contains \"index\")",
                   /*required=*/true);
  table.add_string("output_folder", &folders.output_folder,
                   "receives populated.index and merged_index.ivfdata", /*required=*/true);
  return table;
}

}  // namespace

std::vector<OptionTable> index_tables() {
  static index::IndexOptions defaults;
  return {index_table(defaults)};
}

std::vector<OptionTable> index_combiner_tables() {
  static CombinerFolders defaults;
  return {index_combiner_table(defaults)};
}

int run_index_command(const std::vector<std::string>& args) {
  index::IndexOptions options;
  OptionTable table = index_table(options);
  if (!parse_or_show_help(table, args)) return 0;
  set_threads(options.nb_cores);
  index::IndexEnvironment environment;
  const core::LaunchEnvironment launch = core::launch_environment_from_env();
  environment.rank = launch.rank;
  environment.world_size = launch.world_size;
  environment.run_id = launch.run_id;
  environment.show_progress = launch.rank == 0;
  index::run_index(options, environment);
  return 0;
}

int run_index_combiner_command(const std::vector<std::string>& args) {
  CombinerFolders folders;
  OptionTable table = index_combiner_table(folders);
  if (!parse_or_show_help(table, args)) return 0;
  index::run_index_combiner(folders.input_folder, folders.output_folder);
  return 0;
}

}  // namespace clipret::cli
