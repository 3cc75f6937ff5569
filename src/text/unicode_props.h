// text/unicode_props.h: the Unicode character classes the CLIP tokenizer's regex and Python's
// string methods use, answered from utf8proc's tables (Unicode 15 in Debian 12's utf8proc 2.8).
#pragma once

namespace clipret::text {

// `\p{L}`: general category Lu, Ll, Lt, Lm or Lo. Combining marks (Mn, Mc) are not letters.
bool is_letter(char32_t cp);

// `\p{N}`: general category Nd, Nl or No.
bool is_number(char32_t cp);

// The `regex` module's `\s`: Unicode White_Space. Python's `str.isspace()` (basic_clean's strip)
// adds U+001C..U+001F, which ftfy has already removed by then, so one class serves both.
bool is_space(char32_t cp);

// Unicode "Cased" (Lu, Ll, Lt, or an Other_Lowercase/Other_Uppercase letter), for Final_Sigma.
bool is_cased(char32_t cp);

// Unicode "Case_Ignorable" (Mn, Me, Cf, Lm, Sk and Word_Break MidLetter/MidNumLet/Single_Quote),
// for Final_Sigma.
bool is_case_ignorable(char32_t cp);

// General category C* (Cc, Cf, Cs, Co, Cn): Rust's `char::is_other`, which BERT's text cleaning
// drops. Unassigned code points (Cn) are "other" too, by utf8proc's Unicode version.
bool is_other_category(char32_t cp);

// General category Mn, the combining marks BERT's accent stripping drops after NFD.
bool is_nonspacing_mark(char32_t cp);

// General category P* (Pc, Pd, Ps, Pe, Pi, Pf, Po). ASCII symbols such as '$' or '+' are S*, not P.
bool is_punctuation(char32_t cp);

}  // namespace clipret::text
