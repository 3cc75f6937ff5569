// Tests of download/exif_tags: EXIF blocks built here byte by byte (TIFF 6.0 / EXIF 2.3 layout),
// in each container, against values worked out by hand from the specs and exifread's tables;
// the same files through exifread itself (Debian's python3-exifread, when installed); and
// hostile blocks, which must end quickly without a crash.
#include "download/exif_tags.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "test_util.h"

namespace clipret::download {
namespace {

using clipret::testing::run_command;
using clipret::testing::TempDir;
using clipret::testing::write_file;

enum Type : uint16_t {
  kByte = 1,
  kAscii = 2,
  kShort = 3,
  kLong = 4,
  kRational = 5,
  kUndefined = 7,
  kSLong = 9,
  kSRational = 10,
  kDouble = 12,
};

// One IFD entry: its value bytes already in the file's byte order, or a pointer to another IFD.
struct Entry {
  uint16_t tag;
  uint16_t type;
  uint32_t count;
  std::string data;
  int points_to = -1;  // index of the IFD whose offset is the (LONG) value
};

struct Ifd {
  std::vector<Entry> entries;
  int next = -1;  // index of the next IFD in the chain
};

class TiffBuilder {
 public:
  explicit TiffBuilder(bool little) : little_(little) {}

  std::string u16(uint32_t v) const { return bytes(v, 2); }
  std::string u32(uint32_t v) const { return bytes(v, 4); }
  Entry ascii(uint16_t tag, const std::string& text) const {
    return {tag, kAscii, static_cast<uint32_t>(text.size() + 1), text + '\0'};
  }
  Entry shorts(uint16_t tag, std::vector<uint32_t> values) const {
    std::string data;
    for (uint32_t v : values) data += u16(v);
    return {tag, kShort, static_cast<uint32_t>(values.size()), data};
  }
  Entry longs(uint16_t tag, uint16_t type, std::vector<uint32_t> values) const {
    std::string data;
    for (uint32_t v : values) data += u32(v);
    return {tag, type, static_cast<uint32_t>(values.size()), data};
  }
  // Numerator/denominator pairs, for RATIONAL and SRATIONAL (two's complement).
  Entry ratios(uint16_t tag, uint16_t type, std::vector<std::pair<int64_t, int64_t>> values) const {
    std::string data;
    for (auto [n, d] : values)
      data += u32(static_cast<uint32_t>(n)) + u32(static_cast<uint32_t>(d));
    return {tag, type, static_cast<uint32_t>(values.size()), data};
  }
  Entry raw(uint16_t tag, uint16_t type, const std::string& data) const {
    return {tag, type, static_cast<uint32_t>(data.size()), data};
  }
  Entry pointer(uint16_t tag, int ifd) const { return {tag, kLong, 1, u32(0), ifd}; }

  // The TIFF header, the IFDs one after another, then the values over 4 bytes.
  std::string build(const std::vector<Ifd>& ifds) const {
    std::vector<uint32_t> offsets;
    uint32_t at = 8;
    for (const Ifd& ifd : ifds) {
      offsets.push_back(at);
      at += 2 + 12 * static_cast<uint32_t>(ifd.entries.size()) + 4;
    }
    std::string out = little_ ? "II" : "MM";
    out += u16(42) + u32(offsets.empty() ? 0 : offsets[0]);
    std::string data_area;
    for (const Ifd& ifd : ifds) {
      out += u16(static_cast<uint32_t>(ifd.entries.size()));
      for (const Entry& e : ifd.entries) {
        out += u16(e.tag) + u16(e.type) + u32(e.count);
        if (e.points_to >= 0) {
          out += u32(offsets[e.points_to]);
        } else if (e.data.size() <= 4) {
          out += e.data + std::string(4 - e.data.size(), '\0');
        } else {
          out += u32(at + static_cast<uint32_t>(data_area.size()));
          data_area += e.data;
        }
      }
      out += u32(ifd.next >= 0 ? offsets[ifd.next] : 0);
    }
    return out + data_area;
  }

 private:
  std::string bytes(uint32_t v, int n) const {
    std::string out;
    for (int i = 0; i < n; ++i) {
      const int shift = little_ ? 8 * i : 8 * (n - 1 - i);
      out += static_cast<char>(v >> shift & 0xFF);
    }
    return out;
  }
  bool little_;
};

std::string be16(size_t v) {
  return {static_cast<char>(v >> 8 & 0xFF), static_cast<char>(v & 0xFF)};
}

// SOI, a JFIF APP0, APP1 "Exif\0\0" + tiff, a quantisation table and EOI: the segments exifread
// walks (it never decodes the image).
std::string jpeg_with(const std::string& tiff) {
  std::string jfif = std::string("JFIF\0\x01\x01\x00\x00\x01\x00\x01\x00\x00", 14);
  std::string out = "\xFF\xD8";
  out += "\xFF\xE0" + be16(jfif.size() + 2) + jfif;
  out += "\xFF\xE1" + be16(tiff.size() + 8) + std::string("Exif\0\0", 6) + tiff;
  out += "\xFF\xDB" + be16(67) + std::string(65, '\x01');
  return out + "\xFF\xD9";
}

std::string png_chunk(const std::string& type, const std::string& data) {
  const auto n = static_cast<uint32_t>(data.size());
  std::string out = {static_cast<char>(n >> 24), static_cast<char>(n >> 16 & 0xFF),
                     static_cast<char>(n >> 8 & 0xFF), static_cast<char>(n & 0xFF)};
  return out + type + data + std::string(4, '\0');  // the CRC is not checked by readers of EXIF
}

std::string png_with(const std::string& tiff) {
  std::string out = "\x89PNG\r\n\x1a\n";
  out += png_chunk("IHDR", std::string("\0\0\0\1\0\0\0\1\x08\x02\0\0\0", 13));
  out += png_chunk("eXIf", tiff);
  return out + png_chunk("IEND", "");
}

std::string le32(size_t v) {
  return {static_cast<char>(v & 0xFF), static_cast<char>(v >> 8 & 0xFF),
          static_cast<char>(v >> 16 & 0xFF), static_cast<char>(v >> 24 & 0xFF)};
}

// RIFF/WEBP with a VP8X chunk whose EXIF flag (bit 3) is set, an ICCP-like chunk, then EXIF.
std::string webp_with(const std::string& tiff) {
  std::string body = "WEBP";
  body += "VP8X" + le32(10) + std::string("\x08\0\0\0\0\0\0\0\0\0", 10);
  body += "ICCP" + le32(4) + "abcd";
  body += "EXIF" + le32(tiff.size()) + tiff;
  return "RIFF" + le32(body.size()) + body;
}

// A photo's worth of tags: IFD0 -> EXIF sub-IFD (with Interop) and GPS, IFD1 (thumbnail).
std::vector<Ifd> camera_ifds(const TiffBuilder& b) {
  Ifd image;
  image.entries = {
      b.shorts(0x0102, {8, 8, 8}),  // BitsPerSample
      b.ascii(0x010F, "Canon"),     // Make
      b.ascii(0x0110, "EOS 5D"),    // Model
      b.shorts(0x0112, {6}),        // Orientation
      b.ratios(0x011A, kRational, {{72, 1}}),
      b.shorts(0x0128, {2}),                   // ResolutionUnit
      b.ascii(0x0132, "2024:01:02 03:04:05"),  // DateTime
      b.shorts(0x0213, {2}),                   // YCbCrPositioning
      b.pointer(0x8769, 1),                    // ExifOffset
      b.pointer(0x8825, 2),                    // GPSInfo
      b.shorts(0xABCD, {7}),                   // not in the tables
  };
  image.next = 4;
  Ifd exif;
  exif.entries = {
      b.ratios(0x829A, kRational, {{10, 2000}}),  // ExposureTime, reduced by exifread
      b.ratios(0x829D, kRational, {{28, 10}}),    // FNumber
      b.shorts(0x8822, {3}),                      // ExposureProgram
      b.shorts(0x8827, {400}),                    // ISOSpeedRatings
      b.raw(0x9000, kUndefined, "0230"),          // ExifVersion
      b.raw(0x9101, kUndefined, std::string("\x01\x02\x03\x00", 4)),  // ComponentsConfiguration
      b.ratios(0x9204, kSRational, {{-2, 6}}),                        // ExposureBiasValue
      b.shorts(0x9207, {5}),                                          // MeteringMode
      b.shorts(0x9209, {16}),                                         // Flash
      b.shorts(0xA001, {1}),                                          // ColorSpace
      b.pointer(0xA005, 3),                                           // InteroperabilityOffset
      b.shorts(0xA402, {0}),                                          // ExposureMode
      b.shorts(0xA403, {1}),                                          // WhiteBalance
      b.shorts(0xA406, {2}),                                          // SceneCaptureType
      b.longs(0xA420, kSLong, {static_cast<uint32_t>(-5)}),           // ImageUniqueID, as a number
  };
  Ifd gps;
  gps.entries = {
      b.raw(0x0000, kByte, std::string("\x02\x02\x00\x00", 4)),  // GPSVersionID
      b.ascii(0x0001, "N"),
      b.ratios(0x0002, kRational, {{40, 1}, {26, 1}, {4612, 100}}),
      b.ascii(0x0003, "W"),
      b.ratios(0x0004, kRational, {{79, 1}, {58, 1}, {0, 0}}),  // a zero denominator
  };
  Ifd interop;
  interop.entries = {b.ascii(0x0001, "R98"), b.raw(0x0002, kUndefined, "0100")};
  Ifd thumbnail;
  thumbnail.entries = {b.shorts(0x0103, {6}), b.longs(0x0201, kLong, {0}),
                       b.longs(0x0202, kLong, {0})};
  return {image, exif, gps, interop, thumbnail};
}

// The offsets in camera_ifds' layout: IFD0 at 8 with 11 entries, EXIF after it, and so on.
constexpr uint32_t kExifIfdOffset = 8 + 2 + 12 * 11 + 4;
constexpr uint32_t kGpsIfdOffset = kExifIfdOffset + 2 + 12 * 15 + 4;

// In exifread's order: IFD0's tags with the GPS IFD's before "Image GPSInfo" (it is read while
// that tag is), the thumbnail IFD, then the EXIF sub-IFD (read after the chain) with Interop.
std::string camera_json() {
  return std::string("{") +
         "\"Image BitsPerSample\": \"[8, 8, 8]\", \"Image Make\": \"Canon\", "
         "\"Image Model\": \"EOS 5D\", \"Image Orientation\": \"Rotated 90 CW\", "
         "\"Image XResolution\": \"72\", \"Image ResolutionUnit\": \"Pixels/Inch\", "
         "\"Image DateTime\": \"2024:01:02 03:04:05\", \"Image YCbCrPositioning\": \"Co-sited\", "
         "\"Image ExifOffset\": \"" +
         std::to_string(kExifIfdOffset) +
         "\", "
         "\"GPS GPSVersionID\": \"[2, 2, 0, 0]\", \"GPS GPSLatitudeRef\": \"N\", "
         "\"GPS GPSLatitude\": \"[40, 26, 1153/25]\", \"GPS GPSLongitudeRef\": \"W\", "
         "\"GPS GPSLongitude\": \"[79, 58, 0/0]\", "
         "\"Image GPSInfo\": \"" +
         std::to_string(kGpsIfdOffset) +
         "\", "
         "\"Image Tag 0xABCD\": \"7\", "
         "\"Thumbnail Compression\": \"JPEG (old-style)\", "
         "\"Thumbnail JPEGInterchangeFormat\": \"0\", "
         "\"Thumbnail JPEGInterchangeFormatLength\": \"0\", "
         "\"EXIF ExposureTime\": \"1/200\", \"EXIF FNumber\": \"14/5\", "
         "\"EXIF ExposureProgram\": \"Aperture Priority\", \"EXIF ISOSpeedRatings\": \"400\", "
         "\"EXIF ExifVersion\": \"0230\", \"EXIF ComponentsConfiguration\": \"YCbCr\", "
         "\"EXIF ExposureBiasValue\": \"-1/3\", \"EXIF MeteringMode\": \"Pattern\", "
         "\"EXIF Flash\": \"Flash did not fire, compulsory flash mode\", "
         "\"EXIF ColorSpace\": \"sRGB\", "
         "\"Interoperability InteroperabilityIndex\": \"R98\", "
         "\"Interoperability InteroperabilityVersion\": \"[48, 49, 48, 48]\", "
         "\"EXIF InteroperabilityOffset\": \"" +
         std::to_string(kGpsIfdOffset + 2 + 12 * 5 + 4) +
         "\", \"EXIF ExposureMode\": \"Auto Exposure\", \"EXIF WhiteBalance\": \"Manual\", "
         "\"EXIF SceneCaptureType\": \"Portrait\", \"EXIF ImageUniqueID\": \"-5\"}";
}

TEST(ExifTags, CameraTagsInBothByteOrders) {
  for (bool little : {true, false}) {
    const TiffBuilder b(little);
    const std::string tiff = b.build(camera_ifds(b));
    EXPECT_EQ(exif_json(jpeg_with(tiff)), camera_json()) << (little ? "II" : "MM");
  }
}

TEST(ExifTags, EveryContainer) {
  const TiffBuilder b(false);
  const std::string tiff = b.build(camera_ifds(b));
  EXPECT_EQ(exif_json(tiff), camera_json()) << "TIFF";
  EXPECT_EQ(exif_json(png_with(tiff)), camera_json()) << "PNG eXIf";
  EXPECT_EQ(exif_json(webp_with(tiff)), camera_json()) << "WebP EXIF";
}

TEST(ExifTags, NoExifIsAnEmptyObject) {
  EXPECT_EQ(exif_json(""), "{}");
  EXPECT_EQ(exif_json("GIF89a......"), "{}");
  const std::string jpeg = jpeg_with("");
  std::string no_app1 = jpeg.substr(0, 20) + jpeg.substr(20 + 4 + 6);  // APP1 cut out
  EXPECT_EQ(exif_json(no_app1), "{}");
  const std::string png = std::string("\x89PNG\r\n\x1a\n") + png_chunk("IEND", "");
  EXPECT_EQ(exif_json(png), "{}");
}

TEST(ExifTags, ValuesPrintAsExifreadPrintsThem) {
  const TiffBuilder b(true);
  std::vector<uint32_t> many(60);
  for (uint32_t i = 0; i < many.size(); ++i) many[i] = i;
  std::string doubles = b.u32(0) + b.u32(0x3FF80000);  // 1.5 as a little-endian double
  Ifd image;
  image.entries = {
      b.ascii(0x010E, "  caf\xC3\xA9 \"x\"  "),  // stripped, then escaped as json.dumps does
      b.shorts(0x0111, many),                    // over 50 values: the first 20, then "..."
      b.longs(0x0117, kLong, std::vector<uint32_t>(1000, 1)),  // 1000 or more: none read
      b.raw(0x011D, kAscii, "\xFF\xFEok"),   // PageName: make_string of non-UTF-8 bytes
      b.raw(0x0131, kAscii, "\xFF\xFE"),     // Software: kept as bytes, printed as repr
      {0x0132, kDouble, 1, doubles},         // floats print as 1-tuples
      b.shorts(0x0112, {9}),                 // Orientation without a name: the number
      b.longs(0x00FE, kLong, {0xFFFFFFFF}),  // SubfileType "invalid " (stripped)
  };
  const std::string expected =
      "{\"Image ImageDescription\": \"caf\\u00e9 \\\"x\\\"\", "
      "\"Image StripOffsets\": \"[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, "
      "18, 19, ... ]\", "
      "\"Image StripByteCounts\": \"[]\", "
      "\"Image PageName\": \"\\u00ff\\u00feok\", "
      "\"Image Software\": \"b'\\\\xff\\\\xfe'\", "
      "\"Image DateTime\": \"(1.5,)\", "
      "\"Image Orientation\": \"9\", "
      "\"Image SubfileType\": \"invalid\"}";
  EXPECT_EQ(exif_json(b.build({image})), expected);
}

// Hostile blocks: each must give a result (any) quickly, without reading out of bounds.
std::vector<std::string> hostile_files() {
  std::vector<std::string> files;
  const TiffBuilder b(true);
  {  // the chain loops back to IFD0 and to itself
    Ifd a;
    a.entries = {b.ascii(0x010F, "A")};
    a.next = 1;
    Ifd c;
    c.entries = {b.ascii(0x0110, "B")};
    c.next = 0;
    files.push_back(b.build({a, c}));
    c.next = 1;
    files.push_back(b.build({a, c}));
  }
  {  // sub-IFDs pointing back at IFD0 and at each other
    Ifd a;
    a.entries = {b.pointer(0x8769, 0), b.pointer(0x8825, 1), b.pointer(0xA005, 0)};
    Ifd gps;
    gps.entries = {b.pointer(0x8825, 0), b.pointer(0x0002, 0)};
    files.push_back(b.build({a, gps}));
  }
  {  // huge counts and offsets past the end
    Ifd a;
    a.entries = {{0x010F, kAscii, 0xFFFFFFFF, b.u32(0x10)}, {0x0111, kLong, 0xFFFFFFFF, b.u32(9)},
                 {0x8769, kLong, 1, b.u32(0xFFFFFFF0)},     {0x8825, kLong, 1, b.u32(0x7FFFFFFF)},
                 {0x0112, kShort, 999, b.u32(0xFFFFFFFF)},  {0x0113, 99, 1, b.u32(0)}};
    files.push_back(b.build({a}));
  }
  // every truncation of a real block, in a JPEG
  const std::string jpeg = jpeg_with(b.build(camera_ifds(b)));
  for (size_t n = 0; n < jpeg.size(); n += 7) files.push_back(jpeg.substr(0, n));
  // segment lengths that overflow the walk
  files.push_back(std::string("\xFF\xD8\xFF\xE0\xFF\xFFJFIF", 10));
  files.push_back(std::string("\xFF\xD8\xFF\xE2\x00", 5));
  files.push_back(std::string("RIFF\0\0\0\0WEBPVP8X\x08", 17));
  files.push_back(
      std::string("\x89PNG\r\n\x1a\n\xFF\xFF\xFF\xFF"
                  "eXIf",
                  16));
  return files;
}

// IFD0 claims 65535 entries, each a GPSInfo or InteroperabilityOffset pointing back at IFD0:
// every entry re-reads the whole IFD as a sub-IFD. exifread spends minutes on it; we give up
// past our work budget and store null (exif_tags.cpp, kMaxWork).
std::string work_bomb() {
  const TiffBuilder b(true);
  std::string tiff = "II*" + std::string(1, '\0') + b.u32(8) + b.u16(0xFFFF);
  for (int i = 0; i < 2000; ++i) {
    tiff += b.u16(i % 2 ? 0x8825 : 0xA005) + b.u16(kLong) + b.u32(1) + b.u32(8);
  }
  return tiff;
}

TEST(ExifTags, WorkBombIsCutToNull) {
  EXPECT_EQ(exif_json(work_bomb()), std::nullopt);
}

TEST(ExifTags, HostileBlocksEndWithoutCrashing) {
  for (const std::string& file : hostile_files()) {
    const auto json = exif_json(file);
    if (json.has_value()) {
      EXPECT_EQ(json->front(), '{');
      EXPECT_EQ(json->back(), '}');
    }
  }
}

TEST(ExifTags, RandomBitFlipsEndWithoutCrashing) {
  const TiffBuilder b(false);
  const std::string jpeg = jpeg_with(b.build(camera_ifds(b)));
  std::mt19937 rng(15);
  for (int round = 0; round < 2000; ++round) {
    std::string file = jpeg;
    for (int flips = 1 + static_cast<int>(rng() % 4); flips > 0; --flips) {
      file[rng() % file.size()] ^= static_cast<char>(1 << (rng() % 8));
    }
    (void)exif_json(file);
  }
}

// The reference itself: img2dataset's expression over exifread, one JSON (or null) a line.
constexpr char kExifreadScript[] = R"(
import io, json, logging, sys
logging.disable(logging.CRITICAL)
import exifread
for path in sys.argv[1:]:
    raw = open(path, 'rb').read()
    try:
        tags = exifread.process_file(io.BytesIO(raw), details=False)
        print(json.dumps({k: str(v).strip() for k, v in tags.items() if v is not None}))
    except Exception:
        print('null')
)";

TEST(ExifTags, SameAsExifread) {
  if (run_command("/usr/bin/python3 -c 'import exifread'").exit_code != 0) {
    GTEST_SKIP() << "python3-exifread not installed";
  }
  std::vector<std::string> files;
  for (bool little : {true, false}) {
    const TiffBuilder b(little);
    const std::string tiff = b.build(camera_ifds(b));
    for (const std::string& file : {tiff, jpeg_with(tiff), png_with(tiff), webp_with(tiff)}) {
      files.push_back(file);
    }
  }
  for (const std::string& file : hostile_files()) files.push_back(file);
  const TiffBuilder b(true);
  const std::string jpeg = jpeg_with(b.build(camera_ifds(b)));
  std::mt19937 rng(1504);
  for (int round = 0; round < 300; ++round) {
    std::string file = jpeg;
    file[rng() % file.size()] ^= static_cast<char>(1 << (rng() % 8));
    files.push_back(file);
  }
  TempDir dir;
  write_file(dir.file("run_exifread.py"), kExifreadScript);
  std::string command = "/usr/bin/python3 '" + dir.file("run_exifread.py") + "'";
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string path = dir.file(std::to_string(i) + ".bin");
    write_file(path, files[i]);
    command += " '" + path + "'";
  }
  const auto python = run_command(command);
  ASSERT_EQ(python.exit_code, 0) << python.err;
  size_t start = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    const size_t end = python.out.find('\n', start);
    ASSERT_NE(end, std::string::npos) << "exifread printed fewer lines than files";
    const std::string expected = python.out.substr(start, end - start);
    start = end + 1;
    const auto json = exif_json(files[i]);
    EXPECT_EQ(json.value_or("null"), expected) << "file " << i;
  }
}

}  // namespace
}  // namespace clipret::download
