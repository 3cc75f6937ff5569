#include "back/back_options.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>

#include "core/error.h"

namespace clipret::back {
namespace {

using nlohmann::json;

search::IndexOptions from_command_line(const BackOptions& o) {
  search::IndexOptions index;
  index.clip_model = o.clip_model;
  index.enable_hdf5 = o.enable_hdf5;
  index.enable_faiss_memory_mapping = o.enable_faiss_memory_mapping;
  index.columns_to_return = o.columns_to_return;
  index.reorder_metadata_by_ivf_index = o.reorder_metadata_by_ivf_index;
  index.enable_mclip_option = o.enable_mclip_option;
  index.use_jit = o.use_jit;
  index.use_arrow = o.use_arrow;
  index.provide_safety_model = o.provide_safety_model;
  index.provide_violence_detector = o.provide_violence_detector;
  index.provide_aesthetic_embeddings = o.provide_aesthetic_embeddings;
  index.safety_model_path = o.safety_model_path.value_or("");
  index.violence_detector_path = o.violence_detector_path.value_or("");
  index.aesthetic_embeddings_folder = o.aesthetic_embeddings_folder.value_or("");
  return index;
}

class EntryReader {
 public:
  EntryReader(const json& object, std::string where) : object_(object), where_(std::move(where)) {}

  void read_bool(const char* key, bool* field) const {
    const json* v = find(key);
    if (v == nullptr) return;
    CLIPRET_CHECK(v->is_boolean(), InvalidInput, "%s: %s must be true or false", where_.c_str(),
                  key);
    *field = v->get<bool>();
  }
  void read_string(const char* key, std::string* field) const {
    const json* v = find(key);
    if (v == nullptr) return;
    CLIPRET_CHECK(v->is_string(), InvalidInput, "%s: %s must be a string", where_.c_str(), key);
    *field = v->get<std::string>();
  }
  void read_string_list(const char* key, std::vector<std::string>* field) const {
    const json* v = find(key);
    if (v == nullptr) return;
    if (v->is_null()) {
      field->clear();
      return;
    }
    CLIPRET_CHECK(v->is_array(), InvalidInput, "%s: %s must be a list of strings", where_.c_str(),
                  key);
    field->clear();
    for (const json& item : *v) {
      CLIPRET_CHECK(item.is_string(), InvalidInput, "%s: %s must be a list of strings",
                    where_.c_str(), key);
      field->push_back(item.get<std::string>());
    }
  }

 private:
  const json* find(const char* key) const {
    const auto it = object_.find(key);
    return it == object_.end() ? nullptr : &*it;
  }
  const json& object_;
  std::string where_;
};

}  // namespace

std::vector<search::IndexOptions> parse_indices_paths(const std::string& json_text,
                                                      const std::string& source,
                                                      const BackOptions& defaults) {
  json root;
  try {
    root = json::parse(json_text);
  } catch (const json::parse_error& e) {
    CLIPRET_THROW(InvalidInput, "%s: not valid JSON: %s", source.c_str(), e.what());
  }
  CLIPRET_CHECK(root.is_object() && !root.empty(), InvalidInput,
                "%s: must be a JSON object of index name -> folder (or options)", source.c_str());
  // nlohmann::json sorts object keys; file order is recovered from an ordered parse.
  const nlohmann::ordered_json ordered = nlohmann::ordered_json::parse(json_text);
  std::vector<search::IndexOptions> indices;
  static const char* kKnownKeys[] = {"indice_folder",
                                     "clip_model",
                                     "enable_hdf5",
                                     "enable_faiss_memory_mapping",
                                     "columns_to_return",
                                     "reorder_metadata_by_ivf_index",
                                     "enable_mclip_option",
                                     "use_jit",
                                     "use_arrow",
                                     "provide_safety_model",
                                     "provide_violence_detector",
                                     "provide_aesthetic_embeddings",
                                     "safety_model_path",
                                     "violence_detector_path",
                                     "aesthetic_embeddings_folder"};
  for (const auto& item : ordered.items()) {
    const std::string& name = item.key();
    const json entry = json::parse(item.value().dump());
    search::IndexOptions index = from_command_line(defaults);
    index.name = name;
    const std::string where = source + ": index '" + name + "'";
    if (entry.is_string()) {
      index.indice_folder = entry.get<std::string>();
    } else {
      CLIPRET_CHECK(entry.is_object(), InvalidInput,
                    "%s: must be a folder path or an object of options", where.c_str());
      for (const auto& [key, value] : entry.items()) {
        bool known = false;
        for (const char* k : kKnownKeys) known = known || key == k;
        CLIPRET_CHECK(known, InvalidInput, "%s: unknown option '%s'", where.c_str(), key.c_str());
      }
      const EntryReader r(entry, where);
      r.read_string("indice_folder", &index.indice_folder);
      r.read_string("clip_model", &index.clip_model);
      r.read_bool("enable_hdf5", &index.enable_hdf5);
      r.read_bool("enable_faiss_memory_mapping", &index.enable_faiss_memory_mapping);
      r.read_string_list("columns_to_return", &index.columns_to_return);
      r.read_bool("reorder_metadata_by_ivf_index", &index.reorder_metadata_by_ivf_index);
      r.read_bool("enable_mclip_option", &index.enable_mclip_option);
      r.read_bool("use_jit", &index.use_jit);
      r.read_bool("use_arrow", &index.use_arrow);
      r.read_bool("provide_safety_model", &index.provide_safety_model);
      r.read_bool("provide_violence_detector", &index.provide_violence_detector);
      r.read_bool("provide_aesthetic_embeddings", &index.provide_aesthetic_embeddings);
      r.read_string("safety_model_path", &index.safety_model_path);
      r.read_string("violence_detector_path", &index.violence_detector_path);
      r.read_string("aesthetic_embeddings_folder", &index.aesthetic_embeddings_folder);
      CLIPRET_CHECK(!index.indice_folder.empty(), InvalidInput, "%s: indice_folder is missing",
                    where.c_str());
    }
    indices.push_back(std::move(index));
  }
  return indices;
}

std::vector<search::IndexOptions> load_indices_paths(const BackOptions& options) {
  std::ifstream in(options.indices_paths, std::ios::binary);
  CLIPRET_CHECK(static_cast<bool>(in), NotFound, "%s: cannot open indices_paths",
                options.indices_paths.c_str());
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parse_indices_paths(text, options.indices_paths, options);
}

}  // namespace clipret::back
