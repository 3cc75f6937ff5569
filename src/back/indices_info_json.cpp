#include "back/indices_info_json.h"

#include <nlohmann/json.hpp>

namespace clipret::back {

std::string indices_info_json(const std::vector<search::IndexDescription>& indices) {
  using OrderedJson = nlohmann::ordered_json;
  OrderedJson answer = OrderedJson::array();
  for (const search::IndexDescription& index : indices) {
    OrderedJson modalities = OrderedJson::array();
    OrderedJson vectors = OrderedJson::object();
    if (index.image_vectors) {
      modalities.push_back("image");
      vectors["image"] = *index.image_vectors;
    }
    if (index.text_vectors) {
      modalities.push_back("text");
      vectors["text"] = *index.text_vectors;
    }
    answer.push_back({{"name", index.name},
                      {"modalities", std::move(modalities)},
                      {"vectors", std::move(vectors)},
                      {"dimension", index.dimension},
                      {"clip_model", index.clip_model},
                      {"metadata_columns", index.metadata_columns},
                      {"metadata_rows", index.metadata_rows},
                      {"filters",
                       {{"use_safety_model", index.safety_model},
                        {"use_violence_detector", index.violence_detector},
                        {"aesthetic", index.aesthetic_embeddings},
                        {"use_mclip", index.mclip}}}});
  }
  return answer.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

}  // namespace clipret::back
