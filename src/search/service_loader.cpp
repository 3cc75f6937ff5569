#include "search/service_loader.h"

#include <faiss/Index.h>

#include <cctype>
#include <filesystem>
#include <map>

#include "core/error.h"
#include "core/log.h"
#include "hub/clip_loader.h"
#include "hub/mclip_loader.h"
#include "search/index_loader.h"
#include "search/mclip_embedder.h"
#include "search/search_index.h"

namespace clipret::search {
namespace {

std::string path_in(const std::string& folder, const std::string& name) {
  return (std::filesystem::path(folder) / name).string();
}

void load_optional_resources(const IndexOptions& options, const std::string& cache_dir,
                             SearchIndex& index) {
  if (options.provide_aesthetic_embeddings) {
    const std::string folder = options.aesthetic_embeddings_folder.empty()
                                   ? default_aesthetic_folder(cache_dir, options.clip_model)
                                   : options.aesthetic_embeddings_folder;
    index.aesthetic = load_aesthetic_embeddings(folder);
    if (index.aesthetic) {
      CLIPRET_LOG_INFO("%s: aesthetic embeddings from %s", options.name.c_str(), folder.c_str());
    } else {
      CLIPRET_LOG_INFO(
          "%s: no aesthetic embeddings in %s (rating0.npy .. rating9.npy): "
          "aesthetic_score is ignored",
          options.name.c_str(), folder.c_str());
    }
  }
  std::error_code ec;
  if (options.provide_violence_detector) {
    const std::string path = options.violence_detector_path.empty()
                                 ? default_violence_detector_path(cache_dir, options.clip_model)
                                 : options.violence_detector_path;
    if (std::filesystem::is_regular_file(path, ec)) {
      index.violence = load_violence_prompts(path);
      CLIPRET_LOG_INFO("%s: violence prompts from %s", options.name.c_str(), path.c_str());
    } else {
      CLIPRET_LOG_WARN("%s: no violence prompts at %s: use_violence_detector is ignored",
                       options.name.c_str(), path.c_str());
    }
  }
  if (options.provide_safety_model) {
    const std::string path = options.safety_model_path.empty()
                                 ? default_safety_model_path(cache_dir, options.clip_model)
                                 : options.safety_model_path;
    if (std::filesystem::is_regular_file(path, ec)) {
      index.safety = SafetyHead::load(path);
      CLIPRET_LOG_INFO("%s: safety model from %s", options.name.c_str(), path.c_str());
    } else {
      CLIPRET_LOG_WARN("%s: no safety model at %s: use_safety_model is ignored",
                       options.name.c_str(), path.c_str());
    }
  }
}

}  // namespace

std::string model_resource_tag(const std::string& clip_model) {
  if (clip_model == "ViT-B/32") return "vit_b_32";
  if (clip_model == "ViT-L/14") return "vit_l_14";
  std::string tag;
  for (const char c : clip_model) {
    const auto u = static_cast<unsigned char>(c);
    tag.push_back(std::isalnum(u) ? static_cast<char>(std::tolower(u)) : '_');
  }
  return tag;
}

std::string default_safety_model_path(const std::string& cache_dir, const std::string& clip_model) {
  std::string folder = clip_model;
  for (char& c : folder) {
    if (c == '/') c = '_';
  }
  return path_in(path_in(cache_dir, folder), "safety_head.safetensors");
}

std::string default_violence_detector_path(const std::string& cache_dir,
                                           const std::string& clip_model) {
  return path_in(cache_dir, "violence_detection_" + model_resource_tag(clip_model) + ".npy");
}

std::string default_aesthetic_folder(const std::string& cache_dir, const std::string& clip_model) {
  return path_in(path_in(cache_dir, "aesthetic_embeddings"), model_resource_tag(clip_model));
}

namespace {

// Sets index.mclip (loading the model once per name) or index.mclip_unavailable. The original
// fails at startup without its M-CLIP model; here a model chosen by default that cannot be
// loaded only switches use_mclip off for the index (with a warning), since enable_mclip_option
// is on by default; one named with mclip_model must load.
void attach_mclip(const IndexOptions& options, const ServiceEnvironment& environment,
                  SearchIndex& index, QueryModels& models,
                  std::map<std::string, MclipEmbedder*>& mclip_by_model) {
  const char* name = options.name.c_str();
  if (!options.enable_mclip_option) {
    index.mclip_unavailable = "enable_mclip_option is false";
    return;
  }
  const bool explicit_model = !options.mclip_model.empty();
  const std::string model =
      explicit_model ? options.mclip_model : hub::mclip_model_for_clip(options.clip_model);
  if (model.empty()) {
    index.mclip_unavailable = "the original has no multilingual model for clip_model " +
                              options.clip_model + "; name one with mclip_model";
    CLIPRET_LOG_INFO("%s: use_mclip is off: %s", name, index.mclip_unavailable.c_str());
    return;
  }
  auto found = mclip_by_model.find(model);
  if (found == mclip_by_model.end()) {
    try {
      const model::SentenceEncoderOptions mclip_options = model::sentence_encoder_options_like(
          environment.model, environment.embedder.max_text_batch);
      auto mclip = std::make_unique<hub::LoadedMclip>(
          hub::load_mclip(model, "mclip_model", environment.hub, mclip_options));
      models.mclip.push_back(
          std::make_unique<MclipEmbedder>(std::move(mclip), environment.embedder));
    } catch (const Error& error) {
      if (explicit_model) throw;
      index.mclip_unavailable = "its multilingual model " + model + " did not load";
      CLIPRET_LOG_WARN("%s: use_mclip is off: %s: %s", name, model.c_str(), error.what());
      return;
    }
    found = mclip_by_model.emplace(model, models.mclip.back().get()).first;
  }
  const faiss::Index* faiss_index =
      index.text_index ? index.text_index.get() : index.image_index.get();
  CLIPRET_CHECK(faiss_index->d == found->second->dim(), InvalidInput,
                "index '%s': the index holds vectors of %d values but the multilingual model %s "
                "embeds %lld",
                name, faiss_index->d, model.c_str(), static_cast<long long>(found->second->dim()));
  index.mclip = found->second;
  CLIPRET_LOG_INFO("%s: use_mclip queries embedded with %s", name, model.c_str());
}

}  // namespace

std::unique_ptr<KnnService> load_knn_service(const std::vector<IndexOptions>& indices,
                                             const ServiceEnvironment& environment) {
  QueryModels models;
  std::map<std::string, QueryEmbedder*> embedder_by_model;
  std::map<std::string, MclipEmbedder*> mclip_by_model;
  std::vector<SearchIndex> loaded;
  for (const IndexOptions& options : indices) {
    CLIPRET_LOG_INFO("loading index '%s' from %s", options.name.c_str(),
                     options.indice_folder.c_str());
    std::error_code ec;
    CLIPRET_CHECK(std::filesystem::is_directory(options.indice_folder, ec), NotFound,
                  "index '%s': indice_folder %s is not a folder", options.name.c_str(),
                  options.indice_folder.c_str());
    if (options.use_arrow) {
      CLIPRET_LOG_WARN(
          "%s: use_arrow: this build has no Arrow; metadata comes from "
          "metadata/*.parquet",
          options.name.c_str());
    }
    SearchIndex index;
    index.name = options.name;
    index.clip_model = options.clip_model;
    index.image_index = load_index(path_in(options.indice_folder, "image.index"),
                                   options.enable_faiss_memory_mapping);
    index.text_index = load_index(path_in(options.indice_folder, "text.index"),
                                  options.enable_faiss_memory_mapping);
    CLIPRET_CHECK(index.image_index || index.text_index, NotFound,
                  "index '%s': neither image.index nor text.index in %s", options.name.c_str(),
                  options.indice_folder.c_str());

    auto found = embedder_by_model.find(options.clip_model);
    if (found == embedder_by_model.end()) {
      auto clip = std::make_unique<hub::LoadedClip>(
          hub::load_clip(options.clip_model, environment.hub, environment.model));
      models.clip.push_back(std::make_unique<QueryEmbedder>(std::move(clip), environment.embedder));
      found = embedder_by_model.emplace(options.clip_model, models.clip.back().get()).first;
    }
    index.embedder = found->second;
    for (const faiss::Index* faiss_index : {index.image_index.get(), index.text_index.get()}) {
      CLIPRET_CHECK(faiss_index == nullptr || faiss_index->d == index.embedder->dim(), InvalidInput,
                    "index '%s': the index holds vectors of %d values but %s embeds %lld",
                    options.name.c_str(), faiss_index ? faiss_index->d : 0,
                    options.clip_model.c_str(), static_cast<long long>(index.embedder->dim()));
    }

    attach_mclip(options, environment, index, models, mclip_by_model);

    metadata::MetadataOptions metadata_options;
    metadata_options.indice_folder = options.indice_folder;
    metadata_options.columns_to_return = options.columns_to_return;
    metadata_options.enable_hdf5 = options.enable_hdf5;
    metadata_options.reorder_metadata_by_ivf_index = options.reorder_metadata_by_ivf_index;
    metadata::OpenedMetadata opened =
        metadata::open_metadata(metadata_options, index.image_index.get());
    index.metadata = std::move(opened.store);
    index.mapping = std::move(opened.mapping);

    load_optional_resources(options, environment.hub.cache_dir, index);
    loaded.push_back(std::move(index));
  }
  return std::make_unique<KnnService>(std::move(models), std::move(loaded), environment.fetch,
                                      environment.limits);
}

}  // namespace clipret::search
