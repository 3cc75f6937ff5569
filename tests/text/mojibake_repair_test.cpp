#include "text/mojibake_repair.h"

#include <gtest/gtest.h>

#include "text/ftfy_fixer.h"
#include "text/text_cleaner.h"

namespace clipret::text {
namespace {

// Inputs are UTF-8 text decoded as Latin-1 or Windows-1252 (what Python's
// `s.encode("utf-8").decode("windows-1252")` gives); expected values are ftfy 6's.
TEST(MojibakeRepairTest, FixesUtf8ReadAsLatin1OrWindows1252) {
  EXPECT_EQ(fix_encoding(U"schÃ¶n"), U"schön");
  EXPECT_EQ(fix_encoding(U"cafÃ©"), U"café");
  EXPECT_EQ(fix_encoding(U"Ã©tÃ©"), U"été");
  EXPECT_EQ(fix_encoding(U"Ã‰COLE"), U"ÉCOLE");
  // Windows-1252 characters: ’ is E2 80 99, read as "â€™".
  EXPECT_EQ(fix_encoding(U"donâ€™t"), U"don\u2019t");
  EXPECT_EQ(fix_encoding(U"âœ” No problems"), U"✔ No problems");
  // 9D is undefined in Windows-1252; the sloppy codec reads it as U+009D and writes it back.
  EXPECT_EQ(fix_encoding(U"â€œquotedâ€\u009D"), U"\u201Cquoted\u201D");
}

TEST(MojibakeRepairTest, UndoesEveryLayerOfDoubledMojibake) {
  EXPECT_EQ(fix_encoding(U"cafÃƒÂ©"), U"café");
  // ftfy's README example: three layers.
  EXPECT_EQ(fix_encoding(U"The Mona Lisa doesnÃƒÂ¢Ã¢â€šÂ¬Ã¢â€žÂ¢t have eyebrows."),
            U"The Mona Lisa doesn\u2019t have eyebrows.");
}

TEST(MojibakeRepairTest, FixesOnlyTheMojibakeSpans) {
  // Not all of it re-encodes to valid UTF-8: the legitimate "ö" is byte F6 in Latin-1.
  EXPECT_EQ(fix_encoding(U"schÃ¶n und schön"), U"schön und schön");
  // Not encodable in one byte per character at all.
  EXPECT_EQ(fix_encoding(U"東京 cafÃ©"), U"東京 café");
  EXPECT_EQ(fix_encoding(U"Ελληνικά and donâ€™t"), U"Ελληνικά and don\u2019t");
  EXPECT_EQ(decode_inconsistent_utf8(U"naïve cafÃ©"), U"naïve café");
  // A span alone must look bad: "Ã¥" (å) only counts as bad after a letter, so here it stays.
  EXPECT_EQ(decode_inconsistent_utf8(U"ö Ã¥"), U"ö Ã¥");
}

TEST(MojibakeRepairTest, RestoresNoBreakSpaceTurnedIntoSpace) {
  // "à" is C3 A0; the A0 became a space that merged with the one after it.
  EXPECT_EQ(fix_encoding(U"Ã la carte"), U"à la carte");
  EXPECT_EQ(fix_encoding(U"Ã\u00A0 perturber la réflexion"), U"à perturber la réflexion");
  EXPECT_EQ(restore_byte_a0("\xC3 la"), "\xC3\xA0 la");
  // Portuguese "às", "àquele": the space itself was the A0.
  EXPECT_EQ(restore_byte_a0("\xC3 s \xC3 quele"), "\xC3\xA0s \xC3\xA0quele");
  EXPECT_EQ(restore_byte_a0("\xC2 "), "\xC2\xA0");                  // NBSP
  EXPECT_EQ(restore_byte_a0("\xF0\x9F\x99 "), "\xF0\x9F\x99\xA0");  // U+1F660
  EXPECT_EQ(restore_byte_a0("a b \xC3\xA9"), "a b \xC3\xA9");       // nothing to restore
}

TEST(MojibakeRepairTest, ReplacesLossySequences) {
  // 0x1A is the sloppy codec's byte for U+FFFD, '?' an encoder's stand-in for a lost character.
  EXPECT_EQ(replace_lossy_sequences("caf\xC3\x1A"), "caf\xEF\xBF\xBD");
  EXPECT_EQ(replace_lossy_sequences("\xE2\x80?"), "\xEF\xBF\xBD");
  EXPECT_EQ(replace_lossy_sequences("\xF0\x9F\x1A\x80!"), "\xEF\xBF\xBD!");
  EXPECT_EQ(replace_lossy_sequences("a\x1A"), "a\xEF\xBF\xBD");
  EXPECT_EQ(replace_lossy_sequences("what? \xC3\xA9"), "what? \xC3\xA9");
  // Through fix_encoding: "é" lost its second byte, the rest of the text is still repaired.
  EXPECT_EQ(fix_encoding(U"cafÃ\uFFFD crÃ¨me"), U"caf\uFFFD crème");
}

TEST(MojibakeRepairTest, LeavesLegitimateTextAlone) {
  for (const char32_t* text :
       {U"naïve café", U"Ÿ", U"Straße", U"£5", U"élève", U"crème brûlée", U"IL Y MARQUÉ…",
        U"ÀÉÎÕÜ uppercase accents", U"Ελληνικά κείμενο", U"русский текст", U"東京の猫",
        U"🐱🐶 emoji party 🎉", U"© 2021 «quoted» ¿Qué?", U"90° ½ cup ×2", U"Ça va, Ðurđević",
        U"São Paulo, ação", U"a photo of a cat", U"\uFFFD\uFFFD", U""}) {
    EXPECT_EQ(fix_encoding(text), text) << "changed: " << testing::PrintToString(text);
  }
}

// fix_encoding runs inside ftfy_fix_text, before the per-character fixers, so the repaired
// curly quotes are then straightened.
TEST(MojibakeRepairTest, RunsInsideFixTextBeforeUncurlingQuotes) {
  EXPECT_EQ(ftfy_fix_text(U"donâ€™t"), U"don't");
  EXPECT_EQ(ftfy_fix_text(U"She said â€œquotedâ€\u009D twice"), U"She said \"quoted\" twice");
  EXPECT_EQ(ftfy_fix_text(U"&eacute; cafÃ©\nschÃ¶n"), U"é café\nschön");
  EXPECT_EQ(clean_text("Caf\xC3\x83\xC2\xA9 CR\xC3\x83\xC2\x88ME"), U"café crème");
}

}  // namespace
}  // namespace clipret::text
