// search/search_index.h: everything one named index serves with (spec §3.3): its faiss indices,
// metadata, the model that embeds its queries and the optional filters.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "index/faiss_index.h"
#include "metadata/metadata_store.h"
#include "search/post_filters.h"
#include "search/safety_head.h"

namespace clipret::search {

class QueryEmbedder;
class MclipEmbedder;

// The ten aesthetic direction vectors rating0..rating9 (spec §3.3), each `dim` floats.
struct AestheticEmbeddings {
  size_t dim = 0;
  std::vector<std::vector<float>> ratings;  // index = score
};
// Loads <folder>/rating0.npy .. rating9.npy; std::nullopt when the folder or any file is
// missing (the feature is then off). Throws Error(kCorrupt) for a malformed file.
std::optional<AestheticEmbeddings> load_aesthetic_embeddings(const std::string& folder);

struct SearchIndex {
  SearchIndex();
  ~SearchIndex();
  SearchIndex(SearchIndex&&) noexcept;
  SearchIndex& operator=(SearchIndex&&) noexcept;

  std::string name;
  std::string clip_model;       // as configured (a model name or a folder)
  index::IndexPtr image_index;  // null: no image.index
  index::IndexPtr text_index;   // null: no text.index
  std::unique_ptr<metadata::MetadataStore> metadata;
  std::unique_ptr<metadata::IdMapping> mapping;  // set when reordered by IVF lists
  QueryEmbedder* embedder = nullptr;             // not owned; shared by indices of one model
  MclipEmbedder* mclip = nullptr;                // not owned; null: use_mclip gets a 400 ...
  std::string mclip_unavailable;                 // ... saying why
  std::optional<AestheticEmbeddings> aesthetic;
  std::optional<ViolencePrompts> violence;
  std::optional<SafetyHead> safety;
};

}  // namespace clipret::search
