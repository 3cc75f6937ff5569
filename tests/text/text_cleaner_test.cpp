#include "text/text_cleaner.h"

#include <gtest/gtest.h>

#include "text/ftfy_fixer.h"
#include "text/unicode_transforms.h"

namespace clipret::text {
namespace {

// Expected values follow OpenAI's `whitespace_clean(basic_clean(text)).lower()` with ftfy 6.
TEST(TextCleanerTest, UnescapesHtmlRepeatedly) {
  EXPECT_EQ(clean_text("fish &amp;amp; chips"), U"fish & chips");
  // ftfy repeats its own unescaping until nothing changes, then html.unescape runs twice.
  EXPECT_EQ(clean_text("&amp;amp;amp;amp;lt;"), U"<");
  EXPECT_EQ(clean_text("&quot;hi&quot; &#39;x&#39;"), U"\"hi\" 'x'");
  // A '<' turns ftfy's unescaping off: only html.unescape's two passes remain.
  EXPECT_EQ(clean_text("<b>&amp;amp;amp;</b>"), U"<b>&amp;</b>");
}

TEST(TextCleanerTest, CollapsesAndStripsWhitespace) {
  EXPECT_EQ(clean_text("  a \t\n b\u00A0c\u3000d\r\n"), U"a b c d");
  EXPECT_EQ(clean_text(" \t\n "), U"");
  EXPECT_EQ(clean_text(""), U"");
  EXPECT_EQ(collapse_whitespace(U"\u2028x\u2003\u2003y\u0085"), U"x y");
}

TEST(TextCleanerTest, StraightensCurlyQuotes) {
  EXPECT_EQ(clean_text("\u201CHi\u201D \u2018there\u2019 it\u02BCs"), U"\"hi\" 'there' it's");
  // A curly quote written as a reference is uncurled too: ftfy decodes it, then fixes it.
  EXPECT_EQ(clean_text("it&#8217;s"), U"it's");
}

TEST(TextCleanerTest, ExpandsLatinLigatures) {
  EXPECT_EQ(clean_text("\uFB01ne \uFB02ow e\uFB03cient \u0132"), U"fine flow efficient ij");
}

TEST(TextCleanerTest, NarrowsFullWidthForms) {
  EXPECT_EQ(clean_text("\uFF21\uFF22\uFF23\uFF11\uFF12\uFF01"), U"abc12!");
  // Half-width katakana with a voicing mark: NFKC per character, then NFC composes them.
  EXPECT_EQ(clean_text("\uFF76\uFF9E"), U"\u30AC");
}

TEST(TextCleanerTest, NormalizesToNfc) {
  EXPECT_EQ(clean_text("Cafe\u0301"), U"caf\u00E9");
  EXPECT_EQ(nfc(U"\u1100\u1161"), U"\uAC00");  // Hangul jamo compose
}

TEST(TextCleanerTest, RemovesControlCharactersAndTerminalEscapes) {
  EXPECT_EQ(clean_text(std::string_view("a\0b\x07"
                                        "c\xEF\xBB\xBF"
                                        "d",
                                        9)),
            U"abcd");
  EXPECT_EQ(clean_text("\x1b[1;31mred\x1b[0m text"), U"red text");
  EXPECT_EQ(remove_control_chars(U"a\u200Bb\u206Ac"), U"a\u200Bbc");
  EXPECT_EQ(clean_text("A\vB\tC"), U"ab c");  // \v is a control to ftfy, not whitespace
}

// Plain ASCII takes a shortcut; it must agree with the full path on what it accepts.
TEST(TextCleanerTest, AsciiShortcutAgreesWithFullPath) {
  EXPECT_EQ(clean_text("  Hello,\r\n\fWORLD!  "), U"hello, world!");
  EXPECT_EQ(clean_text("a&amp;b"), U"a&b");  // '&' leaves the shortcut
  EXPECT_EQ(clean_text("\x1b[0mX"), U"x");   // so does ESC
}

TEST(TextCleanerTest, DecodesC1ControlsAsWindows1252) {
  EXPECT_EQ(clean_text("\u0093quoted\u0094 \u0080"), U"\"quoted\" \u20AC");
}

TEST(TextCleanerTest, LowersLikePython) {
  EXPECT_EQ(clean_text("İSTANBUL"), U"i\u0307stanbul");
  EXPECT_EQ(clean_text("ΟΔΟΣ ΣΑ"), U"\u03BF\u03B4\u03BF\u03C2 \u03C3\u03B1");
  EXPECT_EQ(python_lower(U"a\u03A3."), U"a\u03C2.");
  EXPECT_EQ(python_lower(U"\u03A3"), U"\u03C3");
}

TEST(TextCleanerTest, ReplacesInvalidUtf8) {
  EXPECT_EQ(clean_text("a\xFF"
                       "b\xE6\x9D"),
            U"a\uFFFDb\uFFFD");
}

TEST(FtfyFixerTest, FixesPerLineAndRepairsMojibake) {
  // The first line has no '<', so its entity is decoded; the second line has one, which switches
  // unescaping off for the rest of the text.
  EXPECT_EQ(ftfy_fix_text(U"&eacute;\n<&eacute;\n&eacute;"), U"\u00E9\n<&eacute;\n&eacute;");
  // fix_encoding (text/mojibake_repair.h) repairs mojibake, as ftfy does.
  EXPECT_EQ(ftfy_fix_text(U"caf\u00C3\u00A9"), U"caf\u00E9");
}

}  // namespace
}  // namespace clipret::text
