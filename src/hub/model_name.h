// hub/model_name.h: what a `clip_model` string names (spec §0, "CLIP model naming").
#pragma once

#include <string>
#include <vector>

namespace clipret::hub {

enum class CheckpointLayout {
  kHuggingFace,  // config.json + model.safetensors (+ vocab.json, merges.txt)
  kOpenClip,     // open_clip_config.json + open_clip_model.safetensors
};

struct ModelReference {
  std::string clip_model;    // the name as given
  std::string local_folder;  // set when the name is an existing folder; nothing to download
  std::string repo;          // hub repository ("openai/clip-vit-base-patch32")
  std::string revision = "main";
  CheckpointLayout layout = CheckpointLayout::kHuggingFace;
  std::vector<std::string> required_files;  // fetched first; a 404 is an error
  std::vector<std::string> optional_files;  // fetched when the repository has them
  // Alternatives (e.g. model.safetensors or pytorch_model.bin): the first the repository has
  // is fetched; with `required`, having none is an error.
  struct FileChoice {
    std::vector<std::string> candidates;
    bool required = false;
  };
  std::vector<FileChoice> file_choices;
};

// Resolves `ViT-B/32`, `ViT-B/16`, `ViT-L/14`, `ViT-L/14@336px` (the OpenAI repos),
// `hf_clip:ORG/NAME`, `open_clip:ARCH[/TAG]` (the LAION repos) and local folders. Throws
// Error(kInvalidInput) for an unknown name, listing the accepted forms.
ModelReference resolve_model_name(const std::string& clip_model);

// Resolves a multilingual text model (`--mclip_model`): a local folder, or a hub repository
// ORG/NAME holding a sentence-transformers model with its Transformer at the root (e.g.
// sentence-transformers/clip-ViT-B-32-multilingual-v1) or an M-CLIP model (e.g.
// M-CLIP/XLM-Roberta-Large-Vit-B-32). `option` names the option in errors. Throws
// Error(kInvalidInput) for anything else.
ModelReference resolve_text_model_name(const std::string& name, const char* option);

}  // namespace clipret::hub
