#include "text/mojibake_badness.h"

#include <gtest/gtest.h>

namespace clipret::text {
namespace {

// What ftfy 6's `is_bad` answers, by the sequences its badness.py lists.
TEST(MojibakeBadnessTest, FlagsMojibakeSequences) {
  EXPECT_TRUE(looks_like_mojibake(U"schÃ¶n"));        // accented capital, then "¶"
  EXPECT_TRUE(looks_like_mojibake(U"cafÃ©"));         // "Ã" then "©"
  EXPECT_TRUE(looks_like_mojibake(U"donâ€™t"));       // small accented letter, then currency
  EXPECT_TRUE(looks_like_mojibake(U"a\u0093b"));      // any C1 control
  EXPECT_TRUE(looks_like_mojibake(U"Ã la carte"));    // "Ã " at the start
  EXPECT_TRUE(looks_like_mojibake(U"voilÃ "));        // "Ã " after a letter
  EXPECT_TRUE(looks_like_mojibake(U"blÃ¥"));          // letter, accented capital, currency
  EXPECT_TRUE(looks_like_mojibake(U"cœ\u2019"));      // œ not followed by a Latin letter
  EXPECT_TRUE(looks_like_mojibake(U"\uFFFD\uFFFD"));  // U+FFFD counts as "bad"
}

TEST(MojibakeBadnessTest, AcceptsLegitimateText) {
  for (const char32_t* text :
       {U"naïve café", U"Ÿ", U"Straße", U"£5", U"€20", U"élève", U"IL Y MARQUÉ…",
        U"ÀÉÎÕÜ uppercase accents", U"Ελληνικά", U"русский текст", U"東京の猫", U"🐱🐶🎉", U"90°",
        U"«quoted» ¿Qué?", U"cœur", U"Ã¥", U"", U"plain ascii"}) {
    EXPECT_FALSE(looks_like_mojibake(text)) << testing::PrintToString(text);
  }
}

}  // namespace
}  // namespace clipret::text
