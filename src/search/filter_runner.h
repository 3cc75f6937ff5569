// search/filter_runner.h: `clip-retrieval filter` (spec §8): copy the images of an index folder
// that best match a text or an image query.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include "hub/hub_options.h"
#include "model/clip_model.h"

namespace clipret::search {

struct FilterOptions {
  // A caption, or the path of an existing .png/.jpg/.jpeg/.bmp file (an image query).
  std::string query;
  std::string output_folder;  // created (with parents) if missing; same-named files overwritten
  std::string indice_folder;  // holds image.index and metadata/*.parquet (with image_path)
  int64_t num_results = 100;  // top-k when no threshold
  // Keep every item whose inner product with the query is > threshold (range search) instead.
  std::optional<double> threshold;
  // Any model the rest of the tool takes (the original hard-codes ViT-B/32, its default here).
  std::string clip_model = "ViT-B/32";
  std::string precision = "fp32";              // the blocks' Linear weights: fp32 or bf16
  std::optional<std::string> clip_cache_path;  // read by the CLI into HubOptions
};

struct FilterEnvironment {
  hub::HubOptions hub;
  model::ClipModelOptions model;
};

// True when `query` names an existing image file by its extension (spec §8).
bool is_image_query(const std::string& query);

// Runs the filter; the summary ("Found N items with query '...'", the distance range and a
// hint) and the url of each hit go to `out`. An empty result is reported, not a crash (quirk,
// spec §8). Returns the number of hits. Throws Error naming the file for a missing index,
// metadata without image_path, or an undecodable image query.
int64_t run_filter(const FilterOptions& options, const FilterEnvironment& environment,
                   std::ostream& out);

}  // namespace clipret::search
