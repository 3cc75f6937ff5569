#include "text/unicode_transforms.h"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

#include "core/error.h"
#include "text/unicode_props.h"
#include "text/utf8.h"

namespace clipret::text {
namespace {

constexpr char32_t kCapitalDottedI = 0x130;
constexpr char32_t kCombiningDotAbove = 0x307;
constexpr char32_t kCapitalSigma = 0x3A3;
constexpr char32_t kSmallSigma = 0x3C3;
constexpr char32_t kFinalSigma = 0x3C2;
// Below U+0300 no code point decomposes canonically or composes with its neighbours, so such
// text is already in NFC; below U+00A0 it is also in NFKC.
constexpr char32_t kFirstNfcSensitive = 0x300;
constexpr char32_t kFirstNfkcSensitive = 0xA0;
// U+00C0 (A with grave) is the first code point with a canonical decomposition.
constexpr char32_t kFirstNfdSensitive = 0xC0;

// CPython's handle_capital_sigma: \p{cased}\p{case-ignorable}* SIGMA
// !(\p{case-ignorable}*\p{cased})
bool is_final_sigma(std::u32string_view text, size_t i) {
  size_t j = i;
  while (j > 0 && is_case_ignorable(text[j - 1])) --j;
  if (j == 0 || !is_cased(text[j - 1])) return false;
  size_t k = i + 1;
  while (k < text.size() && is_case_ignorable(text[k])) ++k;
  return k == text.size() || !is_cased(text[k]);
}

struct FreeDeleter {
  void operator()(utf8proc_uint8_t* p) const { std::free(p); }
};

std::u32string normalize(std::u32string_view text, utf8proc_option_t options,
                         char32_t first_sensitive) {
  bool trivial = true;
  for (char32_t cp : text) {
    if (cp >= first_sensitive) {
      trivial = false;
      break;
    }
  }
  if (trivial) return std::u32string(text);
  const std::string utf8 = encode_utf8(text);
  utf8proc_uint8_t* raw = nullptr;
  const utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(utf8.data()),
                   static_cast<utf8proc_ssize_t>(utf8.size()), &raw, options);
  std::unique_ptr<utf8proc_uint8_t, FreeDeleter> owned(raw);
  // Our input is always valid scalar values, so a failure here is a bug (or out of memory).
  CLIPRET_CHECK(n >= 0, Internal, "utf8proc_map failed: %s", utf8proc_errmsg(n));
  return decode_utf8(std::string_view(reinterpret_cast<const char*>(raw), static_cast<size_t>(n)));
}

// Full lower-case mapping of `text`; `final_sigma_context` chooses Python's context-sensitive
// Final_Sigma rule over Rust's plain U+03A3 -> U+03C3.
std::u32string lower(std::u32string_view text, bool final_sigma_context) {
  std::u32string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char32_t cp = text[i];
    if (cp < 0x80) {
      out.push_back(cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp);
    } else if (cp == kCapitalDottedI) {
      out.push_back('i');
      out.push_back(kCombiningDotAbove);
    } else if (cp == kCapitalSigma) {
      out.push_back(final_sigma_context && is_final_sigma(text, i) ? kFinalSigma : kSmallSigma);
    } else {
      out.push_back(static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp))));
    }
  }
  return out;
}

}  // namespace

std::u32string python_lower(std::u32string_view text) {
  return lower(text, true);
}

std::u32string lower_each_char(std::u32string_view text) {
  return lower(text, false);
}

std::u32string nfd(std::u32string_view text) {
  return normalize(text, static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_DECOMPOSE),
                   kFirstNfdSensitive);
}

std::u32string nfc(std::u32string_view text) {
  return normalize(text, static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE),
                   kFirstNfcSensitive);
}

std::u32string nfkc(std::u32string_view text) {
  return normalize(
      text, static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT),
      kFirstNfkcSensitive);
}

}  // namespace clipret::text
