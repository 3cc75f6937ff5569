// text/html_unescape.h: HTML character-reference decoding with the exact matching rules of
// Python's `html.unescape` and of ftfy's stricter `unescape_html` fixer.
//
// Named references come from text/html_entities.h (HTML 4.01 + legacy + frequent HTML5 names);
// numeric references `&#NNN;` / `&#xHHH;` are complete, including HTML5's Windows-1252 remapping
// of 0x80..0x9F, U+FFFD for 0, surrogates and values above U+10FFFF, and dropping noncharacters.
#pragma once

#include <string>
#include <string_view>

namespace clipret::text {

// Python's `html.unescape`: `&name;`, legacy names without ';' (`&amp` and `&ampx` -> "&x"),
// `&#123`, `&#x7b`, with or without ';'. One pass: "&amp;amp;" -> "&amp;".
std::u32string html_unescape(std::u32string_view text);

// ftfy's `unescape_html`: only `&#?[0-9A-Za-z]{1,24};` with the ';', names looked up exactly or as
// the upper-cased form of a lower-case name (`&EACUTE;` -> "É"); numeric references as Python does.
std::u32string ftfy_unescape_html(std::u32string_view text);

}  // namespace clipret::text
