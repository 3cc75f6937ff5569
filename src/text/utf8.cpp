#include "text/utf8.h"

#include <cstdint>

namespace clipret::text {
namespace {

constexpr size_t kCesu8PairBytes = 6;

// Number of continuation bytes after lead byte `b`, and the allowed range of the first
// continuation byte (Unicode Table 3-7, "Well-Formed UTF-8 Byte Sequences"). Returns false for
// bytes that can never start a sequence (0x80..0xC1, 0xF5..0xFF).
bool lead_byte_info(uint8_t b, int& continuation, uint8_t& lo, uint8_t& hi) {
  lo = 0x80;
  hi = 0xBF;
  if (b >= 0xC2 && b <= 0xDF) {
    continuation = 1;
  } else if (b >= 0xE0 && b <= 0xEF) {
    continuation = 2;
    if (b == 0xE0) lo = 0xA0;  // no overlongs
    if (b == 0xED) hi = 0x9F;  // no surrogates
  } else if (b >= 0xF0 && b <= 0xF4) {
    continuation = 3;
    if (b == 0xF0) lo = 0x90;  // no overlongs
    if (b == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return false;
  }
  return true;
}

// Length of the standard UTF-8 sequence at bytes[i] and its code point in `cp`; 0 when the bytes
// there are not a well-formed sequence.
size_t well_formed_at(std::string_view bytes, size_t i, char32_t& cp) {
  const auto b = static_cast<uint8_t>(bytes[i]);
  if (b < 0x80) {
    cp = b;
    return 1;
  }
  int continuation = 0;
  uint8_t lo = 0;
  uint8_t hi = 0;
  if (!lead_byte_info(b, continuation, lo, hi)) return 0;
  if (i + continuation >= bytes.size()) return 0;
  cp = b & (0x3F >> continuation);
  for (int k = 1; k <= continuation; ++k) {
    const auto c = static_cast<uint8_t>(bytes[i + k]);
    if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xBF)) return 0;
    cp = (cp << 6) | (c & 0x3F);
  }
  return static_cast<size_t>(continuation) + 1;
}

bool in_range(std::string_view bytes, size_t i, uint8_t lo, uint8_t hi) {
  const auto b = static_cast<uint8_t>(bytes[i]);
  return b >= lo && b <= hi;
}

// A CESU-8 surrogate pair `11101101 1010abcd 10efghij 11101101 1011klmn 10opqrst` at bytes[i]:
// the 20 bits abcd..qrst plus 0x10000, or 0 when there is none.
char32_t cesu8_pair_at(std::string_view bytes, size_t i) {
  if (i + kCesu8PairBytes > bytes.size()) return 0;
  if (!in_range(bytes, i, 0xED, 0xED) || !in_range(bytes, i + 1, 0xA0, 0xAF) ||
      !in_range(bytes, i + 2, 0x80, 0xBF) || !in_range(bytes, i + 3, 0xED, 0xED) ||
      !in_range(bytes, i + 4, 0xB0, 0xBF) || !in_range(bytes, i + 5, 0x80, 0xBF)) {
    return 0;
  }
  const auto byte = [&](size_t k) {
    return static_cast<char32_t>(static_cast<uint8_t>(bytes[i + k]));
  };
  return 0x10000 + ((byte(1) & 0x0F) << 16) + ((byte(2) & 0x3F) << 10) + ((byte(4) & 0x0F) << 6) +
         (byte(5) & 0x3F);
}

}  // namespace

std::optional<std::u32string> decode_utf8_variants(std::string_view bytes) {
  std::u32string out;
  out.reserve(bytes.size());
  size_t i = 0;
  while (i < bytes.size()) {
    char32_t cp = 0;
    if (const size_t n = well_formed_at(bytes, i, cp)) {
      out.push_back(cp);
      i += n;
    } else if (const char32_t pair = cesu8_pair_at(bytes, i)) {
      out.push_back(pair);
      i += kCesu8PairBytes;
    } else if (i + 1 < bytes.size() && in_range(bytes, i, 0xC0, 0xC0) &&
               in_range(bytes, i + 1, 0x80, 0x80)) {
      out.push_back(0);  // Java's "modified UTF-8" NUL
      i += 2;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

std::u32string decode_utf8(std::string_view bytes) {
  std::u32string out;
  out.reserve(bytes.size());
  const size_t n = bytes.size();
  size_t i = 0;
  while (i < n) {
    const auto b = static_cast<uint8_t>(bytes[i]);
    if (b < 0x80) {
      out.push_back(b);
      ++i;
      continue;
    }
    int continuation = 0;
    uint8_t lo = 0;
    uint8_t hi = 0;
    if (!lead_byte_info(b, continuation, lo, hi)) {
      out.push_back(kReplacementChar);
      ++i;
      continue;
    }
    char32_t cp = b & (0x3F >> continuation);
    size_t j = i + 1;
    bool ok = true;
    for (int k = 0; k < continuation; ++k, ++j) {
      if (j >= n) {
        ok = false;
        break;
      }
      const auto c = static_cast<uint8_t>(bytes[j]);
      const uint8_t min = k == 0 ? lo : uint8_t{0x80};
      const uint8_t max = k == 0 ? hi : uint8_t{0xBF};
      if (c < min || c > max) {
        ok = false;
        break;
      }
      cp = (cp << 6) | (c & 0x3F);
    }
    if (ok) {
      out.push_back(cp);
    } else {
      // The maximal subpart bytes[i, j) becomes one U+FFFD; decoding resumes at the offending
      // byte, which may start a valid sequence of its own.
      out.push_back(kReplacementChar);
    }
    i = j;
  }
  return out;
}

void append_utf8(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string encode_utf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t cp : text) append_utf8(cp, out);
  return out;
}

}  // namespace clipret::text
