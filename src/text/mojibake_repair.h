// text/mojibake_repair.h: ftfy's `fix_encoding` (ftfy 6, default options): undoes UTF-8 text
// that was decoded as Latin-1 or as Windows-1252 ("cafÃ©" -> "café", "donâ€™t" -> "don’t").
//
// One step, repeated until the text stops changing (so doubled mojibake is undone twice):
//   1. Text that is ASCII, or that the badness heuristic (text/mojibake_badness.h) does not
//      flag, is left alone. This guard is what keeps "naïve café" or "Ã©" written on purpose
//      inside legitimate text from being "repaired".
//   2. The whole text is encoded as Latin-1, else as sloppy Windows-1252
//      (text/single_byte_codecs.h); the bytes get restore_byte_a0, and for the sloppy codec
//      replace_lossy_sequences, then are decoded as UTF-8 (ftfy's "utf-8-variants",
//      text/utf8.h). The first encoding whose bytes decode wins.
//   3. Otherwise decode_inconsistent_utf8 repairs the spans that look like UTF-8 mojibake, for
//      text where only part is mojibake ("schÃ¶n und schön", "東京 cafÃ©").
//   4. Otherwise C1 controls are read as Windows-1252 (ftfy's fallback fix_c1_controls).
//
// Deliberate limit: ftfy also tries Windows-1250, -1251, -1253, -1254, ISO-8859-2, MacRoman and
// CP437 in step 2, and recognises their mojibake in step 3. Only Latin-1 and Windows-1252, by
// far the most common mix-ups, are undone here; mojibake from the other code pages is left as
// it is (the badness heuristic still knows their patterns, so nothing else changes).
#pragma once

#include <string>
#include <string_view>

namespace clipret::text {

// `ftfy.fix_encoding(text)`: the repaired text, or `text` unchanged.
std::u32string fix_encoding(std::u32string_view text);

// ftfy's restore_byte_a0: some mojibake went through a program that replaced U+00A0 (from byte
// A0, a UTF-8 continuation byte) with a space, so the bytes no longer decode. Puts A0 back where
// a space sits inside what is otherwise a UTF-8 sequence, and after a lone C3 followed by a word
// ("Ã la" was "à la"; French and Portuguese "à" is C3 A0).
std::string restore_byte_a0(std::string_view bytes);

// ftfy's replace_lossy_sequences: where a UTF-8 sequence lost a byte (shown as U+FFFD, encoded
// by the sloppy codec as 0x1A, or as '?'), replaces the sequence with the UTF-8 of U+FFFD so the
// rest can still be decoded.
std::string replace_lossy_sequences(std::string_view bytes);

// ftfy's decode_inconsistent_utf8: fixes each span that looks like UTF-8 read as Windows-1252,
// when the span is bad by itself (text/mojibake_badness.h) and shorter than the whole text.
std::u32string decode_inconsistent_utf8(std::u32string_view text);

}  // namespace clipret::text
