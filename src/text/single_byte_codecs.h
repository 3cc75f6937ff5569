// text/single_byte_codecs.h: the two single-byte encodings whose mix-ups with UTF-8 ftfy's
// mojibake repair undoes (text/mojibake_repair.h): Latin-1 and ftfy's "sloppy-windows-1252".
//
// Sloppy Windows-1252 is Windows-1252 with its holes filled: the five bytes Windows leaves
// undefined (0x81 0x8D 0x8F 0x90 0x9D) decode to U+0081 etc. as in Latin-1, so every byte string
// decodes and every decoded string encodes back. As in ftfy, byte 0x1A (SUBSTITUTE) stands for
// U+FFFD in this codec, so a replacement character marks the byte that was lost.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace clipret::text {

// The code point sloppy Windows-1252 decodes `byte` to.
char32_t decode_sloppy_windows_1252(uint8_t byte);

// The byte sloppy Windows-1252 encodes `cp` to, or nullopt when it has none.
std::optional<uint8_t> sloppy_windows_1252_byte(char32_t cp);

// `text.encode("latin-1")`: nullopt when a code point is above U+00FF.
std::optional<std::string> encode_latin1(std::u32string_view text);

// `text.encode("sloppy-windows-1252")`: nullopt when a code point has no byte (U+001A, a C1
// control Windows-1252 redefines, or anything outside the code page but U+FFFD).
std::optional<std::string> encode_sloppy_windows_1252(std::u32string_view text);

}  // namespace clipret::text
