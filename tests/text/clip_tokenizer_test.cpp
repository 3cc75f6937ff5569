#include "text/clip_tokenizer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "test_util.h"

namespace clipret::text {
namespace {

using testing::fixture_path;

struct Case {
  std::string text;
  std::vector<int32_t> ids;
};

std::vector<Case> load_dev_cases() {
  std::ifstream in(fixture_path("tokenizer/tokenizer_dev.jsonl"));
  std::vector<Case> cases;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line);
    cases.push_back({j.at("text").get<std::string>(), j.at("ids").get<std::vector<int32_t>>()});
  }
  return cases;
}

const ClipTokenizer& openai_tokenizer() {
  static const ClipTokenizer t =
      ClipTokenizer::load(fixture_path("tokenizer/bpe_simple_vocab_16e6.txt.gz"));
  return t;
}

const ClipTokenizer& hf_tokenizer() {
  static const ClipTokenizer t = ClipTokenizer::load(fixture_path("tokenizer"));
  return t;
}

// Every line of the reference file must match exactly; mismatches are listed with both sides.
void expect_matches_dev_set(const ClipTokenizer& tokenizer) {
  const std::vector<Case> cases = load_dev_cases();
  ASSERT_GE(cases.size(), 30u);
  size_t matched = 0;
  for (const Case& c : cases) {
    const std::vector<int32_t> ids = tokenizer.tokenize(c.text);
    if (ids == c.ids) {
      ++matched;
    } else {
      ADD_FAILURE() << "text: " << nlohmann::json(c.text).dump()
                    << "\n  got:      " << nlohmann::json(ids).dump()
                    << "\n  expected: " << nlohmann::json(c.ids).dump();
    }
  }
  std::cout << "[ tokenizer_dev ] " << matched << " / " << cases.size() << " match\n";
  EXPECT_EQ(matched, cases.size());
}

TEST(ClipTokenizerTest, MatchesReferenceWithOpenAiVocabulary) {
  expect_matches_dev_set(openai_tokenizer());
}

TEST(ClipTokenizerTest, MatchesReferenceWithHuggingFaceVocabulary) {
  expect_matches_dev_set(hf_tokenizer());
}

TEST(ClipTokenizerTest, EncodesKnownSentence) {
  EXPECT_EQ(openai_tokenizer().encode("a photo of a fox"),
            (std::vector<int32_t>{320, 1125, 539, 320, 3240}));
}

TEST(ClipTokenizerTest, EmptyStringIsStartAndEnd) {
  const std::vector<int32_t> ids = openai_tokenizer().tokenize("");
  ASSERT_EQ(ids.size(), kClipContextLength);
  EXPECT_EQ(ids[0], 49406);
  EXPECT_EQ(ids[1], 49407);
  for (size_t i = 2; i < ids.size(); ++i) EXPECT_EQ(ids[i], 0) << i;
  EXPECT_TRUE(openai_tokenizer().encode("").empty());
}

TEST(ClipTokenizerTest, TruncatesToContextLength) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "cat ";
  const std::vector<int32_t> ids = openai_tokenizer().tokenize(text);
  ASSERT_EQ(ids.size(), 77u);
  EXPECT_EQ(ids.front(), 49406);
  for (size_t i = 1; i < 76; ++i) EXPECT_EQ(ids[i], 2368) << i;
  EXPECT_EQ(ids.back(), 49407);

  // Exactly 75 content tokens fit without truncation; 76 do not.
  std::string fits;
  for (int i = 0; i < 75; ++i) fits += "cat ";
  EXPECT_NO_THROW(openai_tokenizer().tokenize(fits, Truncation::kError));
  EXPECT_THROW(openai_tokenizer().tokenize(fits + "cat", Truncation::kError), Error);
  try {
    openai_tokenizer().tokenize(text, Truncation::kError);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
    EXPECT_NE(std::string(e.what()).find("too long"), std::string::npos);
  }
}

TEST(ClipTokenizerTest, HonoursContextLengthOption) {
  const ClipTokenizer small(
      BpeVocabulary::from_openai_gz(fixture_path("tokenizer/bpe_simple_vocab_16e6.txt.gz")),
      ClipTokenizerOptions{.context_length = 4, .cache_capacity = 0});
  EXPECT_EQ(small.tokenize("a photo of a fox"), (std::vector<int32_t>{49406, 320, 1125, 49407}));
  EXPECT_EQ(small.cached_words(), 0u);
  EXPECT_THROW(ClipTokenizer(BpeVocabulary::from_openai_merges("m", "#v\n", 0),
                             ClipTokenizerOptions{.context_length = 1}),
               Error);
}

TEST(ClipTokenizerTest, BatchReportsEndPositions) {
  std::string long_text;
  for (int i = 0; i < 100; ++i) long_text += "dog ";
  const std::vector<std::string> texts = {"a photo of a cat", "", long_text,
                                          "<|startoftext|>hi<|endoftext|>"};
  const TokenBatch batch = openai_tokenizer().tokenize_batch(texts);
  EXPECT_EQ(batch.rows, 4u);
  EXPECT_EQ(batch.context_length, 77u);
  ASSERT_EQ(batch.ids.size(), 4u * 77u);
  EXPECT_EQ(batch.end_positions, (std::vector<int32_t>{6, 1, 76, 3}));
  for (size_t r = 0; r < texts.size(); ++r) {
    const std::vector<int32_t> row(batch.ids.begin() + static_cast<std::ptrdiff_t>(r * 77),
                                   batch.ids.begin() + static_cast<std::ptrdiff_t>(r * 77 + 77));
    EXPECT_EQ(row, openai_tokenizer().tokenize(texts[r])) << r;
  }
  try {
    openai_tokenizer().tokenize_batch(texts, Truncation::kError);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("row 2"), std::string::npos) << e.what();
  }
}

TEST(ClipTokenizerTest, InvalidUtf8NeverThrows) {
  const std::string bad = "caf\xC3 \xFF\xFE cr\xE8me \xED\xA0\x80";
  const std::vector<int32_t> ids = openai_tokenizer().tokenize(bad);
  EXPECT_EQ(ids[0], 49406);
  // Same ids as the text with U+FFFD in place of each invalid sequence.
  EXPECT_EQ(ids,
            openai_tokenizer().tokenize("caf\uFFFD \uFFFD\uFFFD cr\uFFFDme \uFFFD\uFFFD\uFFFD"));
}

// ftfy repairs UTF-8 that was read as Latin-1 or Windows-1252 before tokenizing.
TEST(ClipTokenizerTest, MojibakeGivesTheIdsOfTheRepairedText) {
  EXPECT_EQ(openai_tokenizer().tokenize("sch\u00C3\u00B6n"),
            openai_tokenizer().tokenize("sch\u00F6n"));
  EXPECT_EQ(openai_tokenizer().tokenize("caf\u00C3\u0192\u00C2\u00A9 don\u00E2\u20AC\u2122t"),
            openai_tokenizer().tokenize("caf\u00E9 don't"));
  EXPECT_NE(openai_tokenizer().tokenize("sch\u00C3\u00B6n"),
            openai_tokenizer().tokenize("sch\u00C3n"));
}

TEST(ClipTokenizerTest, ConcurrentEncodeGivesIdenticalResults) {
  // A fresh tokenizer, so the threads race on an empty cache.
  const ClipTokenizer tokenizer =
      ClipTokenizer::load(fixture_path("tokenizer/bpe_simple_vocab_16e6.txt.gz"));
  std::vector<std::string> texts;
  for (const Case& c : load_dev_cases()) texts.push_back(c.text);
  for (int i = 0; i < 200; ++i) texts.push_back("caption number " + std::to_string(i * 7919));
  const TokenBatch expected = openai_tokenizer().tokenize_batch(texts);

  constexpr int kThreads = 4;
  std::vector<TokenBatch> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) results[t] = tokenizer.tokenize_batch(texts);
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(results[t].ids, expected.ids) << "thread " << t;
    EXPECT_EQ(results[t].end_positions, expected.end_positions) << "thread " << t;
  }
  EXPECT_GT(tokenizer.cached_words(), 0u);
}

}  // namespace
}  // namespace clipret::text
