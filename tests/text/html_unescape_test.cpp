#include "text/html_unescape.h"

#include <gtest/gtest.h>

#include "text/html_entities.h"

namespace clipret::text {
namespace {

// Expected values are what CPython 3.11's html.unescape returns.
TEST(HtmlUnescapeTest, MatchesPythonHtmlUnescape) {
  const std::pair<std::u32string, std::u32string> cases[] = {
      {U"&amp;amp;", U"&amp;"},
      {U"&amp", U"&"},
      {U"&ampx", U"&x"},
      {U"&notit;", U"\u00ACit;"},
      {U"&#65;&#x42;&#X43", U"ABC"},
      {U"&#128;", U"\u20AC"},
      {U"&#0;", U"\uFFFD"},
      {U"&#xD800;", U"\uFFFD"},
      {U"&#99999999999;", U"\uFFFD"},
      {U"&#1;x", U"x"},
      {U"&#65", U"A"},
      {U"&#xZ;", U"&#xZ;"},
      {U"&#;", U"&#;"},
      {U"&unknown;", U"&unknown;"},
      {U"&eacute", U"\u00E9"},
      {U"&Eacute;", U"\u00C9"},
      {U"&lt;b&gt;", U"<b>"},
      {U"&hellip;", U"\u2026"},
      {U"&apos;", U"'"},
      {U"a & b", U"a & b"},
      {U"&#13;", U"\r"},
      {U"&#xFFFE;", U""},
      {U"&caf\u00E9;", U"&caf\u00E9;"},
      {U"&copy\u00E9;", U"\u00A9\u00E9;"},
      {U"&notin;", U"\u2209"},
      {U"&EACUTE;", U"&EACUTE;"},
      {U"&nbsp;x", U"\u00A0x"},
  };
  for (const auto& [input, expected] : cases) {
    EXPECT_EQ(html_unescape(input), expected) << "case " << &input - &cases[0].first;
  }
}

TEST(HtmlUnescapeTest, TwiceUndoesDoubleEscaping) {
  EXPECT_EQ(html_unescape(html_unescape(U"fish &amp;amp; chips")), U"fish & chips");
}

// ftfy only decodes complete `&name;` / `&#...;` references, plus upper-cased names.
TEST(HtmlUnescapeTest, FtfyVariantIsStricter) {
  EXPECT_EQ(ftfy_unescape_html(U"&amp;amp;"), U"&amp;");
  EXPECT_EQ(ftfy_unescape_html(U"&amp x"), U"&amp x");
  EXPECT_EQ(ftfy_unescape_html(U"&#65;&#x42;&#67"), U"AB&#67");
  EXPECT_EQ(ftfy_unescape_html(U"&EACUTE;&SZLIG;"), U"\u00C9SS");
  EXPECT_EQ(ftfy_unescape_html(U"&AMP;&LT;"), U"&<");
  EXPECT_EQ(ftfy_unescape_html(U"&#59;"), U"&#59;");  // decodes to ';' so ftfy keeps it
  EXPECT_EQ(ftfy_unescape_html(U"&#12ab;"), U"&#12ab;");
  EXPECT_EQ(ftfy_unescape_html(U"&Amp;"), U"&Amp;");
}

TEST(HtmlEntitiesTest, CoversHtml4AndLegacyNames) {
  EXPECT_EQ(find_html_entity("amp;"), U'&');
  EXPECT_EQ(find_html_entity("amp"), U'&');
  EXPECT_EQ(find_html_entity("hellip;"), U'\u2026');
  EXPECT_EQ(find_html_entity("hellip"), std::nullopt);  // not a legacy name
  EXPECT_EQ(find_html_entity("rang;"), U'\u27E9');      // HTML5's value, not HTML4's
  EXPECT_EQ(find_html_entity("zwnj;"), U'\u200C');
  EXPECT_EQ(find_html_entity("AMP"), U'&');
  EXPECT_EQ(find_html_entity("nope;"), std::nullopt);
  EXPECT_EQ(find_html_entity(""), std::nullopt);
  EXPECT_GE(html_entity_count(), 258u);
}

}  // namespace
}  // namespace clipret::text
