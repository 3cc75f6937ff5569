#include "text/bpe_vocabulary.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "core/error.h"
#include "test_util.h"
#include "text/bpe_merge.h"
#include "text/gunzip.h"

namespace clipret::text {
namespace {

using testing::fixture_path;

const BpeVocabulary& openai_vocabulary() {
  static const BpeVocabulary v =
      BpeVocabulary::from_openai_gz(fixture_path("tokenizer/bpe_simple_vocab_16e6.txt.gz"));
  return v;
}

const BpeVocabulary& hf_vocabulary() {
  static const BpeVocabulary v = BpeVocabulary::from_hf_files(fixture_path("tokenizer/vocab.json"),
                                                              fixture_path("tokenizer/merges.txt"));
  return v;
}

std::vector<int32_t> merge(const BpeVocabulary& v, std::string_view word) {
  std::vector<int32_t> ids;
  bpe_merge_word(v, word, ids);
  return ids;
}

ErrorKind error_kind_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.kind();
  }
  ADD_FAILURE() << "no clipret::Error thrown";
  return ErrorKind::kInternal;
}

TEST(BytesToUnicodeTest, MatchesOpenAiTable) {
  EXPECT_EQ(byte_to_unicode('a'), U'a');
  EXPECT_EQ(byte_to_unicode(0), U'\u0100');
  EXPECT_EQ(byte_to_unicode(' '), U'\u0120');
  EXPECT_EQ(byte_to_unicode(0xAD), U'\u0143');
  EXPECT_EQ(byte_to_unicode(0xFF), U'\u00FF');
}

TEST(BpeVocabularyTest, OpenAiShapeHasClipLayout) {
  const BpeVocabulary& v = openai_vocabulary();
  EXPECT_EQ(v.size(), 49408u);
  EXPECT_EQ(v.merge_count(), kClipMergeCount);
  EXPECT_EQ(v.start_of_text(), 49406);
  EXPECT_EQ(v.end_of_text(), 49407);
  EXPECT_EQ(v.token(0), "!");
  EXPECT_EQ(v.token(188), "\xC4\x80");  // byte 0 -> U+0100
  EXPECT_EQ(v.token(220), "\xC4\xA0");  // space -> U+0120 'Ġ'
  EXPECT_EQ(v.token_id("a</w>"), 320);
  EXPECT_EQ(v.token_id("photo</w>"), 1125);
  EXPECT_EQ(v.token_id("jekyll</w>"), 49405);
  EXPECT_EQ(v.byte_token('!', false), 0);
  EXPECT_EQ(v.byte_token('!', true), 256);
}

TEST(BpeVocabularyTest, BothShapesAgree) {
  const BpeVocabulary& a = openai_vocabulary();
  const BpeVocabulary& b = hf_vocabulary();
  ASSERT_EQ(a.size(), b.size());
  ASSERT_EQ(a.merge_count(), b.merge_count());
  for (size_t id = 0; id < a.size(); ++id) {
    ASSERT_EQ(a.token(static_cast<int32_t>(id)), b.token(static_cast<int32_t>(id))) << id;
  }
  for (int byte = 0; byte < 256; ++byte) {
    EXPECT_EQ(a.byte_token(static_cast<uint8_t>(byte), true),
              b.byte_token(static_cast<uint8_t>(byte), true));
  }
}

TEST(BpeMergeTest, MergesByRank) {
  const BpeVocabulary& v = openai_vocabulary();
  EXPECT_EQ(merge(v, "photo"), std::vector<int32_t>{1125});
  EXPECT_EQ(merge(v, "a"), std::vector<int32_t>{320});
  EXPECT_EQ(merge(v, "."), std::vector<int32_t>{269});
  // A word BPE cannot join completely still ends in a "</w>" token.
  const std::vector<int32_t> ids = merge(v, "supercalifragilisticexpialidocious");
  ASSERT_GT(ids.size(), 1u);
  EXPECT_EQ(v.token(ids.back()).substr(v.token(ids.back()).size() - 4), "</w>");
}

TEST(BpeVocabularyTest, RejectsCorruptInput) {
  EXPECT_EQ(error_kind_of([] { BpeVocabulary::from_openai_merges("m", "header only"); }),
            ErrorKind::kCorrupt);
  EXPECT_EQ(error_kind_of([] { BpeVocabulary::from_openai_merges("m", "#v\ni n\n", 2); }),
            ErrorKind::kCorrupt);  // too few merges
  EXPECT_EQ(error_kind_of([] { BpeVocabulary::from_openai_merges("m", "#v\ni n x\n", 1); }),
            ErrorKind::kCorrupt);  // three fields
  EXPECT_EQ(error_kind_of([] { BpeVocabulary::from_openai_merges("m", "#v\nin Q\n", 1); }),
            ErrorKind::kCorrupt);  // "in" is not a token yet
  EXPECT_EQ(error_kind_of([] { BpeVocabulary::from_openai_merges("m", "#v\ni n\ni n\n", 2); }),
            ErrorKind::kCorrupt);  // duplicate merge
  EXPECT_EQ(error_kind_of([] { BpeVocabulary::from_hf_text("v", "[1, 2]", "#v\n"); }),
            ErrorKind::kCorrupt);
  EXPECT_EQ(error_kind_of([] { BpeVocabulary::from_hf_text("v", "{\"a\": 5}", "#v\n"); }),
            ErrorKind::kCorrupt);  // id out of range
  EXPECT_EQ(error_kind_of([] { BpeVocabulary::from_hf_text("v", "{\"a\": 0}", "#v\n"); }),
            ErrorKind::kCorrupt);  // byte tokens missing
  EXPECT_EQ(error_kind_of([] { BpeVocabulary::from_hf_text("v", "{not json", "#v\n"); }),
            ErrorKind::kCorrupt);
  EXPECT_EQ(error_kind_of([] { BpeVocabulary::from_openai_gz("/nonexistent/bpe.txt.gz"); }),
            ErrorKind::kNotFound);
}

TEST(GunzipTest, DetectsDamage) {
  const std::string gz = testing::read_file(fixture_path("tokenizer/bpe_simple_vocab_16e6.txt.gz"));
  const std::string text = gunzip("bpe", gz);
  EXPECT_EQ(text.substr(0, 30), "\"bpe_simple_vocab_16e6.txt#ver");
  EXPECT_EQ(error_kind_of([&] { gunzip("bpe", gz.substr(0, gz.size() / 2)); }),
            ErrorKind::kCorrupt);
  std::string flipped = gz;
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x5A);
  EXPECT_EQ(error_kind_of([&] { gunzip("bpe", flipped); }), ErrorKind::kCorrupt);
  EXPECT_EQ(error_kind_of([] { gunzip("bpe", "not gzip at all"); }), ErrorKind::kCorrupt);
  EXPECT_EQ(error_kind_of([] { gunzip("bpe", ""); }), ErrorKind::kCorrupt);
  EXPECT_EQ(error_kind_of([&] { gunzip("bpe", gz, 1000); }), ErrorKind::kInvalidInput);
}

}  // namespace
}  // namespace clipret::text
