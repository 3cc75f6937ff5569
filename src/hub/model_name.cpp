#include "hub/model_name.h"

#include <filesystem>

#include "core/error.h"

namespace clipret::hub {
namespace {

struct NamedRepo {
  const char* name;
  const char* repo;
};

// OpenAI's CLIP names (the original's default prefix-less form) → their Hugging Face repos.
constexpr NamedRepo kOpenAiModels[] = {
    {"ViT-B/32", "openai/clip-vit-base-patch32"},
    {"ViT-B/16", "openai/clip-vit-base-patch16"},
    {"ViT-L/14", "openai/clip-vit-large-patch14"},
    {"ViT-L/14@336px", "openai/clip-vit-large-patch14-336"},
};

// open_clip (ARCH/TAG) → the LAION repositories that ship open_clip_model.safetensors. The first
// entry of an ARCH is used when no TAG is given (the tags LAION's published indices use).
constexpr NamedRepo kOpenClipModels[] = {
    {"ViT-B-32/laion2b_s34b_b79k", "laion/CLIP-ViT-B-32-laion2B-s34B-b79K"},
    {"ViT-B-32/datacomp_xl_s13b_b90k", "laion/CLIP-ViT-B-32-DataComp.XL-s13B-b90K"},
    {"ViT-B-16/laion2b_s34b_b88k", "laion/CLIP-ViT-B-16-laion2B-s34B-b88K"},
    {"ViT-B-16/datacomp_xl_s13b_b90k", "laion/CLIP-ViT-B-16-DataComp.XL-s13B-b90K"},
    {"ViT-L-14/laion2b_s32b_b82k", "laion/CLIP-ViT-L-14-laion2B-s32B-b82K"},
    {"ViT-L-14/datacomp_xl_s13b_b90k", "laion/CLIP-ViT-L-14-DataComp.XL-s13B-b90K"},
    {"ViT-H-14/laion2b_s32b_b79k", "laion/CLIP-ViT-H-14-laion2B-s32B-b79K"},
    {"ViT-g-14/laion2b_s34b_b88k", "laion/CLIP-ViT-g-14-laion2B-s34B-b88K"},
    {"ViT-g-14/laion2b_s12b_b42k", "laion/CLIP-ViT-g-14-laion2B-s12B-b42K"},
    {"ViT-bigG-14/laion2b_s39b_b160k", "laion/CLIP-ViT-bigG-14-laion2B-39B-b160k"},
};

constexpr const char kHfPrefix[] = "hf_clip:";
constexpr const char kOpenClipPrefix[] = "open_clip:";

bool starts_with(const std::string& text, const char* prefix) {
  return text.rfind(prefix, 0) == 0;
}

ModelReference hugging_face_reference(const std::string& clip_model, const std::string& repo) {
  ModelReference ref;
  ref.clip_model = clip_model;
  ref.repo = repo;
  ref.layout = CheckpointLayout::kHuggingFace;
  ref.required_files = {"config.json", "model.safetensors"};
  ref.optional_files = {"preprocessor_config.json", "vocab.json", "merges.txt"};
  return ref;
}

std::string open_clip_choices() {
  std::string out;
  for (const auto& entry : kOpenClipModels)
    out += std::string(out.empty() ? "" : ", ") + entry.name;
  return out;
}

ModelReference open_clip_reference(const std::string& clip_model) {
  const std::string spec = clip_model.substr(sizeof(kOpenClipPrefix) - 1);
  const bool has_tag = spec.find('/') != std::string::npos;
  for (const auto& entry : kOpenClipModels) {
    const std::string name = entry.name;
    const bool match = has_tag ? name == spec : name.compare(0, spec.size() + 1, spec + "/") == 0;
    if (!match) continue;
    ModelReference ref;
    ref.clip_model = clip_model;
    ref.repo = entry.repo;
    ref.layout = CheckpointLayout::kOpenClip;
    ref.required_files = {"open_clip_config.json", "open_clip_model.safetensors"};
    ref.optional_files = {"vocab.json", "merges.txt"};
    return ref;
  }
  CLIPRET_THROW(InvalidInput, "--clip_model %s: unknown open_clip model; known: %s",
                clip_model.c_str(), open_clip_choices().c_str());
}

bool is_repo_name(const std::string& name) {
  const size_t slash = name.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 >= name.size() ||
      name.find('/', slash + 1) != std::string::npos || name.find("..") != std::string::npos) {
    return false;
  }
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.' || c == '/';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

ModelReference resolve_text_model_name(const std::string& name, const char* option) {
  CLIPRET_CHECK(!name.empty(), InvalidInput, "--%s is empty", option);
  ModelReference ref;
  ref.clip_model = name;
  std::error_code ec;
  if (std::filesystem::is_directory(name, ec)) {
    ref.local_folder = name;
    return ref;
  }
  CLIPRET_CHECK(is_repo_name(name), InvalidInput,
                "--%s %s: not a local folder nor a hub repository name ORG/NAME", option,
                name.c_str());
  ref.repo = name;
  ref.required_files = {"config.json"};
  // sentence-transformers' module files, the tokenizer's, and M-CLIP's: a repository has one
  // set or the other.
  ref.optional_files = {"modules.json",          "sentence_bert_config.json",
                        "tokenizer_config.json", "special_tokens_map.json",
                        "1_Pooling/config.json", "2_Dense/config.json"};
  ref.file_choices = {
      {{"model.safetensors", "pytorch_model.bin"}, true},
      {{"sentencepiece.bpe.model", "tokenizer.json", "vocab.txt"}, true},
      {{"2_Dense/model.safetensors", "2_Dense/pytorch_model.bin"}, false},
  };
  return ref;
}

ModelReference resolve_model_name(const std::string& clip_model) {
  CLIPRET_CHECK(!clip_model.empty(), InvalidInput, "--clip_model is empty");
  std::error_code ec;
  if (std::filesystem::is_directory(clip_model, ec)) {
    ModelReference ref;
    ref.clip_model = clip_model;
    ref.local_folder = clip_model;
    const bool open_clip =
        std::filesystem::exists(std::filesystem::path(clip_model) / "open_clip_config.json", ec) &&
        !std::filesystem::exists(std::filesystem::path(clip_model) / "config.json", ec);
    ref.layout = open_clip ? CheckpointLayout::kOpenClip : CheckpointLayout::kHuggingFace;
    return ref;
  }
  for (const auto& entry : kOpenAiModels) {
    if (clip_model == entry.name) return hugging_face_reference(clip_model, entry.repo);
  }
  if (starts_with(clip_model, kHfPrefix)) {
    const std::string repo = clip_model.substr(sizeof(kHfPrefix) - 1);
    const size_t slash = repo.find('/');
    CLIPRET_CHECK(slash != std::string::npos && slash > 0 && slash + 1 < repo.size() &&
                      repo.find('/', slash + 1) == std::string::npos,
                  InvalidInput, "--clip_model %s: expected hf_clip:ORG/NAME", clip_model.c_str());
    return hugging_face_reference(clip_model, repo);
  }
  if (starts_with(clip_model, kOpenClipPrefix)) return open_clip_reference(clip_model);
  CLIPRET_THROW(InvalidInput,
                "--clip_model %s: not a local folder nor a known model; use ViT-B/32, ViT-B/16, "
                "ViT-L/14, ViT-L/14@336px, hf_clip:ORG/NAME, open_clip:ARCH/TAG or a folder with "
                "config.json + model.safetensors",
                clip_model.c_str());
}

}  // namespace clipret::hub
