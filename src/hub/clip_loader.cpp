#include "hub/clip_loader.h"

#include <filesystem>

#include "core/error.h"
#include "core/log.h"
#include "hub/model_name.h"
#include "hub/model_store.h"

namespace clipret::hub {
namespace {

namespace fs = std::filesystem;

// The repository whose BPE files serve checkpoints that ship none (all CLIP models share them).
constexpr const char kDefaultTokenizerModel[] = "ViT-B/32";
constexpr const char kGzipVocabulary[] = "bpe_simple_vocab_16e6.txt.gz";

bool has_tokenizer_files(const fs::path& folder) {
  std::error_code ec;
  return (fs::exists(folder / "vocab.json", ec) && fs::exists(folder / "merges.txt", ec)) ||
         fs::exists(folder / kGzipVocabulary, ec);
}

std::string tokenizer_location(const fs::path& folder) {
  std::error_code ec;
  if (fs::exists(folder / "vocab.json", ec)) return folder.string();
  return (folder / kGzipVocabulary).string();
}

}  // namespace

image::PreprocessConfig preprocess_config_of(const model::ClipConfig& config) {
  image::PreprocessConfig preprocess;
  preprocess.size = static_cast<int>(config.vision.image_size);
  preprocess.mean = config.preprocess.mean;
  preprocess.stddev = config.preprocess.std;
  CLIPRET_CHECK(
      config.preprocess.resize_mode == "shortest" || config.preprocess.resize_mode == "squash",
      Unsupported, "image resize mode '%s' is not supported (shortest, squash)",
      config.preprocess.resize_mode.c_str());
  preprocess.resize_mode = config.preprocess.resize_mode == "squash" ? image::ResizeMode::kSquash
                                                                     : image::ResizeMode::kShortest;
  CLIPRET_CHECK(config.preprocess.interpolation == "bicubic", Unsupported,
                "image interpolation '%s' is not supported (bicubic)",
                config.preprocess.interpolation.c_str());
  return preprocess;
}

LoadedClip load_clip(const std::string& clip_model, const HubOptions& hub_options,
                     const model::ClipModelOptions& model_options, bool with_tokenizer) {
  const std::string folder = ensure_model_folder(clip_model, hub_options);
  std::string tokenizer_folder = folder;
  if (with_tokenizer && !has_tokenizer_files(folder)) {
    tokenizer_folder = ensure_model_folder(kDefaultTokenizerModel, hub_options);
    CLIPRET_CHECK(has_tokenizer_files(tokenizer_folder), NotFound,
                  "%s: no tokenizer files (vocab.json + merges.txt) in %s nor in %s",
                  clip_model.c_str(), folder.c_str(), tokenizer_folder.c_str());
    CLIPRET_LOG_DEBUG("%s has no tokenizer files; using those of %s", folder.c_str(),
                      tokenizer_folder.c_str());
  }
  model::ClipModel model = model::ClipModel::load(folder, model_options);
  image::PreprocessConfig preprocess = preprocess_config_of(model.config());
  std::optional<text::ClipTokenizer> tokenizer;
  if (with_tokenizer) {
    text::ClipTokenizerOptions tokenizer_options;
    tokenizer_options.context_length = static_cast<size_t>(model.context_length());
    tokenizer = text::ClipTokenizer::load(tokenizer_location(tokenizer_folder), tokenizer_options);
  }
  return LoadedClip{std::move(model), std::move(tokenizer), preprocess, folder};
}

}  // namespace clipret::hub
