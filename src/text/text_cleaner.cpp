#include "text/text_cleaner.h"

#include "text/ftfy_fixer.h"
#include "text/html_unescape.h"
#include "text/unicode_props.h"
#include "text/unicode_transforms.h"
#include "text/utf8.h"

namespace clipret::text {
namespace {

// True when no cleaning step but whitespace collapsing and lower-casing can change `utf8`:
// printable ASCII and \t \n \f \r only (ftfy removes \v and other C0 controls), and no '&'.
bool is_plain_ascii(std::string_view utf8) {
  for (char ch : utf8) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7F) {
      if (c == '&') return false;
    } else if (c != '\t' && c != '\n' && c != '\f' && c != '\r') {
      return false;
    }
  }
  return true;
}

// collapse_whitespace + python_lower for plain ASCII, in one pass.
std::u32string clean_plain_ascii(std::string_view utf8) {
  std::u32string out;
  out.reserve(utf8.size());
  bool pending_space = false;
  for (char ch : utf8) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
  }
  return out;
}

}  // namespace

std::u32string collapse_whitespace(std::u32string_view text) {
  std::u32string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (char32_t cp : text) {
    if (is_space(cp)) {
      pending_space = !out.empty();  // leading whitespace is dropped
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(cp);
  }
  return out;  // trailing whitespace never got its pending space written
}

std::u32string clean_text(std::string_view utf8) {
  if (is_plain_ascii(utf8)) return clean_plain_ascii(utf8);  // most captions
  std::u32string text = ftfy_fix_text(decode_utf8(utf8));
  text = html_unescape(html_unescape(text));
  // basic_clean's strip() is subsumed by the collapse, which strips with the same definition.
  text = collapse_whitespace(text);
  return python_lower(text);
}

}  // namespace clipret::text
