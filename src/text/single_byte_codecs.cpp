#include "text/single_byte_codecs.h"

#include <array>

namespace clipret::text {
namespace {

constexpr uint8_t kFirstHighByte = 0x80;
constexpr uint8_t kSubstitute = 0x1A;
constexpr char32_t kReplacement = 0xFFFD;
constexpr char32_t kLatin1Last = 0xFF;

// Sloppy Windows-1252 for bytes 0x80..0x9F; every other byte decodes as in Latin-1.
constexpr std::array<char32_t, 32> kHighC1 = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

}  // namespace

std::optional<uint8_t> sloppy_windows_1252_byte(char32_t cp) {
  if (cp == kReplacement) return kSubstitute;
  if (cp == kSubstitute) return std::nullopt;  // byte 0x1A already means U+FFFD
  if (cp < kFirstHighByte || (cp >= 0xA0 && cp <= kLatin1Last)) return static_cast<uint8_t>(cp);
  for (size_t i = 0; i < kHighC1.size(); ++i) {
    if (kHighC1[i] == cp) return static_cast<uint8_t>(kFirstHighByte + i);
  }
  return std::nullopt;
}

char32_t decode_sloppy_windows_1252(uint8_t byte) {
  if (byte == kSubstitute) return kReplacement;
  if (byte >= kFirstHighByte && byte < kFirstHighByte + kHighC1.size()) {
    return kHighC1[byte - kFirstHighByte];
  }
  return byte;
}

std::optional<std::string> encode_latin1(std::u32string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t cp : text) {
    if (cp > kLatin1Last) return std::nullopt;
    out.push_back(static_cast<char>(cp));
  }
  return out;
}

std::optional<std::string> encode_sloppy_windows_1252(std::u32string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t cp : text) {
    const std::optional<uint8_t> byte = sloppy_windows_1252_byte(cp);
    if (!byte) return std::nullopt;
    out.push_back(static_cast<char>(*byte));
  }
  return out;
}

}  // namespace clipret::text
