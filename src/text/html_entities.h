// text/html_entities.h: the named character references the HTML unescaper knows.
//
// Coverage (documented limit, spec: "cover the frequent ones"): all 252 HTML 4.01 entities
// (Latin-1, symbols, Greek, quotes and dashes), the 106 legacy names HTML5 accepts without ';'
// (`&amp`, `&copy`, `&eacute` ...), and frequent HTML5 names (`&apos;`, `&hellip;`, ASCII
// punctuation such as `&colon;`). The rare HTML5-only names (about 1,900 of 2,231, mostly math
// symbols) are left as text; Python's `html.unescape` would decode them.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace clipret::text {

// Looks up an entity by its exact name, ';' included when present ("amp;", "amp", "eacute;").
// Case-sensitive, as HTML is.
std::optional<char32_t> find_html_entity(std::string_view name);

// Number of names in the table (for tests).
size_t html_entity_count();

}  // namespace clipret::text
