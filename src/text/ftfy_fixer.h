// text/ftfy_fixer.h: the part of `ftfy.fix_text` (ftfy 6, default options) that OpenAI CLIP's
// `basic_clean` depends on in practice.
//
// Implemented, in ftfy's order and repeated until the text stops changing (as ftfy does):
//   unescape_html ("auto": skipped from the first line containing '<'), fix_encoding (mojibake
//   repair with restore_byte_a0, replace_lossy_sequences and decode_inconsistent_utf8,
//   text/mojibake_repair.h), fix_c1_controls, fix_latin_ligatures, fix_character_width,
//   uncurl_quotes, remove_terminal_escapes, remove_control_chars, NFC.
// fix_encoding undoes UTF-8 read as Latin-1 or Windows-1252 only; ftfy also undoes it when read
// as Windows-1250/1251/1253/1254, ISO-8859-2, MacRoman or CP437, and such text is tokenized as
// it is. fix_line_breaks and fix_surrogates are omitted because they cannot change the tokens
// (line breaks are collapsed to one space; decoded UTF-8 holds no surrogates).
#pragma once

#include <string>
#include <string_view>

namespace clipret::text {

// `ftfy.fix_text(text)` restricted to the fixers listed above.
std::u32string ftfy_fix_text(std::u32string_view text);

// One pass of the per-character fixers: C1 controls as Windows-1252, Latin ligatures, full-width
// and half-width forms (plus U+3000) as NFKC, curly quotes as straight ones.
std::u32string ftfy_fix_characters(std::u32string_view text);

// Removes ANSI terminal escapes `ESC [ (digits|;)* letter`.
std::u32string remove_terminal_escapes(std::u32string_view text);

// Removes the control characters ftfy removes (C0 except \t \n \f \r, DEL, U+206A..U+206F,
// U+FEFF, U+FFF9..U+FFFC).
std::u32string remove_control_chars(std::u32string_view text);

}  // namespace clipret::text
