#include "text/ftfy_fixer.h"

#include <utf8proc.h>

#include <vector>

#include "text/html_unescape.h"
#include "text/mojibake_repair.h"
#include "text/single_byte_codecs.h"
#include "text/unicode_transforms.h"

namespace clipret::text {
namespace {

constexpr char32_t kEscape = 0x1B;
constexpr char32_t kIdeographicSpace = 0x3000;
constexpr char32_t kFirstWidthForm = 0xFF01;  // ftfy's range(0xFF01, 0xFFF0)
constexpr char32_t kEndWidthForm = 0xFFF0;
// ftfy repeats its fixers until nothing changes; real text settles in two or three passes.
// The bound only guards against a pathological cycle.
constexpr int kMaxFixPasses = 16;

// ftfy's chardata.LIGATURES.
const char32_t* ligature(char32_t cp) {
  switch (cp) {
    case 0x132:
      return U"IJ";
    case 0x133:
      return U"ij";
    case 0x149:
      return U"\u02BCn";
    case 0x1C4:
      return U"D\u017D";
    case 0x1C5:
      return U"D\u017E";
    case 0x1C6:
      return U"d\u017E";
    case 0x1C7:
      return U"LJ";
    case 0x1C8:
      return U"Lj";
    case 0x1C9:
      return U"lj";
    case 0x1CA:
      return U"NJ";
    case 0x1CB:
      return U"Nj";
    case 0x1CC:
      return U"nj";
    case 0x1F1:
      return U"DZ";
    case 0x1F2:
      return U"Dz";
    case 0x1F3:
      return U"dz";
    case 0xFB00:
      return U"ff";
    case 0xFB01:
      return U"fi";
    case 0xFB02:
      return U"fl";
    case 0xFB03:
      return U"ffi";
    case 0xFB04:
      return U"ffl";
    case 0xFB05:
      return U"\u017Ft";
    case 0xFB06:
      return U"st";
    default:
      return nullptr;
  }
}

// ftfy's WIDTH_MAP: NFKC of each U+FF01..U+FFEF that NFKC changes. Built once, read-only after.
const std::vector<std::u32string>& width_map() {
  static const std::vector<std::u32string> map = [] {
    std::vector<std::u32string> m(kEndWidthForm - kFirstWidthForm);
    for (char32_t cp = kFirstWidthForm; cp < kEndWidthForm; ++cp) {
      const char32_t one[1] = {cp};
      std::u32string alternate = nfkc(std::u32string_view(one, 1));
      if (alternate != std::u32string_view(one, 1)) m[cp - kFirstWidthForm] = std::move(alternate);
    }
    return m;
  }();
  return map;
}

bool is_ftfy_control(char32_t cp) {
  return cp <= 0x08 || cp == 0x0B || (cp >= 0x0E && cp <= 0x1F) || cp == 0x7F ||
         (cp >= 0x206A && cp <= 0x206F) || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFC);
}

bool is_decimal_digit(char32_t cp) {  // Python's `\d` on str: Unicode Nd
  if (cp < 0x80) return cp >= '0' && cp <= '9';
  return utf8proc_category(static_cast<utf8proc_int32_t>(cp)) == UTF8PROC_CATEGORY_ND;
}

bool is_ascii_letter(char32_t cp) {
  return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
}

// uncurl_quotes, the last per-character step.
void append_uncurled(char32_t cp, std::u32string& out) {
  if (cp == 0x2BC || (cp >= 0x2018 && cp <= 0x201B)) {
    out.push_back('\'');
  } else if (cp >= 0x201C && cp <= 0x201F) {
    out.push_back('"');
  } else {
    out.push_back(cp);
  }
}

// fix_character_width, then uncurl_quotes.
void append_width_fixed(char32_t cp, std::u32string& out) {
  if (cp == kIdeographicSpace) {
    out.push_back(' ');
  } else if (cp >= kFirstWidthForm && cp < kEndWidthForm &&
             !width_map()[cp - kFirstWidthForm].empty()) {
    for (char32_t c : width_map()[cp - kFirstWidthForm]) append_uncurled(c, out);
  } else {
    append_uncurled(cp, out);
  }
}

// fix_latin_ligatures, then the later per-character steps.
void append_ligature_fixed(char32_t cp, std::u32string& out) {
  if (const char32_t* expansion = ligature(cp)) {
    for (; *expansion != 0; ++expansion) append_width_fixed(*expansion, out);
  } else {
    append_width_fixed(cp, out);
  }
}

std::u32string fix_segment(std::u32string text, bool unescape_html) {
  for (int pass = 0; pass < kMaxFixPasses; ++pass) {
    std::u32string fixed = unescape_html ? ftfy_unescape_html(text) : text;
    fixed = fix_encoding(fixed);
    fixed = ftfy_fix_characters(fixed);
    fixed = remove_terminal_escapes(fixed);
    fixed = remove_control_chars(fixed);
    fixed = nfc(fixed);
    if (fixed == text) break;
    text = std::move(fixed);
  }
  return text;
}

}  // namespace

std::u32string ftfy_fix_characters(std::u32string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (char32_t cp : text) {
    if (cp < 0x80) {
      out.push_back(cp);  // the common case: no fixer touches ASCII
    } else if (cp <= 0x9F) {
      // fix_c1_controls
      append_ligature_fixed(decode_sloppy_windows_1252(static_cast<uint8_t>(cp)), out);
    } else {
      append_ligature_fixed(cp, out);
    }
  }
  return out;
}

std::u32string remove_terminal_escapes(std::u32string_view text) {
  if (text.find(kEscape) == std::u32string_view::npos) return std::u32string(text);
  std::u32string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == kEscape && i + 1 < text.size() && text[i + 1] == '[') {
      size_t j = i + 2;
      while (j < text.size() && (is_decimal_digit(text[j]) || text[j] == ';')) ++j;
      if (j < text.size() && is_ascii_letter(text[j])) {
        i = j + 1;
        continue;
      }
    }
    out.push_back(text[i++]);
  }
  return out;
}

std::u32string remove_control_chars(std::u32string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (char32_t cp : text) {
    if (!is_ftfy_control(cp)) out.push_back(cp);
  }
  return out;
}

std::u32string ftfy_fix_text(std::u32string_view text) {
  // ftfy fixes line by line; its "auto" HTML unescaping is switched off from the first line that
  // contains '<' onwards (the config change persists for the following lines).
  std::u32string out;
  out.reserve(text.size());
  bool unescape_html = true;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t newline = text.find(U'\n', pos);
    const size_t end = newline == std::u32string_view::npos ? text.size() : newline + 1;
    const std::u32string_view segment = text.substr(pos, end - pos);
    if (segment.find(U'<') != std::u32string_view::npos) unescape_html = false;
    out += fix_segment(std::u32string(segment), unescape_html);
    pos = end;
  }
  return out;
}

}  // namespace clipret::text
