// `clip-retrieval filter`: the option table over FilterOptions, then search::run_filter. The
// summary and the urls of the hits go to stdout.
#include <algorithm>
#include <iostream>

#include "cli/command.h"
#include "cli/option_table.h"
#include "core/compute_threads.h"
#include "hub/hub_options.h"
#include "model/clip_config.h"
#include "search/filter_runner.h"

namespace clipret::cli {

namespace {

OptionTable filter_table(search::FilterOptions& o) {
  OptionTable t("clip-retrieval filter",
                "Copy the images of an index folder that best match a text or an image query "
                "into a folder, and print their urls.");
  t.add_string("query", &o.query,
               "a caption, or the path of a .png/.jpg/.jpeg/.bmp image to search with", true);
  t.add_string("output_folder", &o.output_folder, "where the matching images are copied", true);
  t.add_string("indice_folder", &o.indice_folder,
               "index folder holding image.index and metadata/*.parquet (with image_path)", true);
  t.add_int("num_results", &o.num_results, "how many best matches (without --threshold)");
  t.add_optional_float("threshold", &o.threshold,
                       "keep every image whose similarity (inner product) is above this instead");
  t.add_string("clip_model", &o.clip_model,
               "the model the index was built with (ViT-B/32, hf_clip:..., open_clip:..., a "
               "folder)");
  t.add_optional_string("clip_cache_path", &o.clip_cache_path,
                        "model download cache; None means ~/.cache/clip_retrieval");
  t.add_precision(&o.precision);
  return t;
}

}  // namespace

std::vector<OptionTable> filter_tables() {
  static search::FilterOptions defaults;
  return {filter_table(defaults)};
}

int run_filter_command(const std::vector<std::string>& args) {
  search::FilterOptions o;
  OptionTable t = filter_table(o);
  if (!parse_or_show_help(t, args)) return 0;
  search::FilterEnvironment environment;
  environment.hub = hub::hub_options_from_environment(o.clip_cache_path);
  environment.model.precision = model::parse_precision(o.precision);
  // OpenBLAS on every core for the model's batches (its one setting for the whole run).
  core::configure_compute_threads({.blas = core::available_cores()});
  search::run_filter(o, environment, std::cout);
  return 0;
}

}  // namespace clipret::cli
