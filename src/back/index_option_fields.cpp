#include "back/index_option_fields.h"

namespace clipret::back {
namespace {

using search::IndexOptions;

// One constructor per kind keeps each row's kind and member pointer in agreement.
constexpr IndexOptionField string_field(const char* name, std::string IndexOptions::*member,
                                        const char* help) {
  return {.name = name, .kind = IndexFieldKind::kString, .text = member, .help = help};
}
constexpr IndexOptionField path_field(const char* name, std::string IndexOptions::*member,
                                      const char* help) {
  return {.name = name, .kind = IndexFieldKind::kPath, .text = member, .help = help};
}
constexpr IndexOptionField bool_field(const char* name, bool IndexOptions::*member,
                                      const char* help) {
  return {.name = name, .kind = IndexFieldKind::kBool, .flag = member, .help = help};
}
constexpr IndexOptionField list_field(const char* name,
                                      std::vector<std::string> IndexOptions::*member,
                                      const char* help) {
  return {.name = name, .kind = IndexFieldKind::kStringList, .list = member, .help = help};
}

constexpr IndexOptionField kFields[] = {
    bool_field("enable_hdf5", &IndexOptions::enable_hdf5,
               "serve metadata from disk (here a SQLite file built once next to the index, "
               "near-zero RAM) instead of memory"),
    bool_field("enable_faiss_memory_mapping", &IndexOptions::enable_faiss_memory_mapping,
               "memory-map the indices (a file, or a folder with populated.index + "
               "merged_index.ivfdata) instead of reading them into RAM"),
    list_field("columns_to_return", &IndexOptions::columns_to_return,
               "metadata columns to return; None: url, image_path, caption, NSFW"),
    bool_field("reorder_metadata_by_ivf_index", &IndexOptions::reorder_metadata_by_ivf_index,
               "reorder on-disk metadata by the image index's IVF lists (fast metadata for large "
               "num_images; needs enable_hdf5 and an IVF image index)"),
    bool_field("enable_mclip_option", &IndexOptions::enable_mclip_option,
               "load a multilingual text model for use_mclip queries: --mclip_model, or the "
               "M-CLIP model of clip_model (ViT-B/32, ViT-L/14; other models have none)"),
    string_field("clip_model", &IndexOptions::clip_model,
                 "model embedding the queries: ViT-B/32, ViT-L/14, hf_clip:ORG/NAME, "
                 "open_clip:ARCH/TAG or a local folder"),
    bool_field("use_jit", &IndexOptions::use_jit, "accepted for compatibility (no effect)"),
    bool_field("use_arrow", &IndexOptions::use_arrow,
               "accepted for compatibility: metadata is read from metadata/*.parquet"),
    bool_field("provide_safety_model", &IndexOptions::provide_safety_model,
               "load the NSFW head (safetensors MLP, see --safety_model_path) for "
               "use_safety_model"),
    bool_field("provide_violence_detector", &IndexOptions::provide_violence_detector,
               "load the violence prompt matrix (see --violence_detector_path) for "
               "use_violence_detector"),
    bool_field("provide_aesthetic_embeddings", &IndexOptions::provide_aesthetic_embeddings,
               "load rating0..9.npy (see --aesthetic_embeddings_folder) for aesthetic_score; "
               "missing files switch it off"),
    path_field("safety_model_path", &IndexOptions::safety_model_path,
               "safety head (.safetensors, docs/back.md); None: "
               "<cache>/<clip_model, / as _>/safety_head.safetensors"),
    path_field("violence_detector_path", &IndexOptions::violence_detector_path,
               "violence prompt matrix .npy (LAION's violence_detection_vit_b_32.npy "
               "etc.); None: <cache>/violence_detection_<vit_b_32|vit_l_14|...>.npy"),
    path_field("aesthetic_embeddings_folder", &IndexOptions::aesthetic_embeddings_folder,
               "folder of rating0.npy .. rating9.npy (LAION aesthetic-predictor); "
               "None: <cache>/aesthetic_embeddings/<vit_b_32|vit_l_14|...>"),
    path_field("mclip_model", &IndexOptions::mclip_model,
               "multilingual text model for use_mclip (a sentence-transformers or M-CLIP hub "
               "repository, or a folder); None: M-CLIP/XLM-Roberta-Large-Vit-B-32 for "
               "ViT-B/32, M-CLIP/XLM-Roberta-Large-Vit-L-14 for ViT-L/14"),
};

}  // namespace

std::span<const IndexOptionField> index_option_fields() {
  return kFields;
}

}  // namespace clipret::back
