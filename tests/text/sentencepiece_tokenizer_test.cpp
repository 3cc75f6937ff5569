// Tests of text/sentencepiece_tokenizer against transformers' XLMRobertaTokenizer rewritten on
// Debian's python3-sentencepiece (sentencepiece_reference.py, run by /usr/bin/python3). The model
// is trained at run time by Debian's spm_train on a generated corpus in several scripts, so no
// model file is checked in; its ~1% rarest characters are left out of the model, which gives
// unknown characters to test.
#include "text/sentencepiece_tokenizer.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "test_util.h"
#include "text/subword_tokenizer.h"

namespace clipret::text {
namespace {

using clipret::testing::run_command;
using clipret::testing::TempDir;
using clipret::testing::write_file;

constexpr size_t kMaxLength = 64;

// Words per script; the corpus repeats them in random sentences so BPE has merges to learn.
const std::vector<std::vector<std::string>> kWords = {
    {"a", "photo", "of", "the", "cat", "dog", "on", "a", "red", "car", "beautiful", "sunset",
     "mountain", "river", "with", "people", "walking", "in", "park"},
    {"une", "photo", "d'un", "chat", "à", "Paris", "été", "très", "belle", "forêt", "où"},
    {"ein", "Foto", "einer", "Katze", "Straße", "schöne", "Größe", "über", "Brücke"},
    {"фотография", "кошки", "собака", "красивый", "закат", "гора", "река", "в", "на"},
    {"φωτογραφία", "γάτα", "σκύλος", "όμορφο", "ηλιοβασίλεμα", "βουνό"},
    {"صورة", "قطة", "كلب", "جميل", "غروب", "الشمس", "جبل", "نهر"},
    {"猫", "的", "照片", "一只", "美丽", "日落", "山", "河", "狗", "在", "公园", "里"},
    {"写真", "です", "ねこ", "いぬ", "きれい", "夕日", "やま", "かわ"},
    {"बिल्ली", "की", "तस्वीर", "सुंदर", "सूर्यास्त", "पहाड़", "नदी"},
    {"🐱", "🐶", "🌅", "❤️", "😀", "!", "?", ",", ".", "2024", "100"},
};

std::string generate_corpus() {
  std::mt19937 rng(16);
  std::ostringstream out;
  for (int line = 0; line < 600; ++line) {
    const auto& words = kWords[rng() % kWords.size()];
    const int n = 3 + static_cast<int>(rng() % 8);
    for (int i = 0; i < n; ++i) {
      if (i > 0) out << (words == kWords[6] && rng() % 2 ? "" : " ");
      out << words[rng() % words.size()];
    }
    out << '\n';
  }
  // Rare characters, seen once each: below character_coverage, so unknown to the model.
  out << "ᚠᛇᚻ ꙮ ⵣ 𓀀\n";
  return out.str();
}

std::vector<std::string> test_texts() {
  std::vector<std::string> texts = {
      "",
      " ",
      "   \t\n  ",
      "a photo of the cat",
      "A PHOTO OF THE CAT",
      "  leading and trailing spaces  ",
      "double  spaces   inside",
      "une photo d'un chat à Paris",
      "une photo d'un chat a\xcc\x80 Paris",  // combining grave accent: NFKC composes it
      "ein Foto einer Katze auf der Straße",
      "Größe über Brücke",
      "фотография кошки",
      "φωτογραφία γάτα",
      "صورة قطة",
      "一只猫的照片",
      "猫の写真です",
      "बिल्ली की तस्वीर",
      "🐱🐶",
      "emoji 😀 test ❤️",
      "🦄 unicorn",  // an emoji the corpus never saw
      "ᚠᛇᚻ",           // rare runes, left out of the model
      "𓀀 hieroglyph",
      "ꙮ",
      "ＡＢＣ　ｆｕｌｌｗｉｄｔｈ",  // NFKC folds full-width forms and U+3000
      "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",                     // mathematical letters: NFKC makes them ASCII
      "ﬁne ligature",
      "tab\tseparated\tvalues",
      "new\nline",
      "control\x01\x02chars",
      "zero\xe2\x80\x8bwidth",  // U+200B
      "nbsp\xc2\xa0space",
      "invalid \xff\xfe utf-8",
      "truncated \xe3\x81",
      std::string("nul\0byte", 8),
      "1234567890",
      "2024!!! ???",
      "mixed 猫 and cat and кошка and قطة",
      "Paris, France.",
      "((brackets)) [and] {braces}",
      "a",
      ".",
      "▁ the meta symbol",
      "<s> literal </s>",
      "<unk>",
      "UPPER lower MiXeD",
      "ÀÉÎÕÜ àéîõü",
      "ß ẞ",
      "İstanbul ıi",
  };
  // Long texts that hit truncation.
  std::string long_latin, long_cjk;
  for (int i = 0; i < 200; ++i) long_latin += "beautiful sunset over the mountain river ";
  for (int i = 0; i < 200; ++i) long_cjk += "一只猫的照片";
  texts.push_back(long_latin);
  texts.push_back(long_cjk);
  return texts;
}

std::string hex(const std::string& bytes) {
  std::string out;
  char buf[3];
  for (unsigned char c : bytes) {
    std::snprintf(buf, sizeof buf, "%02x", c);
    out += buf;
  }
  return out;
}

// A model trained in a temp folder, as `sentencepiece.bpe.model` so the folder loads too.
class TrainedModel {
 public:
  TrainedModel() {
    write_file(dir_.file("corpus.txt"), generate_corpus());
    const auto run =
        run_command("spm_train --input='" + dir_.file("corpus.txt") + "' --model_prefix='" +
                    dir_.file("sentencepiece.bpe") +
                    "' --vocab_size=400 --model_type=bpe --hard_vocab_limit=false --num_threads=1"
                    " --minloglevel=2");
    if (run.exit_code != 0) {
      failure_ = "spm_train failed (exit " + std::to_string(run.exit_code) +
                 "; scripts/setup.sh installs sentencepiece):\n" + run.out + run.err;
    }
  }
  const std::string& failure() const { return failure_; }
  std::string folder() const { return dir_.path().string(); }
  std::string model() const { return dir_.file("sentencepiece.bpe.model"); }
  std::string file(const std::string& name) const { return dir_.file(name); }

 private:
  TempDir dir_;
  std::string failure_;
};

std::vector<int32_t> parse_ids(const std::string& line) {
  std::vector<int32_t> ids;
  std::istringstream in(line);
  int32_t id = 0;
  while (in >> id) ids.push_back(id);
  return ids;
}

TEST(SentencePieceTokenizer, MatchesXlmRobertaTokenizerInPython) {
  TrainedModel model;
  ASSERT_TRUE(model.failure().empty()) << model.failure();
  const std::vector<std::string> texts = test_texts();
  std::string lines;
  for (const std::string& text : texts) lines += hex(text) + "\n";
  write_file(model.file("texts.txt"), lines);
  const std::string script =
      std::string(CLIPRET_SOURCE_DIR) + "/tests/text/sentencepiece_reference.py";
  const auto run = run_command("/usr/bin/python3 '" + script + "' '" + model.model() + "' '" +
                               model.file("texts.txt") + "' " + std::to_string(kMaxLength));
  ASSERT_EQ(run.exit_code, 0)
      << "the Python reference failed; /usr/bin/python3 needs sentencepiece (scripts/setup.sh "
         "installs python3-sentencepiece):\n"
      << run.out << run.err;

  const SentencePieceTokenizer tokenizer(model.model(), kMaxLength);
  std::istringstream expected(run.out);
  size_t unknown = 0;
  size_t truncated = 0;
  for (const std::string& text : texts) {
    std::string line;
    ASSERT_TRUE(std::getline(expected, line)) << "the reference printed too few lines";
    const std::vector<int32_t> ids = tokenizer.encode(text);
    EXPECT_EQ(ids, parse_ids(line)) << "text (hex): " << hex(text);
    for (int32_t id : ids) unknown += id == kXlmrUnkId;
    truncated += ids.size() == kMaxLength;
  }
  // The texts exercise what they are meant to.
  EXPECT_GT(unknown, 0u);
  EXPECT_GE(truncated, 2u);
}

TEST(SentencePieceTokenizer, FramesAndTruncates) {
  TrainedModel model;
  ASSERT_TRUE(model.failure().empty()) << model.failure();
  const SentencePieceTokenizer tokenizer(model.model(), 5);
  EXPECT_EQ(tokenizer.encode(""), (std::vector<int32_t>{kXlmrBosId, kXlmrEosId}));
  const auto ids = tokenizer.encode("a photo of the cat on a red car");
  ASSERT_EQ(ids.size(), 5u);
  EXPECT_EQ(ids.front(), kXlmrBosId);
  EXPECT_EQ(ids.back(), kXlmrEosId);
  const auto content = tokenizer.encode_content("a photo of the cat on a red car");
  EXPECT_EQ(std::vector<int32_t>(ids.begin() + 1, ids.end() - 1),
            std::vector<int32_t>(content.begin(), content.begin() + 3));
  EXPECT_EQ(tokenizer.pad_id(), kXlmrPadId);
  EXPECT_EQ(tokenizer.max_length(), 5u);
  // Content ids skip fairseq's four specials, except the unknown character.
  for (int32_t id : content) EXPECT_GT(id, kXlmrUnkId);
  EXPECT_EQ(tokenizer.encode_content("🦄").back(), kXlmrUnkId);  // never seen in training
}

TEST(SentencePieceTokenizer, EncodesConcurrently) {
  TrainedModel model;
  ASSERT_TRUE(model.failure().empty()) << model.failure();
  const SentencePieceTokenizer tokenizer(model.model(), kMaxLength);
  const std::vector<std::string> texts = test_texts();
  std::vector<std::vector<int32_t>> expected;
  for (const std::string& text : texts) expected.push_back(tokenizer.encode(text));
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        for (size_t i = 0; i < texts.size(); ++i) {
          mismatches[t] += tokenizer.encode(texts[i]) != expected[i];
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

TEST(SentencePieceTokenizer, LoadsFromAModelFolder) {
  TrainedModel model;
  ASSERT_TRUE(model.failure().empty()) << model.failure();
  const auto tokenizer = load_subword_tokenizer(model.folder(), 32);
  ASSERT_NE(dynamic_cast<const SentencePieceTokenizer*>(tokenizer.get()), nullptr);
  EXPECT_EQ(tokenizer->max_length(), 32u);
  EXPECT_EQ(tokenizer->encode("a photo"),
            SentencePieceTokenizer(model.model(), 32).encode("a photo"));
}

TEST(SentencePieceTokenizer, ReportsBadModelFiles) {
  TempDir dir;
  try {
    SentencePieceTokenizer(dir.file("missing.model"), 16);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
    EXPECT_NE(std::string(e.what()).find("missing.model"), std::string::npos) << e.what();
  }
  write_file(dir.file("sentencepiece.bpe.model"), "not a protobuf");
  try {
    load_subword_tokenizer(dir.path().string(), 16);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kCorrupt);
    EXPECT_NE(std::string(e.what()).find("sentencepiece.bpe.model"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace clipret::text
