#include "text/sentencepiece_tokenizer.h"

#include <sentencepiece_processor.h>

#include <filesystem>

#include "core/error.h"
#include "text/utf8.h"

namespace clipret::text {
namespace {

// fairseq's dictionary puts <pad> at 1, shifting every sentencepiece id by one; sentencepiece's
// own <unk> (0) goes to fairseq's <unk> (3).
constexpr int32_t kFairseqOffset = 1;

int32_t fairseq_id(int spm_id) {
  return spm_id == 0 ? kXlmrUnkId : spm_id + kFairseqOffset;
}

}  // namespace

// SentencePieceProcessor::Encode is const and keeps no per-call state, so one instance serves
// every thread.
struct SentencePieceTokenizer::Impl {
  sentencepiece::SentencePieceProcessor processor;
};

SentencePieceTokenizer::SentencePieceTokenizer(const std::string& model_path, size_t max_length)
    : impl_(std::make_unique<Impl>()), path_(model_path), max_length_(max_length) {
  CLIPRET_CHECK(max_length_ >= 3, InvalidInput,
                "%s: max_length %zu leaves no room for text besides <s> and </s>", path_.c_str(),
                max_length_);
  std::error_code ec;
  CLIPRET_CHECK(std::filesystem::is_regular_file(path_, ec), NotFound, "%s: no such file",
                path_.c_str());
  const auto status = impl_->processor.Load(path_);
  CLIPRET_CHECK(status.ok(), Corrupt, "%s: not a sentencepiece model: %s", path_.c_str(),
                status.ToString().c_str());
}

SentencePieceTokenizer::~SentencePieceTokenizer() = default;

std::vector<int32_t> SentencePieceTokenizer::encode_content(std::string_view utf8) const {
  // Repaired first so invalid bytes are read the same way as everywhere else in text/.
  const std::string text = encode_utf8(decode_utf8(utf8));
  std::vector<int> spm_ids;
  const auto status = impl_->processor.Encode(text, &spm_ids);
  // Encode fails only on an unloaded model, which the constructor rules out.
  CLIPRET_CHECK(status.ok(), Internal, "%s: sentencepiece Encode failed: %s", path_.c_str(),
                status.ToString().c_str());
  std::vector<int32_t> ids;
  ids.reserve(spm_ids.size());
  for (int id : spm_ids) ids.push_back(fairseq_id(id));
  return ids;
}

std::vector<int32_t> SentencePieceTokenizer::encode(std::string_view utf8) const {
  std::vector<int32_t> content = encode_content(utf8);
  if (content.size() > max_length_ - 2) content.resize(max_length_ - 2);
  std::vector<int32_t> ids;
  ids.reserve(content.size() + 2);
  ids.push_back(kXlmrBosId);
  ids.insert(ids.end(), content.begin(), content.end());
  ids.push_back(kXlmrEosId);
  return ids;
}

size_t SentencePieceTokenizer::piece_count() const {
  return static_cast<size_t>(impl_->processor.GetPieceSize());
}

}  // namespace clipret::text
