// Tests of download/image_resizer against img2dataset's resizer rewritten in Python with the same
// OpenCV (image_resizer_reference.py, run by /usr/bin/python3 with cv2): every resize mode ×
// resize_only_if_bigger on RGB, grayscale, RGBA, 16-bit, PNG/JPEG/WebP inputs, interpolations,
// sizes, filters, skip_reencode, bad bytes. Encoded bytes must be equal (same libjpeg, libpng,
// zlib and libwebp), which implies pixel-exact images before encoding.
#include "download/image_resizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/error.h"
#include "download/image_header.h"
#include "test_util.h"

namespace clipret::download {
namespace {

using clipret::testing::read_file;
using clipret::testing::run_command;
using clipret::testing::TempDir;

struct ReferenceCase {
  std::string name, input, options, status;
};

// ctest runs each test in its own process: only the one that needs the ~300 cases asks the
// reference for them (seconds); the others only need its generated inputs.
class Reference {
 public:
  static Reference& get() {
    static Reference reference(true);
    return reference;
  }
  static Reference& inputs_only() {
    static Reference reference(false);
    return reference;
  }
  const std::string& failure() const { return failure_; }
  const std::vector<ReferenceCase>& cases() const { return cases_; }
  std::string input(const std::string& name) const {
    return read_file(dir_.file("inputs/" + name));
  }
  std::string expected(const std::string& name, const char* ext) const {
    return read_file(dir_.file("expected/" + name + ext));
  }

 private:
  explicit Reference(bool with_cases) {
    const std::string script =
        std::string(CLIPRET_SOURCE_DIR) + "/tests/download/image_resizer_reference.py";
    const auto run = run_command("/usr/bin/python3 '" + script + "' '" + dir_.path().string() +
                                 "'" + (with_cases ? "" : " --inputs-only"));
    if (run.exit_code != 0) {
      failure_ =
          "the Python reference failed (exit " + std::to_string(run.exit_code) +
          "; /usr/bin/python3 needs cv2 and numpy: scripts/setup.sh installs python3-opencv):\n" +
          run.out + run.err;
      return;
    }
    std::istringstream manifest(read_file(dir_.file("manifest.tsv")));
    std::string line;
    while (std::getline(manifest, line)) {
      ReferenceCase c;
      std::istringstream fields(line);
      std::getline(fields, c.name, '\t');
      std::getline(fields, c.input, '\t');
      std::getline(fields, c.options, '\t');
      std::getline(fields, c.status, '\t');
      cases_.push_back(c);
    }
  }
  TempDir dir_;
  std::string failure_;
  std::vector<ReferenceCase> cases_;
};

ResizeOptions parse_options(const std::string& text) {
  ResizeOptions o;
  std::istringstream in(text);
  std::string item;
  while (std::getline(in, item, ';')) {
    const auto eq = item.find('=');
    const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
    if (key == "image_size")
      o.image_size = std::stoll(value);
    else if (key == "resize_mode")
      o.resize_mode = value;
    else if (key == "resize_only_if_bigger")
      o.resize_only_if_bigger = value == "1";
    else if (key == "upscale_interpolation")
      o.upscale_interpolation = value;
    else if (key == "downscale_interpolation")
      o.downscale_interpolation = value;
    else if (key == "encode_format")
      o.encode_format = value;
    else if (key == "encode_quality")
      o.encode_quality = std::stoll(value);
    else if (key == "skip_reencode")
      o.skip_reencode = value == "1";
    else if (key == "disable_all_reencoding")
      o.disable_all_reencoding = value == "1";
    else if (key == "min_image_size")
      o.min_image_size = std::stoll(value);
    else if (key == "max_image_area")
      o.max_image_area = std::stod(value);
    else if (key == "max_aspect_ratio")
      o.max_aspect_ratio = std::stod(value);
    else
      ADD_FAILURE() << "unknown option in the manifest: " << key;
  }
  return o;
}

void expect_matches_reference(const Reference& ref, const ReferenceCase& c,
                              const ResizedImage& got) {
  SCOPED_TRACE(c.name + " (" + c.input + ", " + c.options + ")");
  if (c.status == "err") {
    EXPECT_EQ(got.error, ref.expected(c.name, ".err"));
    EXPECT_TRUE(got.bytes.empty());
    EXPECT_FALSE(got.width || got.height || got.original_width || got.original_height);
    return;
  }
  ASSERT_EQ(got.error, "");
  const std::string expected = ref.expected(c.name, ".out");
  // Not EXPECT_EQ on the bytes: a failure would print megabytes.
  EXPECT_EQ(got.bytes.size(), expected.size());
  EXPECT_TRUE(got.bytes == expected) << "encoded bytes differ from cv2's";
  if (c.status == "none") {
    EXPECT_FALSE(got.width || got.height || got.original_width || got.original_height);
    return;
  }
  int width = 0, height = 0, original_width = 0, original_height = 0;
  std::istringstream(c.status.substr(3)) >> width >> height >> original_width >> original_height;
  EXPECT_EQ(got.width, width);
  EXPECT_EQ(got.height, height);
  EXPECT_EQ(got.original_width, original_width);
  EXPECT_EQ(got.original_height, original_height);
}

TEST(ImageResizer, MatchesImg2datasetWithPythonOpenCV) {
  const Reference& ref = Reference::get();
  ASSERT_EQ(ref.failure(), "");
  ASSERT_GT(ref.cases().size(), 250u);
  size_t errors = 0;
  for (const ReferenceCase& c : ref.cases()) {
    const ImageResizer resizer(parse_options(c.options));
    expect_matches_reference(ref, c, resizer.process(ref.input(c.input)));
    errors += c.status == "err";
  }
  EXPECT_GE(errors, 10u);  // the reference does exercise the failure paths

  // One resizer serves every worker: the same answers from several threads at once.
  use_caller_threads_for_opencv();
  std::vector<const ReferenceCase*> border;
  for (const ReferenceCase& c : ref.cases()) {
    if (c.options.find("resize_mode=border;resize_only_if_bigger=0;") == 0) border.push_back(&c);
  }
  ASSERT_FALSE(border.empty());
  const ImageResizer resizer(parse_options(border.front()->options));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (const ReferenceCase* c : border) {
        if (c->options != border.front()->options) continue;
        expect_matches_reference(ref, *c, resizer.process(ref.input(c->input)));
      }
    });
  }
  for (auto& thread : threads) thread.join();
}

ResizedImage process(const std::string& bytes, ResizeOptions options = {}) {
  return ImageResizer(std::move(options)).process(bytes);
}

std::string le(uint32_t v, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
  return out;
}
std::string be(uint32_t v, int n) {
  std::string out;
  for (int i = n - 1; i >= 0; --i) out += static_cast<char>((v >> (8 * i)) & 0xff);
  return out;
}

// Headers declaring huge images followed by a little data: refused before OpenCV allocates.
TEST(ImageResizer, RefusesDecompressionBombsFromTheirHeader) {
  const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + be(13, 4) + "IHDR" + be(100000, 4) +
                          be(100000, 4) + std::string("\x08\x02\0\0\0", 5) + be(0, 4) +
                          std::string(64, 'x');
  EXPECT_EQ(process(png).error, "image too large to decode (100000 x 100000)");

  const std::string jpeg = std::string("\xff\xd8\xff\xe0", 4) + be(16, 2) +
                           std::string("JFIF\0\x01\x01\0\0\x01\0\x01\0\0", 14) +
                           std::string("\xff\xff\xff\xc0", 4) + be(17, 2) + "\x08" + be(60000, 2) +
                           be(50000, 2) + std::string(32, '\0');
  EXPECT_EQ(process(jpeg).error, "image too large to decode (50000 x 60000)");

  // Stray bytes and stuffed zeros before the frame header: libjpeg skips them with a warning and
  // OpenCV decodes on (the fuzzer's 339-byte file made cv::imdecode allocate 1.36 GB this way),
  // so both the libjpeg header read and the sniffer must find the frame.
  const std::string hidden_frame = std::string("\xff\xd8\xff\xe0", 4) + be(16, 2) +
                                   std::string("JFIF\0\x01\x01\0\0\x01\0\x01\0\0", 14) +
                                   "DTED((]((" + std::string("\xff\x00\xff\xc0", 4) + be(17, 2) +
                                   "\x08" + be(65377, 2) + be(6932, 2) + std::string(32, '\0');
  EXPECT_EQ(process(hidden_frame).error, "image too large to decode (6932 x 65377)");
  const std::optional<DeclaredSize> sniffed = declared_image_size(hidden_frame);
  ASSERT_TRUE(sniffed.has_value());
  EXPECT_EQ(sniffed->width, 6932u);
  EXPECT_EQ(sniffed->height, 65377u);
  const std::string fuzz_finding =
      read_file(std::string(CLIPRET_SOURCE_DIR) +
                "/tests/fuzz/regressions/image_resizer/image_resizer_jpeg_bomb.jpg");
  EXPECT_EQ(process(fuzz_finding).error, "image too large to decode (6932 x 65377)");

  const std::string webp = "RIFF" + le(100, 4) + "WEBPVP8X" + le(10, 4) + le(0, 4) + le(16383, 3) +
                           le(9999, 3) + std::string(16, '\0');
  EXPECT_EQ(process(webp).error, "image too large to decode (16384 x 10000)");

  const std::string gif = "GIF89a" + le(65535, 2) + le(40000, 2) + std::string(16, '\0');
  EXPECT_EQ(process(gif).error, "image too large to decode (65535 x 40000)");

  const std::string bmp = "BM" + le(0, 4) + le(0, 4) + le(54, 4) + le(40, 4) + le(20000, 4) +
                          le(static_cast<uint32_t>(-20000), 4) + le(1, 2) + le(24, 2) +
                          std::string(64, '\0');
  EXPECT_EQ(process(bmp).error, "image too large to decode (20000 x 20000)");

  for (bool little : {true, false}) {
    auto u16 = [&](uint32_t v) { return little ? le(v, 2) : be(v, 2); };
    auto u32 = [&](uint32_t v) { return little ? le(v, 4) : be(v, 4); };
    const std::string tiff = std::string(little ? "II*\0" : "MM\0*", 4) + u32(8) + u16(2) +
                             u16(256) + u16(4) + u32(1) + u32(50000) + u16(257) + u16(3) + u32(1) +
                             u16(30000) + u16(0) + u32(0) + std::string(16, '\0');
    EXPECT_EQ(process(tiff).error, "image too large to decode (50000 x 30000)") << little;
  }

  const std::string sun = std::string("\x59\xa6\x6a\x95", 4) + be(30000, 4) + be(30000, 4) +
                          be(24, 4) + std::string(32, '\0');
  EXPECT_EQ(process(sun).error, "image too large to decode (30000 x 30000)");
}

TEST(ImageResizer, DecodeLimitIsAnOption) {
  const Reference& ref = Reference::inputs_only();
  ASSERT_EQ(ref.failure(), "");
  const std::string png = ref.input("rgb_640x480.png"), jpg = ref.input("rgb_480x640.jpg");
  EXPECT_EQ(process(png, {.max_decode_pixels = 640 * 480 - 1}).error,
            "image too large to decode (640 x 480)");
  EXPECT_EQ(process(jpg, {.max_decode_pixels = 640 * 480 - 1}).error,
            "image too large to decode (480 x 640)");
  EXPECT_EQ(process(png, {.max_decode_pixels = 640 * 480}).error, "");
  EXPECT_EQ(process(jpg, {.max_decode_pixels = 640 * 480}).error, "");
}

// A 2000×1 image centre-cropped to 256 would first be upscaled to 512000×256 (131 Mpx):
// img2dataset allocates it, we refuse (a deviation, documented on max_decode_pixels).
TEST(ImageResizer, RefusesResizesOverTheLimit) {
  const Reference& ref = Reference::inputs_only();
  ASSERT_EQ(ref.failure(), "");
  const std::string thin = ref.input("rgb_2000x1.png");
  EXPECT_EQ(process(thin, {.image_size = 256, .resize_mode = "center_crop"}).error,
            "image too large to resize (512000 x 256)");
  EXPECT_EQ(process(thin, {.image_size = 256, .resize_mode = "keep_ratio"}).error,
            "image too large to resize (512000 x 256)");
  // The limit is inclusive: 2000×1 → 32000×16 is exactly 512000 pixels.
  EXPECT_EQ(
      process(thin, {.image_size = 16, .resize_mode = "center_crop", .max_decode_pixels = 511999})
          .error,
      "image too large to resize (32000 x 16)");
  const ResizedImage small =
      process(thin, {.image_size = 16, .resize_mode = "center_crop", .max_decode_pixels = 512000});
  EXPECT_EQ(small.error, "");
  EXPECT_EQ(small.width, 16);
  EXPECT_EQ(small.height, 16);
  EXPECT_EQ(
      process(ref.input("rgb_64x48.png"), {.image_size = 200, .max_decode_pixels = 39999}).error,
      "image too large to resize (200 x 200)");
}

TEST(ImageResizer, DisableAllReencodingKeepsAnyBytes) {
  const std::string bytes("\0\x01garbage\xff", 11);
  const ResizedImage out = process(bytes, {.disable_all_reencoding = true});
  EXPECT_EQ(out.bytes, bytes);
  EXPECT_EQ(out.error, "");
  EXPECT_FALSE(out.width || out.height || out.original_width || out.original_height);
}

// Truncations and random tails after every magic number the sniffers know: never a crash, and
// either an image or an error.
TEST(ImageResizer, SurvivesHostileBytes) {
  const Reference& ref = Reference::inputs_only();
  ASSERT_EQ(ref.failure(), "");
  const ImageResizer resizer({.image_size = 32, .encode_format = "png", .encode_quality = 0});
  for (const char* name : {"rgb_64x48.png", "gray_90x120.jpg", "rgb_200x150.webp"}) {
    const std::string bytes = ref.input(name);
    for (size_t n = 0; n < bytes.size(); n += 1 + n / 4) {
      const ResizedImage out = resizer.process(std::string_view(bytes).substr(0, n));
      EXPECT_NE(out.error.empty(), out.bytes.empty()) << name << " cut at " << n;
    }
  }
  const std::vector<std::string> magics = {std::string("\xff\xd8", 2),
                                           std::string("\x89PNG\r\n\x1a\n", 8),
                                           "RIFF\0\0\0\0WEBPVP8X",
                                           "RIFF\0\0\0\0WEBPVP8L",
                                           "RIFF\0\0\0\0WEBPVP8 ",
                                           "GIF89a",
                                           "BM",
                                           std::string("II*\0", 4),
                                           std::string("MM\0*", 4),
                                           std::string("\x59\xa6\x6a\x95", 4)};
  std::mt19937 rng(7);
  for (const std::string& magic : magics) {
    for (int length = 0; length < 48; ++length) {
      std::string bytes = magic;
      for (int i = 0; i < length; ++i) bytes += static_cast<char>(rng() & 0xff);
      // In a heap block of exactly that size, so that AddressSanitizer sees any read past the
      // end (a short std::string lives in its own object, where an over-read goes unnoticed:
      // the fuzzer found "II*\0" alone read 4 bytes past it).
      const std::unique_ptr<char[]> exact(new char[bytes.size()]);
      std::copy(bytes.begin(), bytes.end(), exact.get());
      const ResizedImage out = resizer.process(std::string_view(exact.get(), bytes.size()));
      EXPECT_NE(out.error.empty(), out.bytes.empty());
    }
  }
  EXPECT_FALSE(declared_image_size(std::string_view("II*\0", 4)));
  EXPECT_FALSE(declared_image_size(std::string_view("MM\0*\0\0\0", 7)));
}

void expect_invalid(const ResizeOptions& options, const std::string& fragment) {
  try {
    ImageResizer resizer(options);
    ADD_FAILURE() << "accepted; expected an error naming " << fragment;
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(ImageResizer, ValidatesOptions) {
  expect_invalid({.resize_mode = "Border"}, "resize_mode");
  expect_invalid({.resize_mode = "crop"}, "resize_mode");
  expect_invalid({.upscale_interpolation = "bilinearr"}, "upscale_interpolation");
  expect_invalid({.downscale_interpolation = ""}, "downscale_interpolation");
  expect_invalid({.encode_format = "jpeg"}, "encode_format");
  expect_invalid({.encode_format = "gif"}, "encode_format");
  expect_invalid({.encode_format = "png", .encode_quality = 10}, "encode_quality");
  expect_invalid({.encode_format = "png", .encode_quality = -1}, "encode_quality");
  expect_invalid({.encode_quality = 101}, "encode_quality");
  expect_invalid({.encode_format = "webp", .encode_quality = -5}, "encode_quality");
  expect_invalid({.image_size = 0}, "image_size");
  expect_invalid({.image_size = 1 << 20}, "image_size");
  expect_invalid({.max_decode_pixels = 0}, "max_decode_pixels");
  // Names img2dataset accepts, in any case for the interpolations.
  EXPECT_NO_THROW(ImageResizer({.resize_mode = "keep_ratio_largest",
                                .upscale_interpolation = "BiCubic",
                                .downscale_interpolation = "LANCZOS4",
                                .encode_format = "png",
                                .encode_quality = 9}));
  EXPECT_NO_THROW(ImageResizer({.encode_format = "webp", .encode_quality = 100}));
}

}  // namespace
}  // namespace clipret::download
