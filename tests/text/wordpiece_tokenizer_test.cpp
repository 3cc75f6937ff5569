// Tests of text/wordpiece_tokenizer (with its normalizer, pre-tokenizer, added tokens and file
// loaders): the ids of the tiny multilingual BERT fixture, which Hugging Face `tokenizers` wrote
// (mclip_tiny/mclip_dev.jsonl), loaded from tokenizer.json and from vocab.txt, then BERT's rules
// one by one on a small vocabulary.
#include "text/wordpiece_tokenizer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "test_util.h"
#include "text/hf_tokenizer_files.h"
#include "text/subword_tokenizer.h"

namespace clipret::text {
namespace {

using clipret::testing::fixture_path;
using clipret::testing::read_file;
using clipret::testing::TempDir;
using clipret::testing::write_file;

struct Case {
  std::string text;
  std::vector<int32_t> ids;
};

std::vector<Case> load_fixture_cases() {
  std::ifstream in(fixture_path("mclip_tiny/mclip_dev.jsonl"));
  std::vector<Case> cases;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line);
    cases.push_back({j["text"].get<std::string>(), j["input_ids"].get<std::vector<int32_t>>()});
  }
  return cases;
}

void expect_fixture_ids(const SubwordTokenizer& tokenizer) {
  const std::vector<Case> cases = load_fixture_cases();
  ASSERT_GE(cases.size(), 10u);
  for (const Case& c : cases) EXPECT_EQ(tokenizer.encode(c.text), c.ids) << c.text;
}

TEST(WordPieceTokenizer, MatchesTheFixtureFromTokenizerJson) {
  const auto tokenizer = load_subword_tokenizer(fixture_path("mclip_tiny/model"), 0);
  ASSERT_NE(dynamic_cast<const WordPieceTokenizer*>(tokenizer.get()), nullptr);
  EXPECT_EQ(tokenizer->max_length(), 128u);  // tokenizer_config.json's model_max_length
  EXPECT_EQ(tokenizer->pad_id(), 0);
  expect_fixture_ids(*tokenizer);
}

TEST(WordPieceTokenizer, MatchesTheFixtureFromVocabTxt) {
  const std::string model = fixture_path("mclip_tiny/model");
  const auto json = nlohmann::json::parse(read_file(model + "/tokenizer.json"));
  std::map<int32_t, std::string> by_id;
  for (const auto& [piece, id] : json["model"]["vocab"].items()) by_id[id.get<int32_t>()] = piece;
  std::string vocab;
  int32_t next = 0;
  for (const auto& [id, piece] : by_id) {
    ASSERT_EQ(id, next++) << "the fixture's ids have a gap";
    vocab += piece + "\n";
  }
  TempDir dir;
  write_file(dir.file("vocab.txt"), vocab);
  write_file(dir.file("tokenizer_config.json"), read_file(model + "/tokenizer_config.json"));
  const auto tokenizer = load_subword_tokenizer(dir.path().string(), 0);
  ASSERT_NE(dynamic_cast<const WordPieceTokenizer*>(tokenizer.get()), nullptr);
  EXPECT_EQ(tokenizer->max_length(), 128u);
  expect_fixture_ids(*tokenizer);
}

// A vocabulary for BERT's rules: ids are the positions here.
WordPieceModel small_model(bool lowercase, std::optional<bool> strip_accents = std::nullopt) {
  const std::vector<std::string> pieces = {
      "[PAD]", "[UNK]", "[CLS]",   "[SEP]",  "[MASK]",   "hello", "world", "he",
      "##llo", "un",    "##aff",   "##able", "a",        "##a",   ",",     "!",
      "$",     "5",     "你",      "好",     "istanbul", "οδοσ",  "οδος",  "héllo",
      "Hello", "Héllo", "##world", "WORLD",  "HELLO",    "cafe",  "café",  "x"};
  WordPieceModel model;
  for (size_t i = 0; i < pieces.size(); ++i) model.vocab[pieces[i]] = static_cast<int32_t>(i);
  model.normalizer.lowercase = lowercase;
  model.normalizer.strip_accents = strip_accents;
  for (int32_t id = 0; id <= 4; ++id) {
    AddedToken token;
    token.content = pieces[static_cast<size_t>(id)];
    token.id = id;
    model.added_tokens.push_back(token);
  }
  model.prefix_ids = {2};
  model.suffix_ids = {3};
  return model;
}

std::vector<int32_t> framed(std::vector<int32_t> content) {
  content.insert(content.begin(), 2);
  content.push_back(3);
  return content;
}

TEST(WordPieceTokenizer, LowercasesAndStripsAccentsLikeBertUncased) {
  const WordPieceTokenizer uncased(small_model(true), 128);
  // bert-base-uncased: "Héllo WORLD" -> [CLS] hello world [SEP].
  EXPECT_EQ(uncased.encode("Héllo WORLD"), framed({5, 6}));
  // Decomposed input strips the same way.
  EXPECT_EQ(uncased.encode("He\xcc\x81llo"), framed({5}));
  // Accents go before lowercasing, so U+0130 loses its dot: "istanbul", as `tokenizers` does.
  EXPECT_EQ(uncased.encode("İSTANBUL"), framed({20}));
  // Lowercasing is per character: a final capital sigma becomes σ, not ς.
  EXPECT_EQ(uncased.encode("ΟΔΟΣ"), framed({21}));
  EXPECT_EQ(uncased.encode("Café"), framed({29}));

  // lowercase without accent stripping keeps é.
  const WordPieceTokenizer lower_only(small_model(true, false), 128);
  EXPECT_EQ(lower_only.encode("HÉLLO café"), framed({23, 30}));
  // accent stripping without lowercasing.
  const WordPieceTokenizer strip_only(small_model(false, true), 128);
  EXPECT_EQ(strip_only.encode("Héllo WORLD"), framed({24, 27}));
  // cased: nothing changes.
  const WordPieceTokenizer cased(small_model(false), 128);
  EXPECT_EQ(cased.encode("Héllo WORLD HELLO"), framed({25, 27, 28}));
  EXPECT_EQ(cased.encode("hello"), framed({5}));
}

TEST(WordPieceTokenizer, SplitsWordsIntoLongestPieces) {
  const WordPieceTokenizer tokenizer(small_model(true), 128);
  // The BERT paper's example.
  EXPECT_EQ(tokenizer.encode("unaffable"), framed({9, 10, 11}));
  EXPECT_EQ(tokenizer.encode("helloworld"), framed({5, 26}));
  // "he" + "##llo" loses to the longer "hello"; an unmatched remainder makes the word unknown.
  EXPECT_EQ(tokenizer.encode("hellox"), framed({1}));
  EXPECT_EQ(tokenizer.encode("xyz hello"), framed({1, 5}));
  EXPECT_EQ(tokenizer.encode_content("aaa"), (std::vector<int32_t>{12, 13, 13}));
}

TEST(WordPieceTokenizer, SplitsOnWhitespacePunctuationAndCjk) {
  const WordPieceTokenizer tokenizer(small_model(true), 128);
  EXPECT_EQ(tokenizer.encode("hello,world!"), framed({5, 14, 6, 15}));
  // ASCII symbols count as punctuation, as in BERT.
  EXPECT_EQ(tokenizer.encode("$5"), framed({16, 17}));
  EXPECT_EQ(tokenizer.encode("hello你好world"), framed({5, 18, 19, 6}));
  EXPECT_EQ(tokenizer.encode("  hello \t\n world\r\n"), framed({5, 6}));
  // U+00A0 and U+3000 are whitespace.
  EXPECT_EQ(tokenizer.encode("hello\xc2\xa0world\xe3\x80\x80hello"), framed({5, 6, 5}));
  EXPECT_EQ(tokenizer.encode(""), framed({}));
  EXPECT_EQ(tokenizer.encode(" \t "), framed({}));
}

TEST(WordPieceTokenizer, RemovesControlAndFormatCharacters) {
  const WordPieceTokenizer tokenizer(small_model(true), 128);
  EXPECT_EQ(tokenizer.encode("hel\xe2\x80\x8blo"), framed({5}));  // U+200B, Cf
  EXPECT_EQ(tokenizer.encode("hel\x01lo\x7f"), framed({5}));      // Cc
  EXPECT_EQ(tokenizer.encode(std::string("hel\0lo", 6)), framed({5}));
  EXPECT_EQ(tokenizer.encode("hel\xef\xbf\xbdlo"), framed({5}));  // U+FFFD
  // U+0085 is a control character before it is whitespace: dropped, joining the words.
  EXPECT_EQ(tokenizer.encode("hello\xc2\x85world"), framed({5, 26}));
  // Unassigned (Cn) and private use (Co) characters go too.
  EXPECT_EQ(tokenizer.encode("hel\xcd\xb8lo\xee\x80\x80"), framed({5}));  // U+0378, U+E000
}

TEST(WordPieceTokenizer, LongWordsBecomeUnknown) {
  const WordPieceTokenizer tokenizer(small_model(true), 512);
  EXPECT_EQ(tokenizer.encode(std::string(101, 'a')), framed({1}));
  const std::vector<int32_t> hundred = tokenizer.encode_content(std::string(100, 'a'));
  ASSERT_EQ(hundred.size(), 100u);
  EXPECT_EQ(hundred.front(), 12);
  EXPECT_EQ(hundred.back(), 13);
  // The limit counts characters, not bytes: 100 two-byte characters still split.
  std::string accents;
  for (int i = 0; i < 100; ++i) accents += "\xc3\xa1";  // á, stripped to a
  EXPECT_EQ(tokenizer.encode_content(accents).size(), 100u);
}

TEST(WordPieceTokenizer, TruncatesKeepingTheFraming) {
  const WordPieceTokenizer tokenizer(small_model(true), 5);
  EXPECT_EQ(tokenizer.encode("hello world hello world"), (std::vector<int32_t>{2, 5, 6, 5, 3}));
  EXPECT_EQ(tokenizer.encode("hello world hello"), (std::vector<int32_t>{2, 5, 6, 5, 3}));
  EXPECT_EQ(tokenizer.encode("hello"), (std::vector<int32_t>{2, 5, 3}));
  EXPECT_THROW(WordPieceTokenizer(small_model(true), 2), Error);
}

TEST(WordPieceTokenizer, InvalidUtf8BecomesReplacementAndIsDropped) {
  const WordPieceTokenizer tokenizer(small_model(true), 128);
  EXPECT_EQ(tokenizer.encode("hello \xff\xfe world"), framed({5, 6}));
  EXPECT_EQ(tokenizer.encode("hel\xc3lo"), framed({5}));
  EXPECT_EQ(tokenizer.encode("hello \xe3\x81"), framed({5}));
  EXPECT_EQ(tokenizer.encode("\xed\xa0\x80\xc0\xaf"), framed({}));  // surrogate, overlong
  // Without clean_text the U+FFFD stays, and no piece matches it.
  WordPieceModel raw = small_model(true);
  raw.normalizer.clean_text = false;
  EXPECT_EQ(WordPieceTokenizer(raw, 128).encode("hello \xff"), framed({5, 1}));
}

TEST(WordPieceTokenizer, AddedTokensInTheTextKeepTheirIds) {
  const WordPieceTokenizer tokenizer(small_model(true), 128);
  // Matched on the raw text, before lowercasing.
  EXPECT_EQ(tokenizer.encode("hello [MASK] world"), framed({5, 4, 6}));
  EXPECT_EQ(tokenizer.encode("hello[SEP]world"), framed({5, 3, 6}));
  // Case matters: "[mask]" is ordinary text, "[" "mask" "]", none of them in this vocabulary.
  EXPECT_EQ(tokenizer.encode("[mask]"), framed({1, 1, 1}));
}

TEST(WordPieceTokenizer, AddedTokenOptions) {
  WordPieceModel model = small_model(true);
  model.vocab["[new]"] = 40;
  AddedToken lstrip{"<X>", 41, false, true, false, false};
  AddedToken single{"hey", 42, true, false, false, false};
  AddedToken normalized{"WORLD!", 43, false, false, false, true};
  model.added_tokens.insert(model.added_tokens.end(), {lstrip, single, normalized});
  const WordPieceTokenizer tokenizer(model, 128);
  EXPECT_EQ(tokenizer.encode("hello   <X> hello"), framed({5, 41, 5}));
  // single_word: "hey" alone is the token, inside "heyhello" it is not.
  EXPECT_EQ(tokenizer.encode("hey hello"), framed({42, 5}));
  EXPECT_EQ(tokenizer.encode("heyhello"), framed({1}));
  // normalized: matched on the lowercased text against the lowercased "world!".
  EXPECT_EQ(tokenizer.encode("Hello World!"), framed({5, 43}));
}

TEST(WordPieceTokenizer, EncodesConcurrently) {
  const auto tokenizer = load_subword_tokenizer(fixture_path("mclip_tiny/model"), 0);
  const std::vector<Case> cases = load_fixture_cases();
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 50; ++round) {
        for (const Case& c : cases) mismatches[t] += tokenizer->encode(c.text) != c.ids;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

// Runs `f`, expecting an Error of `kind` whose message names `name`.
template <typename F>
void expect_error(F f, ErrorKind kind, const std::string& name) {
  try {
    f();
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
  }
}

TEST(WordPieceTokenizer, ReportsBadFiles) {
  TempDir dir;
  const std::string folder = dir.path().string();
  expect_error([&] { load_subword_tokenizer(folder, 16); }, ErrorKind::kNotFound, folder);
  expect_error([&] { load_wordpiece_vocab_txt(folder); }, ErrorKind::kNotFound, "vocab.txt");

  write_file(dir.file("vocab.txt"), "[PAD]\n[UNK]\n[SEP]\nhello\n");
  expect_error([&] { load_subword_tokenizer(folder, 16); }, ErrorKind::kCorrupt, "vocab.txt");
  write_file(dir.file("vocab.txt"), "[PAD]\n[CLS]\n[SEP]\nhello\n");
  expect_error([&] { load_subword_tokenizer(folder, 16); }, ErrorKind::kCorrupt, "[UNK]");
  write_file(dir.file("vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n");
  expect_error([&] { load_subword_tokenizer(folder, 0); }, ErrorKind::kInvalidInput,
               "model_max_length");
  write_file(dir.file("tokenizer_config.json"), "{\"do_lower_case\": \"yes\"}");
  expect_error([&] { load_subword_tokenizer(folder, 16); }, ErrorKind::kCorrupt,
               "tokenizer_config.json");
  write_file(dir.file("tokenizer_config.json"), "{\"do_lower_case\": false}");
  EXPECT_EQ(load_subword_tokenizer(folder, 16)->encode("hello Hello"),
            (std::vector<int32_t>{2, 4, 1, 3}));

  write_file(dir.file("tokenizer.json"), "{\"model\": ");
  expect_error([&] { load_subword_tokenizer(folder, 16); }, ErrorKind::kCorrupt, "tokenizer.json");
  write_file(dir.file("tokenizer.json"), "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {}}}");
  expect_error([&] { load_subword_tokenizer(folder, 16); }, ErrorKind::kCorrupt, "[UNK]");
  // A BPE tokenizer.json defers to vocab.txt when there is one, else is unsupported.
  write_file(dir.file("tokenizer.json"), "{\"model\": {\"type\": \"BPE\"}}");
  EXPECT_EQ(load_subword_tokenizer(folder, 16)->encode("hello"), (std::vector<int32_t>{2, 4, 3}));
  std::filesystem::remove(dir.file("vocab.txt"));
  expect_error([&] { load_subword_tokenizer(folder, 16); }, ErrorKind::kUnsupported, "BPE");
}

}  // namespace
}  // namespace clipret::text
