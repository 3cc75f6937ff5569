#include "text/wordpiece_tokenizer.h"

#include <algorithm>
#include <utility>

#include "core/error.h"
#include "text/bert_pre_tokenizer.h"
#include "text/utf8.h"

namespace clipret::text {

WordPieceTokenizer::WordPieceTokenizer(WordPieceModel model, size_t max_length)
    : model_(std::move(model)), max_length_(max_length) {
  const auto unk = model_.vocab.find(model_.unk_token);
  CLIPRET_CHECK(unk != model_.vocab.end(), InvalidInput,
                "WordPiece: the unk token '%s' is not in the vocabulary", model_.unk_token.c_str());
  unk_id_ = unk->second;
  const size_t framing = model_.prefix_ids.size() + model_.suffix_ids.size();
  CLIPRET_CHECK(max_length_ > framing, InvalidInput,
                "WordPiece: max_length %zu leaves no room for text besides %zu framing ids",
                max_length_, framing);
  for (const auto& [piece, id] : model_.vocab) {
    longest_piece_bytes_ = std::max(longest_piece_bytes_, piece.size());
  }
  for (const AddedToken& token : model_.added_tokens) {
    const std::u32string content = decode_utf8(token.content);
    if (token.normalized) {
      normalized_matcher_.add(bert_normalize(content, model_.normalizer), token);
    } else {
      raw_matcher_.add(content, token);
    }
  }
}

std::vector<int32_t> WordPieceTokenizer::encode(std::string_view utf8) const {
  std::vector<int32_t> ids = model_.prefix_ids;
  std::vector<int32_t> content = encode_content(utf8);
  const size_t room = max_length_ - model_.prefix_ids.size() - model_.suffix_ids.size();
  if (content.size() > room) content.resize(room);
  ids.insert(ids.end(), content.begin(), content.end());
  ids.insert(ids.end(), model_.suffix_ids.begin(), model_.suffix_ids.end());
  return ids;
}

std::vector<int32_t> WordPieceTokenizer::encode_content(std::string_view utf8) const {
  const std::u32string text = decode_utf8(utf8);
  std::vector<int32_t> ids;
  for (const TextPart& part : raw_matcher_.split(text)) {
    if (part.id >= 0) {
      ids.push_back(part.id);
    } else {
      encode_part(part.text, ids);
    }
  }
  return ids;
}

void WordPieceTokenizer::encode_part(std::u32string_view text, std::vector<int32_t>& out) const {
  const std::u32string normalized = bert_normalize(text, model_.normalizer);
  for (const TextPart& part : normalized_matcher_.split(normalized)) {
    if (part.id >= 0) {
      out.push_back(part.id);
      continue;
    }
    for (std::u32string_view word : bert_pre_tokenize(part.text)) encode_word(word, out);
  }
}

void WordPieceTokenizer::encode_word(std::u32string_view word, std::vector<int32_t>& out) const {
  if (word.size() > model_.max_input_chars_per_word) {
    out.push_back(unk_id_);
    return;
  }
  // The word in UTF-8 with each character's start offset, so candidates are byte ranges.
  std::string bytes;
  std::vector<size_t> starts;
  starts.reserve(word.size() + 1);
  for (char32_t cp : word) {
    starts.push_back(bytes.size());
    append_utf8(cp, bytes);
  }
  starts.push_back(bytes.size());

  const size_t first_out = out.size();
  const std::string& prefix = model_.continuing_subword_prefix;
  std::string candidate;
  size_t begin = 0;  // character index
  while (begin < word.size()) {
    const size_t prefix_bytes = begin > 0 ? prefix.size() : 0;
    bool found = false;
    for (size_t end = word.size(); end > begin; --end) {
      const size_t piece_bytes = starts[end] - starts[begin];
      if (prefix_bytes + piece_bytes > longest_piece_bytes_) continue;
      candidate.clear();
      if (begin > 0) candidate += prefix;
      candidate.append(bytes, starts[begin], piece_bytes);
      const auto it = model_.vocab.find(candidate);
      if (it == model_.vocab.end()) continue;
      out.push_back(it->second);
      begin = end;
      found = true;
      break;
    }
    if (!found) {  // an unmatched remainder makes the whole word unknown
      out.resize(first_out);
      out.push_back(unk_id_);
      return;
    }
  }
}

}  // namespace clipret::text
