// text/mojibake_badness.h: ftfy's "badness" heuristic (`ftfy.badness.is_bad`, ftfy 6), the guard
// that keeps mojibake repair (text/mojibake_repair.h) away from legitimate text.
//
// ftfy sorts the few hundred characters that UTF-8 mojibake is made of into categories (C1
// controls, symbols that are nearly always mojibake such as "¤" or "¶", currency, opening and
// closing punctuation, numeric symbols, accented Latin capitals and small letters, Greek and
// Cyrillic letters, box drawing) and lists short sequences of them that real text hardly ever
// contains: an accented capital followed by such a symbol ("Ã¶"), a small accented letter
// followed by a currency sign ("â€"), any C1 control, and so on. Text containing one of those
// sequences is "bad". Single accented letters, "naïve", "Straße", "£5", Greek, Cyrillic, CJK
// and emoji are not.
#pragma once

#include <string_view>

namespace clipret::text {

// `ftfy.badness.is_bad(text)`: true when `text` contains a sequence that looks like mojibake.
bool looks_like_mojibake(std::u32string_view text);

}  // namespace clipret::text
