// inference/sample_preparer.h: one raw sample → model inputs (the preprocessing workers' job).
//
// Validates the caption (UTF-8) and metadata (a JSON object), tokenizes the caption, decodes and
// preprocesses the image. A sample failing any step is marked skipped with the reason, so the
// caller counts it and the rows of the three outputs stay aligned.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/json_flatten.h"
#include "image/clip_preprocess.h"
#include "inference/sample_source.h"

namespace clipret::text {
class ClipTokenizer;
class SubwordTokenizer;
}  // namespace clipret::text

namespace clipret::inference {

struct PreparedSample {
  std::string image_path;
  std::string caption;
  std::vector<data::FlatField> fields;  // flattened metadata
  std::vector<float> pixels;            // 3 × S × S, CHW, when images are enabled
  // When text is enabled: CLIP's context_length ids, or the multilingual tokenizer's own ids.
  std::vector<int32_t> tokens;
  std::string skip_reason;  // non-empty: skipped; a category counted in the stats
  std::string skip_detail;  // the specific message (decoder error, ...), for logs
};

class SamplePreparer {
 public:
  // `tokenizer` is used when parts.text, borrowed and shared by all workers (thread-safe);
  // `mclip_tokenizer`, when not null, replaces it (--use_mclip).
  SamplePreparer(SourceParts parts, const text::ClipTokenizer* tokenizer,
                 image::PreprocessConfig preprocess,
                 const text::SubwordTokenizer* mclip_tokenizer = nullptr);

  // Thread-safe: may be called from several workers at once.
  PreparedSample prepare(RawSample raw) const;

 private:
  SourceParts parts_;
  const text::ClipTokenizer* tokenizer_;
  const text::SubwordTokenizer* mclip_tokenizer_;
  image::PreprocessConfig preprocess_;
};

}  // namespace clipret::inference
