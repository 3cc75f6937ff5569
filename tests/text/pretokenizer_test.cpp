#include "text/pretokenizer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "text/utf8.h"

namespace clipret::text {
namespace {

std::vector<std::u32string> pieces(std::u32string_view text) {
  std::vector<Pretoken> spans;
  pretokenize(text, spans);
  std::vector<std::u32string> out;
  for (const Pretoken& p : spans) out.emplace_back(text.substr(p.begin, p.end - p.begin));
  return out;
}

using Pieces = std::vector<std::u32string>;

// Expected values are what OpenAI's regex gives with the `regex` module (IGNORECASE).
TEST(PretokenizerTest, SplitsLikeTheClipRegex) {
  EXPECT_EQ(pieces(U"it's a dog's life"), (Pieces{U"it", U"'s", U"a", U"dog", U"'s", U"life"}));
  EXPECT_EQ(pieces(U"2024"), (Pieces{U"2", U"0", U"2", U"4"}));
  EXPECT_EQ(pieces(U"hi!!! ?'s"), (Pieces{U"hi", U"!!!", U"?'", U"s"}));
  EXPECT_EQ(pieces(U"we'll they're i'd you've i'm don't"),
            (Pieces{U"we", U"'ll", U"they", U"'re", U"i", U"'d", U"you", U"'ve", U"i", U"'m",
                    U"don", U"'t"}));
  EXPECT_EQ(pieces(U"ab\u200Bcd"), (Pieces{U"ab", U"\u200B", U"cd"}));
  EXPECT_EQ(pieces(U"\u216B\u00BDx"), (Pieces{U"\u216B", U"\u00BD", U"x"}));
  EXPECT_EQ(pieces(U""), Pieces{});
  EXPECT_EQ(pieces(U" \t "), Pieces{});
}

TEST(PretokenizerTest, CombiningMarksAreNotLetters) {
  EXPECT_EQ(pieces(U"\u0939\u093F\u0928\u094D\u0926\u0940"),
            (Pieces{U"\u0939", U"\u093F", U"\u0928", U"\u094D", U"\u0926", U"\u0940"}));
}

TEST(PretokenizerTest, RecognisesSpecialTokens) {
  std::vector<Pretoken> spans;
  pretokenize(U"<|startoftext|>hi<|endoftext|>", spans);
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[0].special, SpecialToken::kStartOfText);
  EXPECT_EQ(spans[1].special, SpecialToken::kNone);
  EXPECT_EQ(spans[2].special, SpecialToken::kEndOfText);
  // Inside a run of punctuation the special alternative never gets a chance.
  EXPECT_EQ(pieces(U"!<|endoftext|>"), (Pieces{U"!<|", U"endoftext", U"|>"}));
}

TEST(PretokenizerTest, IgnoresCaseLikeTheRegex) {
  EXPECT_EQ(pieces(U"x'S"), (Pieces{U"x", U"'S"}));
  EXPECT_EQ(pieces(U"x'\u017F"), (Pieces{U"x", U"'\u017F"}));  // long s folds to s
  EXPECT_EQ(pieces(U"<|\u017FTARToftext|>"), (Pieces{U"<|\u017FTARToftext|>"}));
}

}  // namespace
}  // namespace clipret::text
