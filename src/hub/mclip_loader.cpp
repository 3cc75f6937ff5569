#include "hub/mclip_loader.h"

#include "core/l2_normalize.h"
#include "hub/model_name.h"
#include "hub/model_store.h"

namespace clipret::hub {

std::string mclip_model_for_clip(const std::string& clip_model) {
  if (clip_model == "ViT-B/32") return "M-CLIP/XLM-Roberta-Large-Vit-B-32";
  if (clip_model == "ViT-L/14") return "M-CLIP/XLM-Roberta-Large-Vit-L-14";
  return "";
}

LoadedMclip load_mclip(const std::string& mclip_model, const char* option,
                       const HubOptions& hub_options,
                       const model::SentenceEncoderOptions& model_options) {
  const std::string folder =
      ensure_model_folder(resolve_text_model_name(mclip_model, option), hub_options);
  model::SentenceEncoder model = model::SentenceEncoder::load(folder, model_options);
  std::unique_ptr<text::SubwordTokenizer> tokenizer = text::load_subword_tokenizer(
      model.tokenizer_folder(), static_cast<size_t>(model.max_tokens()));
  return LoadedMclip{std::move(model), std::move(tokenizer), folder};
}

std::vector<std::vector<int32_t>> tokenize_mclip_texts(const LoadedMclip& mclip,
                                                       const std::vector<std::string>& texts) {
  std::vector<std::vector<int32_t>> ids;
  ids.reserve(texts.size());
  for (const std::string& text : texts) ids.push_back(mclip.tokenizer->encode(text));
  return ids;
}

void embed_mclip_texts(LoadedMclip& mclip, const std::vector<std::string>& texts, float* out) {
  mclip.model.encode(tokenize_mclip_texts(mclip, texts), out);
  core::l2_normalize_rows(out, texts.size(), static_cast<size_t>(mclip.model.embed_dim()));
}

}  // namespace clipret::hub
