// index/index_options.h: the options of `clip-retrieval index` (spec §2 plus autofaiss's).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace clipret::index {

struct IndexOptions {
  std::string embeddings_folder;  // holds <image_subfolder>/, <text_subfolder>/, metadata/
  std::string index_folder;       // receives image.index, image.json, text.*, metadata/
  // Largest index to build ("4G", "16GB", "512MB", "1.5g"): drives the choice of index.
  std::string max_index_memory_usage = "4G";
  // RAM the build may use: sets the training sample and the add batches. Must leave 10 % over
  // max_index_memory_usage (autofaiss's rule).
  std::string current_memory_available = "16G";
  bool copy_metadata = true;  // copy <embeddings_folder>/metadata to <index_folder>/metadata
  std::string image_subfolder = "img_emb";
  std::string text_subfolder = "text_emb";
  std::optional<int64_t> nb_cores;  // faiss threads; None = all cores (set by the CLI)
  // autofaiss's build_index options:
  std::optional<std::string> index_key;            // force an index_factory key; None selects one
  std::optional<std::string> index_param;          // force search parameters; None tunes them
  double max_index_query_time_ms = 10.0;           // latency target of the tuning
  int64_t min_nearest_neighbors_to_retrieve = 20;  // tuning keeps at least this many results
  std::string metric_type = "ip";                  // ip (cosine on normalised rows) or l2
  bool make_direct_map = false;            // IVF: build the id -> list map (fast reconstruct)
  bool should_be_memory_mappable = false;  // select IVF keys only (readable with IO_FLAG_MMAP)
};

// What a run needs besides the options; the CLI fills it from the environment.
struct IndexEnvironment {
  int rank = 0;        // this process's rank under mpirun / srun (0 alone)
  int world_size = 1;  // number of ranks
  // Identifies one distributed run (the launcher's job id), so ranks of different runs never
  // read each other's files in the shared index folder.
  std::string run_id = "local";
  bool show_progress = true;
  uint64_t seed = 0;  // training sample and tuning queries are drawn with it
};

}  // namespace clipret::index
