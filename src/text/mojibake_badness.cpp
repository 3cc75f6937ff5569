#include "text/mojibake_badness.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "text/unicode_props.h"

namespace clipret::text {
namespace {

// ftfy's character categories (badness.py MOJIBAKE_CATEGORIES), one bit each.
constexpr uint32_t kCommon = 1u << 0;  // in many contexts: NBSP, soft hyphen, dashes, "…", "’"
constexpr uint32_t kC1 = 1u << 1;      // U+0080..U+009F, unused outside mojibake
constexpr uint32_t kBad = 1u << 2;  // nearly only in mojibake: ¦ ¤ ¨ ¶ § ƒ ˆ † ‰ U+FFFD
constexpr uint32_t kCurrency = 1u << 3;       // ¢ £ ¥ ₧ €
constexpr uint32_t kStartPunct = 1u << 4;     // ¡ « ¿ © ‘ ‚ “ „ • ‹ ...
constexpr uint32_t kEndPunct = 1u << 5;       // ® » ˝ ” › ™
constexpr uint32_t kNumeric = 1u << 6;        // ² ³ ¹ ± ¼ ½ ¾ × µ ÷ and math symbols
constexpr uint32_t kKaomoji = 1u << 7;        // O/U variants and "°", which emoticons use
constexpr uint32_t kUpperAccented = 1u << 8;  // À..Ñ, Ø, Ü, Ý and Central European capitals
constexpr uint32_t kLowerAccented = 1u << 9;  // ß, à..ñ and Central European small letters
constexpr uint32_t kUpperCommon = 1u << 10;   // Þ, Greek and Cyrillic capitals
constexpr uint32_t kLowerCommon = 1u << 11;   // Greek and Cyrillic small letters
constexpr uint32_t kBox = 1u << 12;           // box drawing and block elements
// Regex classes that are not ftfy categories, computed per character.
constexpr uint32_t kAsciiLower = 1u << 13;      // [a-z]
constexpr uint32_t kAsciiUpper = 1u << 14;      // [A-Z]
constexpr uint32_t kSpace = 1u << 15;           // \s
constexpr uint32_t kWord = 1u << 16;            // \w
constexpr uint32_t kNotAsciiLetter = 1u << 17;  // [^A-Za-z]
constexpr uint32_t kNotNewline = 1u << 18;      // .
// kCommon..kBox together: the ftfy categories proper.
constexpr uint32_t kFtfyCategories = (kBox << 1) - 1;
constexpr uint32_t kAsciiLetter = kAsciiLower | kAsciiUpper;

struct CategoryRange {
  char32_t first;
  char32_t last;
  uint32_t bits;
};

// Sorted, non-overlapping; a character in two ftfy categories has both bits.
// clang-format off
constexpr CategoryRange kCategoryRanges[] = {
    // Latin-1 symbols and letters.
    {0x80, 0x9F, kC1},            {0xA0, 0xA0, kCommon},        {0xA1, 0xA1, kStartPunct},
    {0xA2, 0xA3, kCurrency},      {0xA4, 0xA4, kBad},           {0xA5, 0xA5, kCurrency},
    {0xA6, 0xA8, kBad},           {0xA9, 0xA9, kStartPunct},    {0xAA, 0xAA, kBad},
    {0xAB, 0xAB, kStartPunct},    {0xAC, 0xAC, kBad},           {0xAD, 0xAD, kCommon},
    {0xAE, 0xAE, kEndPunct},      {0xAF, 0xAF, kBad},           {0xB0, 0xB0, kKaomoji},
    {0xB1, 0xB3, kNumeric},       {0xB4, 0xB4, kCommon},        {0xB5, 0xB5, kNumeric},
    {0xB6, 0xB6, kBad},           {0xB7, 0xB7, kCommon},        {0xB8, 0xB8, kBad},
    {0xB9, 0xB9, kNumeric},       {0xBA, 0xBA, kBad},           {0xBB, 0xBB, kEndPunct},
    {0xBC, 0xBE, kNumeric},       {0xBF, 0xBF, kStartPunct},    {0xC0, 0xD1, kUpperAccented},
    {0xD2, 0xD6, kKaomoji},       {0xD7, 0xD7, kNumeric},       {0xD8, 0xD8, kUpperAccented},
    {0xD9, 0xDB, kKaomoji},       {0xDC, 0xDC, kKaomoji | kUpperAccented},
    {0xDD, 0xDD, kUpperAccented}, {0xDE, 0xDE, kUpperCommon},   {0xDF, 0xF1, kLowerAccented},
    {0xF2, 0xF6, kKaomoji},       {0xF7, 0xF7, kNumeric},       {0xF8, 0xFB, kKaomoji},
    {0xFC, 0xFC, kKaomoji | kLowerAccented},
    // Central European letters (Windows-1250 and -1254).
    {0x102, 0x102, kUpperAccented}, {0x103, 0x103, kLowerAccented},
    {0x104, 0x104, kUpperAccented}, {0x105, 0x105, kLowerAccented},
    {0x106, 0x106, kUpperAccented}, {0x107, 0x107, kLowerAccented},
    {0x10C, 0x10C, kUpperAccented}, {0x10D, 0x10D, kLowerAccented},
    {0x10E, 0x10E, kUpperAccented}, {0x10F, 0x10F, kLowerAccented},
    {0x110, 0x110, kUpperAccented}, {0x111, 0x111, kLowerAccented},
    {0x118, 0x118, kUpperAccented}, {0x119, 0x119, kLowerAccented},
    {0x11A, 0x11A, kUpperAccented}, {0x11B, 0x11B, kLowerAccented},
    {0x11E, 0x11E, kUpperAccented}, {0x11F, 0x11F, kLowerAccented},
    {0x130, 0x130, kUpperAccented}, {0x139, 0x139, kUpperAccented},
    {0x13A, 0x13A, kLowerAccented}, {0x13D, 0x13D, kUpperAccented},
    {0x13E, 0x13E, kLowerAccented}, {0x141, 0x141, kUpperAccented},
    {0x142, 0x142, kLowerAccented}, {0x143, 0x143, kUpperAccented},
    {0x147, 0x147, kUpperAccented}, {0x150, 0x150, kKaomoji},
    {0x152, 0x152, kUpperAccented}, {0x153, 0x153, kLowerAccented},
    {0x155, 0x155, kLowerAccented}, {0x158, 0x158, kUpperAccented},
    {0x15A, 0x15A, kUpperAccented}, {0x15B, 0x15B, kLowerAccented},
    {0x15E, 0x15E, kUpperAccented}, {0x15F, 0x15F, kLowerAccented},
    {0x160, 0x160, kUpperAccented}, {0x161, 0x161, kLowerAccented},
    {0x162, 0x162, kUpperAccented}, {0x164, 0x164, kUpperAccented},
    {0x165, 0x165, kLowerAccented}, {0x16E, 0x16E, kUpperAccented},
    {0x170, 0x170, kUpperAccented}, {0x178, 0x179, kUpperAccented},
    {0x17A, 0x17A, kLowerAccented}, {0x17B, 0x17B, kUpperAccented},
    {0x17C, 0x17C, kLowerAccented}, {0x17D, 0x17D, kUpperAccented},
    {0x17E, 0x17E, kLowerAccented}, {0x192, 0x192, kBad},
    // Spacing accents, Greek, Cyrillic.
    {0x2C6, 0x2C7, kBad},         {0x2D8, 0x2D8, kBad},         {0x2DB, 0x2DC, kBad},
    {0x2DD, 0x2DD, kEndPunct},    {0x384, 0x385, kStartPunct},  {0x386, 0x386, kUpperCommon},
    {0x388, 0x38A, kUpperCommon}, {0x38C, 0x38C, kUpperCommon}, {0x38E, 0x38F, kUpperCommon},
    {0x391, 0x3AB, kUpperCommon}, {0x3AC, 0x3C9, kLowerCommon}, {0x401, 0x42F, kUpperCommon},
    {0x430, 0x45F, kLowerCommon}, {0x490, 0x490, kUpperAccented},
    {0x491, 0x491, kLowerAccented},
    // Punctuation, currency, letterlike and mathematical symbols.
    {0x2013, 0x2015, kCommon},     {0x2018, 0x2018, kStartPunct}, {0x2019, 0x2019, kCommon},
    {0x201A, 0x201A, kStartPunct}, {0x201C, 0x201C, kStartPunct}, {0x201D, 0x201D, kEndPunct},
    {0x201E, 0x201E, kStartPunct}, {0x2020, 0x2021, kBad},        {0x2022, 0x2022, kStartPunct},
    {0x2026, 0x2026, kCommon},     {0x2030, 0x2030, kBad},        {0x2039, 0x2039, kStartPunct},
    {0x203A, 0x203A, kEndPunct},   {0x2044, 0x2044, kNumeric},    {0x20A7, 0x20A7, kCurrency},
    {0x20AC, 0x20AC, kCurrency},   {0x2116, 0x2116, kNumeric},    {0x2122, 0x2122, kEndPunct},
    {0x2202, 0x2202, kNumeric},    {0x2206, 0x2206, kNumeric},    {0x220F, 0x220F, kNumeric},
    {0x2211, 0x2211, kNumeric},    {0x221A, 0x221A, kNumeric},    {0x221E, 0x221E, kNumeric},
    {0x2229, 0x2229, kNumeric},    {0x222B, 0x222B, kNumeric},    {0x2248, 0x2248, kNumeric},
    {0x2260, 0x2261, kNumeric},    {0x2264, 0x2265, kNumeric},    {0x2310, 0x2310, kBad},
    // Box drawing and block elements; the lozenge, Apple's logo, ligatures, U+FFFD.
    {0x2502, 0x2502, kBox},        {0x250C, 0x250C, kBox},        {0x2510, 0x2510, kBox},
    {0x2518, 0x2518, kBox},        {0x251C, 0x251C, kBox},        {0x2524, 0x2524, kBox},
    {0x252C, 0x252C, kBox},        {0x253C, 0x253C, kBox},        {0x2550, 0x256C, kBox},
    {0x2580, 0x2580, kBox},        {0x2584, 0x2584, kBox},        {0x2588, 0x2588, kBox},
    {0x258C, 0x258C, kBox},        {0x2590, 0x2593, kBox},        {0x25CA, 0x25CA, kBad},
    {0xF8FF, 0xF8FF, kStartPunct}, {0xFB01, 0xFB02, kLowerAccented}, {0xFFFD, 0xFFFD, kBad},
};
// clang-format on

constexpr bool ranges_sorted() {
  for (size_t i = 0; i < std::size(kCategoryRanges); ++i) {
    if (kCategoryRanges[i].first > kCategoryRanges[i].last) return false;
    if (i > 0 && kCategoryRanges[i - 1].last >= kCategoryRanges[i].first) return false;
  }
  return true;
}
static_assert(ranges_sorted(), "the binary search needs sorted, disjoint ranges");

uint32_t ftfy_categories(char32_t cp) {
  if (cp < kCategoryRanges[0].first) return 0;
  const auto* it = std::upper_bound(std::begin(kCategoryRanges), std::end(kCategoryRanges), cp,
                                    [](char32_t c, const CategoryRange& r) { return c < r.first; });
  --it;  // the last range starting at or before cp
  return cp <= it->last ? it->bits : 0;
}

uint32_t character_bits(char32_t cp) {
  uint32_t bits = ftfy_categories(cp);
  if (cp >= 'a' && cp <= 'z') bits |= kAsciiLower;
  if (cp >= 'A' && cp <= 'Z') bits |= kAsciiUpper;
  if ((bits & kAsciiLetter) == 0) bits |= kNotAsciiLetter;
  if (is_space(cp)) bits |= kSpace;
  if (cp == '_' || is_letter(cp) || is_number(cp)) bits |= kWord;  // Python's \w
  if (cp != '\n') bits |= kNotNewline;
  return bits;
}

// One regex character class: characters having any of `bits`, plus the listed `chars`.
struct CharClass {
  uint32_t bits = 0;
  std::u32string_view chars;
};

constexpr CharClass cls(uint32_t bits) {
  return {bits, {}};
}
constexpr CharClass lit(std::u32string_view chars) {
  return {0, chars};
}
constexpr CharClass cls(uint32_t bits, std::u32string_view chars) {
  return {bits, chars};
}

constexpr size_t kMaxRuleLength = 7;

// One alternative of ftfy's BADNESS_RE: a fixed-length sequence of classes.
struct Rule {
  std::array<CharClass, kMaxRuleLength> parts;
  size_t length;
  bool at_start = false;  // anchored with ^
};

constexpr uint32_t kMojibakeLetters =
    kBad | kLowerAccented | kUpperAccented | kBox | kStartPunct | kEndPunct | kCurrency | kNumeric;
constexpr uint32_t kAccented = kLowerAccented | kUpperAccented;

// ftfy's BADNESS_RE, alternative by alternative (`\s?` is written as two rules).
constexpr Rule kRules[] = {
    {{cls(kC1)}, 1},
    {{cls(kMojibakeLetters), cls(kBad)}, 2},
    {{cls(kAsciiLetter), cls(kLowerCommon | kUpperCommon), cls(kBad)}, 3},
    {{cls(kBad), cls(kMojibakeLetters & ~kBad)}, 2},
    {{cls(kLowerAccented | kLowerCommon | kBox | kEndPunct | kCurrency | kNumeric),
      cls(kUpperAccented)},
     2},
    {{cls(kBox | kEndPunct | kCurrency | kNumeric), cls(kLowerAccented)}, 2},
    // [upper_accented][currency] alone is left out: leetspeak-like writing uses it.
    {{cls(kLowerAccented | kBox | kEndPunct), cls(kCurrency)}, 2},
    {{cls(kSpace), cls(kUpperAccented), cls(kCurrency)}, 3},
    {{cls(kUpperAccented | kBox), cls(kNumeric)}, 2},
    {{cls(kAccented | kBox | kCurrency | kEndPunct), cls(kStartPunct), cls(kNumeric)}, 3},
    {{cls(kAccented | kCurrency | kNumeric | kBox), cls(kEndPunct), cls(kStartPunct)}, 3},
    {{cls(kCurrency | kNumeric | kBox), cls(kStartPunct)}, 2},
    {{cls(kAsciiLower), cls(kUpperAccented), cls(kStartPunct | kCurrency)}, 3},
    {{cls(kBox), cls(kKaomoji)}, 2},
    {{cls(kAccented | kCurrency | kNumeric | kStartPunct | kEndPunct), cls(kBox)}, 2},
    {{cls(kBox), cls(kEndPunct)}, 2},
    {{cls(kAccented), cls(kEndPunct), cls(kWord)}, 3},
    // The ligature œ not followed by an unaccented Latin letter.
    {{lit(U"\u0152\u0153"), cls(kNotAsciiLetter)}, 2},
    // Common two-character Windows-1252 mojibake the categories miss ("Â£", "Ã©", "Ã–").
    {{lit(U"ÂÃÎÐ"), cls(kStartPunct | kEndPunct, U"€Šš¢£Ÿž\u00A0\u00AD®©°·»–—´")}, 2},
    {{lit(U"×"), lit(U"²³")}, 2},
    // Windows-1252 mojibake of Arabic includes common characters, so it needs four of them.
    {{lit(U"ØÙ"), cls(kCommon | kCurrency | kBad | kNumeric | kStartPunct, U"ŸŠ®°µ»"), lit(U"ØÙ"),
      cls(kCommon | kCurrency | kBad | kNumeric | kStartPunct, U"ŸŠ®°µ»")},
     4},
    // Windows-1252 mojibake starting three-byte South Asian letters.
    {{lit(U"à"), lit(U"²µ¹¼½¾")}, 2},
    // MacRoman mojibake.
    {{lit(U"√"), lit(U"±∂†≠®™´≤≥¥µø")}, 2},
    {{lit(U"≈"), lit(U"°¢")}, 2},
    {{lit(U"‚"), lit(U"Ä"), lit(U"ìîïòôúùû†°¢π")}, 3},
    {{lit(U"‚"), lit(U"âó"), lit(U"àä°ê")}, 3},
    // Windows-1251 mojibake of U+2000.., then of Latin-1 or Cyrillic (three characters needed).
    {{lit(U"в"), lit(U"Ђ")}, 2},
    {{lit(U"ВГРС"), cls(kC1 | kBad | kStartPunct | kEndPunct | kCurrency, U"°µ"), lit(U"ВГРС")}, 3},
    {{lit(U"Г"), lit(U"ў"), lit(U"В"), lit(U"Ђ"), lit(U"В"), cls(kNotNewline),
      cls(kAsciiLetter, U" ")},
     7},
    // Windows-1252 encodings of "à", "á" and U+00A0 itself, also with the A0 turned to a space.
    {{lit(U"Ã"), lit(U"\u00A0¡")}, 2},
    {{cls(kAsciiLower), lit(U"ÃÂ"), lit(U" ")}, 3},
    {{cls(kAsciiLower), cls(kSpace), lit(U"ÃÂ"), lit(U" ")}, 4},
    {{lit(U"ÃÂ"), lit(U" ")}, 2, true},
    // "Â" before the very character it would encode, when that character is common.
    {{cls(kAsciiLower | kEndPunct, U".,?!"), lit(U"Â"), cls(kCommon, U" ")}, 3},
    // Windows-1253 mojibake of U+2000.., then of Latin-1 or Greek.
    {{lit(U"β"), lit(U"€"), lit(U"™\u00A0Ά\u00AD®°")}, 3},
    {{lit(U"ΒΓΞΟ"), cls(kC1 | kBad | kStartPunct | kEndPunct | kCurrency, U"°"), lit(U"ΒΓΞΟ")}, 3},
    // Windows-1257 mojibake of U+2000..
    {{lit(U"Ā"), lit(U"€")}, 2},
};

bool class_matches(const CharClass& c, char32_t cp, uint32_t bits) {
  return (bits & c.bits) != 0 || c.chars.find(cp) != std::u32string_view::npos;
}

bool rule_matches_at(const Rule& rule, std::u32string_view text, const std::vector<uint32_t>& bits,
                     size_t i) {
  if (rule.at_start && i != 0) return false;
  if (i + rule.length > text.size()) return false;
  for (size_t k = 0; k < rule.length; ++k) {
    if (!class_matches(rule.parts[k], text[i + k], bits[i + k])) return false;
  }
  return true;
}

}  // namespace

bool looks_like_mojibake(std::u32string_view text) {
  std::vector<uint32_t> bits(text.size());
  uint32_t seen = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    bits[i] = character_bits(text[i]);
    seen |= bits[i];
  }
  // Every rule needs a character from some ftfy category; most text has none.
  if ((seen & kFtfyCategories) == 0) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    for (const Rule& rule : kRules) {
      if (rule_matches_at(rule, text, bits, i)) return true;
    }
  }
  return false;
}

}  // namespace clipret::text
