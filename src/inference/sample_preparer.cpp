#include "inference/sample_preparer.h"

#include "core/utf8_validate.h"
#include "text/clip_tokenizer.h"
#include "text/subword_tokenizer.h"

namespace clipret::inference {

SamplePreparer::SamplePreparer(SourceParts parts, const text::ClipTokenizer* tokenizer,
                               image::PreprocessConfig preprocess,
                               const text::SubwordTokenizer* mclip_tokenizer)
    : parts_(parts),
      tokenizer_(tokenizer),
      mclip_tokenizer_(mclip_tokenizer),
      preprocess_(std::move(preprocess)) {}

PreparedSample SamplePreparer::prepare(RawSample raw) const {
  PreparedSample out;
  out.image_path = std::move(raw.image_path);
  out.skip_reason = std::move(raw.skip_reason);
  out.skip_detail = std::move(raw.skip_detail);
  if (!out.skip_reason.empty()) return out;

  if (parts_.text) {
    if (!core::is_valid_utf8(raw.caption)) {
      out.skip_reason = "caption not valid UTF-8";
      return out;
    }
    if (mclip_tokenizer_ != nullptr) {
      out.tokens = mclip_tokenizer_->encode(raw.caption);
    } else {
      out.tokens.resize(tokenizer_->context_length());
      tokenizer_->tokenize_into(raw.caption, out.tokens);
    }
    out.caption = std::move(raw.caption);
  }
  if (parts_.metadata) {
    std::string error;
    if (!core::is_valid_utf8(raw.metadata_json)) {
      out.skip_reason = "invalid metadata";
      out.skip_detail = "not valid UTF-8";
      return out;
    }
    auto fields = data::flatten_json_object(raw.metadata_json, &error);
    if (!fields) {
      out.skip_reason = "invalid metadata";
      out.skip_detail = error;
      return out;
    }
    out.fields = std::move(*fields);
  }
  if (parts_.image) {
    const size_t side = static_cast<size_t>(preprocess_.size);
    out.pixels.resize(3 * side * side);
    auto error = image::preprocess_clip(reinterpret_cast<const uint8_t*>(raw.image_bytes.data()),
                                        raw.image_bytes.size(), preprocess_, out.pixels.data());
    if (error) {
      out.pixels.clear();
      out.skip_reason = "undecodable image";
      out.skip_detail = *error;
      return out;
    }
  }
  return out;
}

}  // namespace clipret::inference
