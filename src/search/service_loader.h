// search/service_loader.h: builds a KnnService from per-index options (spec §3.2, §3.3): loads
// each CLIP model once (indices sharing a clip_model share it), the faiss indices, the metadata
// and the optional aesthetic / violence / safety resources.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hub/hub_options.h"
#include "model/clip_model.h"
#include "search/knn_service.h"
#include "search/query_embedder.h"
#include "search/url_fetcher.h"

namespace clipret::search {

// One entry of indices_paths.json after merging with the command line (spec §3.2).
struct IndexOptions {
  std::string name;
  std::string indice_folder;
  std::string clip_model = "ViT-B/32";
  bool enable_hdf5 = false;  // on-disk metadata (SQLite here)
  bool enable_faiss_memory_mapping = false;
  std::vector<std::string> columns_to_return;  // empty: url, image_path, caption, NSFW
  bool reorder_metadata_by_ivf_index = false;
  // Load a multilingual text model for use_mclip queries (mclip_model, or the M-CLIP model of
  // clip_model when empty).
  bool enable_mclip_option = true;
  bool use_jit = true;     // accepted, no effect (no TorchScript here)
  bool use_arrow = false;  // accepted; metadata comes from the Parquet files
  bool provide_safety_model = false;
  bool provide_violence_detector = false;
  bool provide_aesthetic_embeddings = true;
  // Where the optional resources are; empty: the defaults under the cache folder
  // (default_resource_path below). Missing files switch the feature off with a log line.
  std::string safety_model_path;
  std::string violence_detector_path;
  std::string aesthetic_embeddings_folder;
  std::string mclip_model;  // empty: hub::mclip_model_for_clip(clip_model)
};

struct ServiceEnvironment {
  hub::HubOptions hub;
  model::ClipModelOptions model;
  QueryEmbedderOptions embedder;
  UrlFetchOptions fetch;
  QueryLimits limits;
};

// "vit_b_32" for ViT-B/32, "vit_l_14" for ViT-L/14, else the name lower-cased with every
// character outside [a-z0-9] as '_' (the original's file naming of the downloaded resources).
std::string model_resource_tag(const std::string& clip_model);

// Default file locations under `cache_dir` (the model cache, ~/.cache/clip_retrieval):
//   safety:    <cache>/<clip_model with '/' → '_'>/safety_head.safetensors
//   violence:  <cache>/violence_detection_<tag>.npy
//   aesthetic: <cache>/aesthetic_embeddings/<tag>/rating0.npy .. rating9.npy
std::string default_safety_model_path(const std::string& cache_dir, const std::string& clip_model);
std::string default_violence_detector_path(const std::string& cache_dir,
                                           const std::string& clip_model);
std::string default_aesthetic_folder(const std::string& cache_dir, const std::string& clip_model);

// Loads everything; throws the loaders' errors naming the index and the file.
std::unique_ptr<KnnService> load_knn_service(const std::vector<IndexOptions>& indices,
                                             const ServiceEnvironment& environment);

}  // namespace clipret::search
