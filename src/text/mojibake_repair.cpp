#include "text/mojibake_repair.h"

#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>

#include "text/mojibake_badness.h"
#include "text/single_byte_codecs.h"
#include "text/utf8.h"

namespace clipret::text {
namespace {

// fix_encoding repeats until the text is stable; each layer of mojibake takes one step. The bound
// only guards against a pathological cycle.
constexpr int kMaxEncodingSteps = 16;
constexpr char32_t kFirstC1 = 0x80;
constexpr char32_t kLastC1 = 0x9F;
constexpr char32_t kLastContinuation = 0xBF;  // Latin-1 characters of UTF-8 continuation bytes
constexpr uint8_t kByteA0 = 0xA0;
constexpr std::string_view kUtf8Replacement = "\xEF\xBF\xBD";

// ---- Byte patterns (ftfy's regexes over the re-encoded bytes) ----

struct ByteRange {
  uint8_t lo;
  uint8_t hi;
};

// A set of bytes, as a 256-bit mask.
struct ByteClass {
  std::array<uint64_t, 4> mask{};
  constexpr bool contains(uint8_t b) const { return (mask[b >> 6] >> (b & 63)) & 1; }
};

constexpr ByteClass bytes_in(std::initializer_list<ByteRange> ranges) {
  ByteClass c;
  for (const ByteRange& r : ranges) {
    for (unsigned b = r.lo; b <= r.hi; ++b) c.mask[b >> 6] |= uint64_t{1} << (b & 63);
  }
  return c;
}

constexpr size_t kMaxPatternLength = 6;

// A fixed-length sequence of byte classes: one alternative of a regex.
struct BytePattern {
  std::array<ByteClass, kMaxPatternLength> parts;
  size_t length;
};

constexpr ByteClass kSpaceByte = bytes_in({{' ', ' '}});
constexpr ByteClass kCont = bytes_in({{0x80, 0xBF}});
// Continuation bytes but 85 and A0, as ftfy's three-byte alternatives list them.
constexpr ByteClass kContNoA0 = bytes_in({{0x80, 0x84}, {0x86, 0x9F}, {0xA1, 0xBF}});
constexpr ByteClass kF0 = bytes_in({{0xF0, 0xF0}});

// ftfy's ALTERED_UTF8_RE: UTF-8 sequences with a space where byte A0 belongs. The two-byte leads
// are those whose A0 continuation is common: NBSP, "à", "Š", "Π", "Р", "٠".
constexpr BytePattern kAlteredUtf8[] = {
    {{bytes_in({{0xC2, 0xC3}, {0xC5, 0xC5}, {0xCE, 0xCE}, {0xD0, 0xD0}, {0xD9, 0xD9}}), kSpaceByte},
     2},
    {{bytes_in({{0xE2, 0xE3}}), kSpaceByte, kContNoA0}, 3},
    {{bytes_in({{0xE0, 0xE3}}), kContNoA0, kSpaceByte}, 3},
    {{kF0, kSpaceByte, kCont, kCont}, 4},
    {{kF0, kCont, kSpaceByte, kCont}, 4},
    {{kF0, kCont, kCont, kSpaceByte}, 4},
};

constexpr ByteClass kLost = bytes_in({{0x1A, 0x1A}, {'?', '?'}});  // a byte the encoder lost
constexpr ByteClass kSub = bytes_in({{0x1A, 0x1A}});
constexpr ByteClass kSubOrCont = bytes_in({{0x1A, 0x1A}, {0x80, 0xBF}});
constexpr ByteClass kAnyCont = bytes_in({{0x1A, 0x1A}, {'?', '?'}, {0x80, 0xBF}});
constexpr ByteClass kLead3 = bytes_in({{0xE0, 0xEF}});
constexpr ByteClass kLead4 = bytes_in({{0xF0, 0xF4}});
constexpr ByteClass kED = bytes_in({{0xED, 0xED}});
constexpr ByteClass kHighSurrogate = bytes_in({{0xA0, 0xAF}});
constexpr ByteClass kLowSurrogate = bytes_in({{0xB0, 0xBF}});

// ftfy's LOSSY_UTF8_RE: UTF-8 (and CESU-8) sequences with a lost byte (0x1A, or '?' after the
// lead), plus a lone 0x1A.
constexpr BytePattern kLossyUtf8[] = {
    {{bytes_in({{0xC2, 0xDF}}), kSub}, 2},
    {{bytes_in({{0xC2, 0xC3}}), bytes_in({{'?', '?'}})}, 2},
    {{kED, kHighSurrogate, kLost, kED, kLowSurrogate, kAnyCont}, 6},
    {{kED, kHighSurrogate, kAnyCont, kED, kLowSurrogate, kLost}, 6},
    {{kLead3, kLost, kSubOrCont}, 3},
    {{kLead3, kSubOrCont, kLost}, 3},
    {{kLead4, kLost, kSubOrCont, kSubOrCont}, 4},
    {{kLead4, kSubOrCont, kLost, kSubOrCont}, 4},
    {{kLead4, kSubOrCont, kSubOrCont, kLost}, 4},
    {{kSub}, 1},
};

size_t pattern_length_at(const BytePattern& p, std::string_view bytes, size_t i) {
  if (i + p.length > bytes.size()) return 0;
  for (size_t k = 0; k < p.length; ++k) {
    if (!p.parts[k].contains(static_cast<uint8_t>(bytes[i + k]))) return 0;
  }
  return p.length;
}

// `re.sub` with the alternatives `patterns`: left to right, the first alternative that matches
// at a position wins, and matches do not overlap.
template <typename Replace>
std::string substitute(std::string_view bytes, std::span<const BytePattern> patterns,
                       Replace replace) {
  std::string out;
  out.reserve(bytes.size() + 2);
  size_t i = 0;
  while (i < bytes.size()) {
    size_t length = 0;
    for (const BytePattern& p : patterns) {
      if ((length = pattern_length_at(p, bytes, i)) != 0) break;
    }
    if (length == 0) {
      out.push_back(bytes[i++]);
      continue;
    }
    replace(bytes.substr(i, length), out);
    i += length;
  }
  return out;
}

// ftfy's A_GRAVE_WORD_RE `\xc3 (?! |quele|quela|quilo|s )`: "Ã " before a word was "à " whose
// A0 became a space that merged with the next. Portuguese "àquele", "àquela", "àquilo", "às"
// have no space after the "à", so there the space itself is the lost A0 (ALTERED_UTF8_RE).
bool is_a_grave_word_at(std::string_view bytes, size_t i) {
  if (bytes.substr(i, 2) != "\xC3 ") return false;
  const std::string_view rest = bytes.substr(i + 2);
  for (std::string_view no : {" ", "quele", "quela", "quilo", "s "}) {
    if (rest.starts_with(no)) return false;
  }
  return true;
}

std::string restore_a_grave_words(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + 1);
  for (size_t i = 0; i < bytes.size(); ++i) {
    out.push_back(bytes[i]);
    if (is_a_grave_word_at(bytes, i)) out.push_back(static_cast<char>(kByteA0));
  }
  return out;
}

// ---- Code point classes (ftfy's UTF8_CLUES, for Latin-1 and Windows-1252) ----

// Characters that stand for a UTF-8 continuation byte 80..BF; the space stands for A0 unless
// `strict`.
bool is_continuation_lookalike(char32_t cp, bool strict) {
  if (cp == ' ') return !strict;
  if (cp >= kFirstC1 && cp <= kLastContinuation) return true;
  const std::optional<uint8_t> byte = sloppy_windows_1252_byte(cp);
  return byte && *byte >= kFirstC1 && *byte <= kLastContinuation;
}

// Continuation bytes a lead-byte lookalike needs: C2..DF lead 2-byte sequences, E0..EF 3-byte
// ones, and of the 4-byte leads only F0 and F3 (the others start unassigned planes).
int continuations_after(char32_t cp) {
  if (cp >= 0xC2 && cp <= 0xDF) return 1;
  if (cp >= 0xE0 && cp <= 0xEF) return 2;
  if (cp == 0xF0 || cp == 0xF3) return 3;
  return 0;
}

size_t utf8_lookalike_at(std::u32string_view text, size_t i) {
  const size_t needed = static_cast<size_t>(continuations_after(text[i]));
  if (needed == 0 || i + needed >= text.size()) return 0;
  for (size_t k = 1; k <= needed; ++k) {
    if (!is_continuation_lookalike(text[i + k], /*strict=*/false)) return 0;
  }
  return needed + 1;
}

// ftfy's UTF8_DETECTOR_RE at position i: a run of UTF-8 lookalike sequences, not preceded by a
// continuation lookalike (so a few characters inside a larger garble are not "fixed" alone).
// Returns the end of the run, or i when there is none.
size_t utf8_run_end(std::u32string_view text, size_t i) {
  if (i > 0 && is_continuation_lookalike(text[i - 1], /*strict=*/true)) return i;
  size_t end = i;
  while (end < text.size()) {
    const size_t length = utf8_lookalike_at(text, end);
    if (length == 0) break;
    end += length;
  }
  return end;
}

// ---- fix_encoding ----

bool is_ascii(std::u32string_view text) {
  for (char32_t cp : text) {
    if (cp >= kFirstC1) return false;
  }
  return true;
}

// Encodes in one code page, repairs the bytes, decodes as UTF-8; nullopt when either fails.
std::optional<std::u32string> redecode(std::u32string_view text, bool sloppy_windows_1252) {
  std::optional<std::string> bytes =
      sloppy_windows_1252 ? encode_sloppy_windows_1252(text) : encode_latin1(text);
  if (!bytes) return std::nullopt;
  std::string repaired = restore_byte_a0(*bytes);
  // Only the sloppy codec marks lost bytes (U+FFFD -> 0x1A), so only it has lossy sequences.
  if (sloppy_windows_1252) repaired = replace_lossy_sequences(repaired);
  return decode_utf8_variants(repaired);
}

std::u32string fix_c1_controls(std::u32string_view text) {
  std::u32string out(text);
  for (char32_t& cp : out) {
    if (cp >= kFirstC1 && cp <= kLastC1) cp = decode_sloppy_windows_1252(static_cast<uint8_t>(cp));
  }
  return out;
}

std::u32string fix_encoding_step(std::u32string_view text) {
  if (is_ascii(text) || !looks_like_mojibake(text)) return std::u32string(text);
  // Latin-1 first: where both work they give the same bytes, and Latin-1 is not lossy.
  for (bool sloppy : {false, true}) {
    std::optional<std::u32string> fixed = redecode(text, sloppy);
    if (fixed && *fixed != text) return std::move(*fixed);
  }
  std::u32string fixed = decode_inconsistent_utf8(text);
  if (fixed != text) return fixed;
  // Text that is bad but not UTF-8 mojibake: C1 controls are taken as the Windows-1252 they
  // almost always are (ftfy reads Latin-1 as Windows-1252 here).
  return fix_c1_controls(text);
}

}  // namespace

std::string restore_byte_a0(std::string_view bytes) {
  const std::string with_a_grave = restore_a_grave_words(bytes);
  return substitute(with_a_grave, kAlteredUtf8, [](std::string_view match, std::string& out) {
    for (char c : match) out.push_back(c == ' ' ? static_cast<char>(kByteA0) : c);
  });
}

std::string replace_lossy_sequences(std::string_view bytes) {
  return substitute(bytes, kLossyUtf8,
                    [](std::string_view, std::string& out) { out += kUtf8Replacement; });
}

std::u32string decode_inconsistent_utf8(std::u32string_view text) {
  std::u32string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const size_t end = utf8_run_end(text, i);
    if (end == i) {
      out.push_back(text[i++]);
      continue;
    }
    const std::u32string_view span = text.substr(i, end - i);
    // Shorter than the text, so the recursion through fix_encoding ends.
    if (span.size() < text.size() && looks_like_mojibake(span)) {
      out += fix_encoding(span);
    } else {
      out += span;
    }
    i = end;
  }
  return out;
}

std::u32string fix_encoding(std::u32string_view text) {
  std::u32string current(text);
  for (int step = 0; step < kMaxEncodingSteps; ++step) {
    std::u32string fixed = fix_encoding_step(current);
    if (fixed == current) break;
    current = std::move(fixed);
  }
  return current;
}

}  // namespace clipret::text
