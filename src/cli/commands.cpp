#include "cli/command.h"

#include <cstdio>

namespace clipret::cli {

const std::vector<Command>& commands() {
  static const std::vector<Command> kCommands = {
      {"download",
       "download, resize and store the images of a url list in shards (img2dataset's job)",
       download_tables, run_download_command},
      {"end2end", "from a url list to a search UI: download, inference, index, then back (spec §7)",
       end2end_tables, run_end2end_command},
      {"inference", "compute CLIP embeddings of images and captions (files or webdataset)",
       inference_tables, run_inference_command},
      {"encode",
       "embed a few texts or images (or tokenize / preprocess them) as .npy or JSON lines",
       encode_tables, run_encode_command},
      {"index", "build faiss indices of the embeddings within a memory budget (autofaiss's job)",
       index_tables, run_index_command},
      {"index_combiner", "merge IVF indices that share a trained quantizer, on disk",
       index_combiner_tables, run_index_combiner_command},
      {"parquet", "inspect Parquet files: cat (rows as JSON lines), schema", parquet_tables,
       run_parquet_command},
      {"back", "serve indices over HTTP: knn search, metadata, metrics, the web front", back_tables,
       run_back_command},
      {"front", "serve the web UI alone, for a back running elsewhere", front_tables,
       run_front_command},
      {"filter", "copy the images of an index that best match a text or image query", filter_tables,
       run_filter_command},
  };
  return kCommands;
}

bool parse_or_show_help(OptionTable& table, const std::vector<std::string>& args) {
  if (table.parse(args)) return true;
  std::fputs(table.help().c_str(), stdout);
  return false;
}

}  // namespace clipret::cli
