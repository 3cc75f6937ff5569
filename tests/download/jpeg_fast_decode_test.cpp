// Tests of download/jpeg_fast_decode against cv::imdecode(IMREAD_UNCHANGED) itself, the truth it
// must reproduce: JPEGs from OpenCV's encoder (qualities, sizes, progressive, restart intervals,
// gray) and from libjpeg's (every sampling factor, colour spaces, arithmetic coding, CMYK, YCCK),
// then truncated, bit-flipped and patched ones. Whenever the fast path answers, its Mat must equal
// imdecode's in type, size and every byte; it must answer for the common cases, and leave corrupt
// or unusual files to imdecode, which ImageResizer::process then uses (checked end to end).
#include "download/jpeg_fast_decode.h"

#include <gtest/gtest.h>

// jpeglib.h needs size_t and FILE declared first.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <jpeglib.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "download/image_resizer.h"

namespace clipret::download {
namespace {

// ---- Inputs ----

// Photo-like content: smooth colour fields (a few random values upscaled), soft shapes, grain.
cv::Mat photo(int width, int height, int channels, uint32_t seed) {
  std::mt19937 rng(seed);
  cv::Mat coarse(3, 4, CV_8UC3);
  cv::randu(coarse, 0, 255);
  cv::Mat img;
  cv::resize(coarse, img, cv::Size(width, height), 0, 0, cv::INTER_CUBIC);
  const int shapes = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < shapes; ++i) {
    const cv::Point centre(static_cast<int>(rng() % static_cast<uint32_t>(width)),
                           static_cast<int>(rng() % static_cast<uint32_t>(height)));
    const int radius = 1 + static_cast<int>(rng() % static_cast<uint32_t>(width + height)) / 4;
    const cv::Scalar colour(rng() % 256, rng() % 256, rng() % 256);
    cv::circle(img, centre, radius, colour, -1, cv::LINE_AA);
  }
  cv::Mat grain(height, width, CV_16SC3);
  cv::theRNG().state = seed;
  cv::randn(grain, 0, 6 + seed % 10);
  cv::Mat noisy;
  img.convertTo(noisy, CV_16SC3);
  noisy += grain;
  noisy.convertTo(img, CV_8UC3);
  if (channels == 1) cv::cvtColor(img, img, cv::COLOR_BGR2GRAY);
  return img;
}

std::string encode_cv(const cv::Mat& img, const std::vector<int>& params) {
  std::vector<uchar> out;
  EXPECT_TRUE(cv::imencode(".jpg", img, out, params));
  return {out.begin(), out.end()};
}

// libjpeg's compressor, for what OpenCV 4.6's encoder cannot make: sampling factors other than
// 4:2:0, RGB/CMYK/YCCK colour spaces, arithmetic coding, two components.
struct LibjpegEncoding {
  J_COLOR_SPACE in_space = JCS_RGB;  // of the samples given
  J_COLOR_SPACE jpeg_space = JCS_YCbCr;
  int h_samp = 2, v_samp = 2;  // component 0's factors; the others 1x1
  int quality = 90;
  bool progressive = false;
  bool arithmetic = false;
  int restart_rows = 0;
  bool optimize = false;
};

struct FreeDeleter {
  void operator()(unsigned char* p) const { std::free(p); }  // NOLINT: libjpeg's malloc
};

// `img`: rows of in_components interleaved samples. libjpeg's default error handler exits on
// misuse, fine for a test's own valid inputs.
std::string encode_libjpeg(const cv::Mat& img, const LibjpegEncoding& e) {
  jpeg_compress_struct info{};
  jpeg_error_mgr errors{};
  info.err = jpeg_std_error(&errors);
  jpeg_create_compress(&info);
  unsigned char* buffer = nullptr;
  unsigned long size = 0;  // NOLINT: libjpeg's type
  jpeg_mem_dest(&info, &buffer, &size);
  info.image_width = static_cast<JDIMENSION>(img.cols);
  info.image_height = static_cast<JDIMENSION>(img.rows);
  info.input_components = img.channels();
  info.in_color_space = e.in_space;
  jpeg_set_defaults(&info);
  jpeg_set_colorspace(&info, e.jpeg_space);
  jpeg_set_quality(&info, e.quality, TRUE);
  info.comp_info[0].h_samp_factor = e.h_samp;
  info.comp_info[0].v_samp_factor = e.v_samp;
  for (int c = 1; c < info.num_components; ++c) {
    info.comp_info[c].h_samp_factor = 1;
    info.comp_info[c].v_samp_factor = 1;
  }
  if (e.progressive) jpeg_simple_progression(&info);
  info.arith_code = e.arithmetic ? TRUE : FALSE;
  info.optimize_coding = e.optimize ? TRUE : FALSE;
  info.restart_in_rows = e.restart_rows;
  jpeg_start_compress(&info, TRUE);
  while (info.next_scanline < info.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(img.ptr<JSAMPLE>(static_cast<int>(info.next_scanline)));
    jpeg_write_scanlines(&info, &row, 1);
  }
  jpeg_finish_compress(&info);
  jpeg_destroy_compress(&info);
  const std::unique_ptr<unsigned char, FreeDeleter> owned(buffer);
  return {reinterpret_cast<const char*>(buffer), size};
}

cv::Mat imdecode(const std::string& bytes) {
  const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8UC1,
                       const_cast<char*>(bytes.data()));  // NOLINT: read-only use
  return cv::imdecode(buffer, cv::IMREAD_UNCHANGED);
}

bool same_mat(const cv::Mat& a, const cv::Mat& b) {
  if (a.type() != b.type() || a.size() != b.size() || a.dims != b.dims) return false;
  const size_t row_bytes = a.cols * a.elemSize();
  for (int y = 0; y < a.rows; ++y) {
    if (std::memcmp(a.ptr(y), b.ptr(y), row_bytes) != 0) return false;
  }
  return true;
}

// The fast path's answer, checked against imdecode whenever it decoded.
JpegFastDecode check(const std::string& bytes) {
  cv::Mat fast;
  const JpegFastDecode result = jpeg_fast_decode(bytes, fast);
  if (result == JpegFastDecode::kDecoded) {
    const cv::Mat reference = imdecode(bytes);
    EXPECT_TRUE(same_mat(fast, reference))
        << "fast " << fast.cols << "x" << fast.rows << " type " << fast.type() << ", imdecode "
        << reference.cols << "x" << reference.rows << " type " << reference.type();
    EXPECT_TRUE(fast.isContinuous());
  }
  return result;
}

void expect_decoded(const std::string& bytes) {
  EXPECT_EQ(check(bytes), JpegFastDecode::kDecoded);
}

// When the data ends before libjpeg outputs a first row, OpenCV 4.6 copies its never-written
// scratch row (uninitialised heap memory) into every row: all rows equal, and no decoder can
// reproduce those pixels (imdecode itself gives other ones from call to call).
bool all_rows_equal(const cv::Mat& m) {
  for (int y = 1; y < m.rows; ++y) {
    if (std::memcmp(m.ptr(0), m.ptr(y), m.cols * m.elemSize()) != 0) return false;
  }
  return true;
}

// End to end: process() stores exactly imdecode's pixels (lossless png, no resize), whichever
// decoder ran; an undecodable input gives imdecode's failure. False where pixels were not compared.
bool expect_process_uses_imdecode_pixels(const std::string& bytes) {
  const ResizedImage got =
      ImageResizer(ResizeOptions{.resize_mode = "no", .encode_format = "png", .encode_quality = 1})
          .process(bytes);
  const cv::Mat reference = imdecode(bytes);
  if (reference.empty()) {
    EXPECT_EQ(got.error, "Image decoding error");
    return false;
  }
  if (reference.rows > 1 && all_rows_equal(reference)) return false;  // undefined, see above
  std::vector<uchar> png;
  EXPECT_TRUE(cv::imencode(".png", reference, png, {cv::IMWRITE_PNG_COMPRESSION, 1}));
  EXPECT_EQ(got.error, "");
  EXPECT_TRUE(got.bytes == std::string(png.begin(), png.end())) << "process() pixels differ";
  return true;
}

const std::vector<cv::Size>& sizes() {
  static const std::vector<cv::Size> all{{1, 1},  {2, 1},   {1, 2},   {3, 3},     {8, 8},
                                         {9, 7},  {16, 16}, {17, 9},  {31, 33},   {64, 48},
                                         {97, 1}, {1, 97},  {250, 3}, {333, 777}, {640, 480}};
  return all;
}

// ---- Common files: the fast path answers, with imdecode's exact Mat ----

TEST(JpegFastDecode, OpenCvEncodedColourAndGrayEveryQualityAndSize) {
  int cases = 0;
  for (const int channels : {3, 1}) {
    for (size_t s = 0; s < sizes().size(); ++s) {
      const cv::Size size = sizes()[s];
      const cv::Mat img = photo(size.width, size.height, channels, static_cast<uint32_t>(s));
      for (const int quality : {1, 2, 5, 10, 25, 50, 75, 90, 95, 99, 100}) {
        for (const int progressive : {0, 1}) {
          SCOPED_TRACE(std::to_string(size.width) + "x" + std::to_string(size.height) + " c" +
                       std::to_string(channels) + " q" + std::to_string(quality) + " p" +
                       std::to_string(progressive));
          expect_decoded(encode_cv(
              img, {cv::IMWRITE_JPEG_QUALITY, quality, cv::IMWRITE_JPEG_PROGRESSIVE, progressive}));
          ++cases;
        }
      }
    }
  }
  EXPECT_EQ(cases, 2 * 15 * 11 * 2);
}

TEST(JpegFastDecode, OpenCvEncodedRestartIntervalsOptimizedAndSeparateChromaQuality) {
  const cv::Mat img = photo(333, 777, 3, 7);
  const cv::Mat small = photo(17, 9, 3, 8);
  for (const int rst : {1, 2, 7, 100, 65535}) {
    for (const int progressive : {0, 1}) {
      SCOPED_TRACE("rst " + std::to_string(rst) + " p" + std::to_string(progressive));
      for (const cv::Mat* m : {&img, &small}) {
        expect_decoded(encode_cv(
            *m, {cv::IMWRITE_JPEG_RST_INTERVAL, rst, cv::IMWRITE_JPEG_PROGRESSIVE, progressive}));
      }
    }
  }
  for (const int optimize : {0, 1}) {
    expect_decoded(encode_cv(img, {cv::IMWRITE_JPEG_OPTIMIZE, optimize}));
    expect_decoded(
        encode_cv(img, {cv::IMWRITE_JPEG_LUMA_QUALITY, 30, cv::IMWRITE_JPEG_CHROMA_QUALITY, 80,
                        cv::IMWRITE_JPEG_OPTIMIZE, optimize}));
  }
}

// Every legal luma sampling (chroma 1x1): libjpeg's upsamplers for 1:1, 2:1, 1:2, 2:2 and the
// generic integral ones; odd sizes leave partial MCUs.
TEST(JpegFastDecode, LibjpegEncodedEverySamplingFactor) {
  const std::vector<std::pair<int, int>> factors{{1, 1}, {2, 1}, {1, 2}, {2, 2}, {3, 1}, {1, 3},
                                                 {4, 1}, {1, 4}, {4, 2}, {2, 4}, {3, 2}};
  for (const auto& [h, v] : factors) {
    for (const cv::Size size : {cv::Size(1, 1), cv::Size(17, 9), cv::Size(101, 67)}) {
      const cv::Mat bgr = photo(size.width, size.height, 3, static_cast<uint32_t>(h * 10 + v));
      cv::Mat rgb;
      cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
      for (const bool progressive : {false, true}) {
        SCOPED_TRACE(std::to_string(h) + "x" + std::to_string(v) + " " +
                     std::to_string(size.width) + "x" + std::to_string(size.height) + " p" +
                     std::to_string(progressive));
        LibjpegEncoding e;
        e.h_samp = h;
        e.v_samp = v;
        e.progressive = progressive;
        expect_decoded(encode_libjpeg(rgb, e));
        e.restart_rows = 1;
        e.optimize = true;
        expect_decoded(encode_libjpeg(rgb, e));
      }
    }
  }
  LibjpegEncoding gray{
      .in_space = JCS_GRAYSCALE, .jpeg_space = JCS_GRAYSCALE, .h_samp = 1, .v_samp = 1};
  const cv::Mat g = photo(101, 67, 1, 3);
  expect_decoded(encode_libjpeg(g, gray));
  gray.progressive = true;
  expect_decoded(encode_libjpeg(g, gray));
}

// Harmless extras: trailing bytes after EOI, an APP1 "Exif" segment of garbage (OpenCV parses
// EXIF under IMREAD_UNCHANGED but does not apply it), comments, a JFIF-less stream.
TEST(JpegFastDecode, ExtraSegmentsAndTrailingBytes) {
  const std::string jpeg = encode_cv(photo(64, 48, 3, 21), {cv::IMWRITE_JPEG_QUALITY, 90});
  expect_decoded(jpeg + std::string(1000, '\0'));
  expect_decoded(jpeg + "trailing garbage \xff\xd9");
  std::mt19937 rng(5);
  for (int i = 0; i < 20; ++i) {
    std::string exif("Exif\0\0", 6);
    exif += i % 2 ? std::string("II*\0\x08\0\0\0", 8) : std::string("MM\0*\0\0\0\x08", 8);
    for (int k = 0; k < 40 + i * 7; ++k) exif += static_cast<char>(rng() & 0xff);
    const size_t length = exif.size() + 2;
    const std::string segment = std::string("\xff\xe1", 2) + static_cast<char>(length >> 8) +
                                static_cast<char>(length & 0xff) + exif;
    expect_decoded(jpeg.substr(0, 2) + segment + jpeg.substr(2));
  }
  const std::string comment = std::string("\xff\xfe\x00\x07hello", 9);
  expect_decoded(jpeg.substr(0, 2) + comment + jpeg.substr(2));
  // Without the APP0 JFIF segment (ff d8 ff db...: imghdr's raw JPEG).
  ASSERT_EQ(static_cast<uint8_t>(jpeg[3]), 0xe0);
  const size_t app0 = 4 + ((static_cast<uint8_t>(jpeg[4]) << 8) | static_cast<uint8_t>(jpeg[5]));
  expect_decoded(jpeg.substr(0, 2) + jpeg.substr(app0));
}

// ---- Left to imdecode ----

TEST(JpegFastDecode, OtherColourSpacesArithmeticAndComponentCounts) {
  const cv::Mat bgr = photo(45, 31, 3, 11);
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  LibjpegEncoding e;
  e.jpeg_space = JCS_RGB;  // Adobe transform 0: RGB samples
  EXPECT_EQ(check(encode_libjpeg(rgb, e)), JpegFastDecode::kUnsupported);
  e = LibjpegEncoding{};
  e.arithmetic = true;
  const std::string arith = encode_libjpeg(rgb, e);
  EXPECT_EQ(check(arith), JpegFastDecode::kUnsupported);
  EXPECT_FALSE(imdecode(arith).empty());  // OpenCV's libjpeg-turbo decodes it

  cv::Mat cmyk(31, 45, CV_8UC4);
  cv::randu(cmyk, 0, 255);
  for (const J_COLOR_SPACE space : {JCS_CMYK, JCS_YCCK}) {
    SCOPED_TRACE(space == JCS_CMYK ? "CMYK" : "YCCK");
    const std::string jpeg = encode_libjpeg(
        cmyk, LibjpegEncoding{.in_space = JCS_CMYK, .jpeg_space = space, .h_samp = 1, .v_samp = 1});
    EXPECT_EQ(check(jpeg), JpegFastDecode::kUnsupported);
    const cv::Mat reference = imdecode(jpeg);
    EXPECT_EQ(reference.type(), CV_8UC3);  // OpenCV converts CMYK to BGR itself
    expect_process_uses_imdecode_pixels(jpeg);
  }

  cv::Mat two(16, 16, CV_8UC2);
  cv::randu(two, 0, 255);
  const std::string jpeg2 = encode_libjpeg(
      two, LibjpegEncoding{
               .in_space = JCS_UNKNOWN, .jpeg_space = JCS_UNKNOWN, .h_samp = 1, .v_samp = 1});
  EXPECT_EQ(check(jpeg2), JpegFastDecode::kUnsupported);
  expect_process_uses_imdecode_pixels(jpeg2);
}

TEST(JpegFastDecode, NotJpegAndPatchedHeaders) {
  cv::Mat out;
  EXPECT_EQ(jpeg_fast_decode("", out), JpegFastDecode::kNotJpeg);
  EXPECT_EQ(jpeg_fast_decode(std::string("\xff\xd8", 2), out), JpegFastDecode::kNotJpeg);
  std::vector<uchar> png;
  ASSERT_TRUE(cv::imencode(".png", photo(8, 8, 3, 1), png));
  EXPECT_EQ(jpeg_fast_decode(std::string(png.begin(), png.end()), out), JpegFastDecode::kNotJpeg);
  EXPECT_EQ(jpeg_fast_decode(std::string("\xff\xd8\xff", 3), out), JpegFastDecode::kError);

  const std::string jpeg = encode_cv(photo(64, 48, 3, 2), {cv::IMWRITE_JPEG_QUALITY, 80});
  const size_t sof = jpeg.find("\xff\xc0");
  ASSERT_NE(sof, std::string::npos);
  // More pixels than OpenCV's 2^30 limit: left to imdecode, which throws.
  std::string huge = jpeg;
  huge[sof + 5] = huge[sof + 7] = '\xfe';  // 65024 x 65024 (libjpeg's own limit is 65500)
  huge[sof + 6] = huge[sof + 8] = '\0';
  EXPECT_EQ(jpeg_fast_decode(huge, out), JpegFastDecode::kUnsupported);
  EXPECT_THROW(imdecode(huge), cv::Exception);
  // 12-bit samples: this libjpeg has 8 only.
  std::string twelve = jpeg;
  twelve[sof + 4] = 12;
  EXPECT_EQ(check(twelve), JpegFastDecode::kError);
  EXPECT_TRUE(imdecode(twelve).empty());

  // No Huffman table (MJPEG frames): OpenCV adds the standard ones, which OpenCV's encoder used.
  std::string mjpeg;
  for (size_t i = 0; i < jpeg.size();) {
    const size_t dht = jpeg.find("\xff\xc4", i);
    const size_t sos = jpeg.find("\xff\xda");
    if (dht == std::string::npos || dht > sos) {
      mjpeg += jpeg.substr(i);
      break;
    }
    mjpeg += jpeg.substr(i, dht - i);
    i = dht + 2 +
        ((static_cast<uint8_t>(jpeg[dht + 2]) << 8) | static_cast<uint8_t>(jpeg[dht + 3]));
  }
  ASSERT_LT(mjpeg.size(), jpeg.size());
  EXPECT_EQ(check(mjpeg), JpegFastDecode::kUnsupported);
  EXPECT_TRUE(same_mat(imdecode(mjpeg), imdecode(jpeg)));
}

// Cut anywhere before the end of EOI: libjpeg warns (premature end), and OpenCV's own partial
// decode or failure is what process() gives.
TEST(JpegFastDecode, TruncatedFilesGoToImdecode) {
  const cv::Mat img = photo(97, 65, 3, 4);
  for (const int progressive : {0, 1}) {
    const std::string jpeg =
        encode_cv(img, {cv::IMWRITE_JPEG_QUALITY, 85, cv::IMWRITE_JPEG_PROGRESSIVE, progressive,
                        cv::IMWRITE_JPEG_RST_INTERVAL, progressive ? 0 : 3});
    expect_decoded(jpeg);
    std::map<JpegFastDecode, int> outcomes;
    int partial_images = 0;  // partial decodes whose pixels process() matched
    for (size_t cut = 3; cut < jpeg.size(); cut += cut < 700 ? 1 : 37) {
      SCOPED_TRACE("p" + std::to_string(progressive) + " cut at " + std::to_string(cut));
      const std::string truncated = jpeg.substr(0, cut);
      const JpegFastDecode result = check(truncated);
      EXPECT_NE(result, JpegFastDecode::kDecoded);
      ++outcomes[result];
      if (cut % 11 == 0) partial_images += expect_process_uses_imdecode_pixels(truncated);
    }
    EXPECT_GT(outcomes[JpegFastDecode::kWarning], 100);
    // Baseline: OpenCV keeps the rows decoded so far; progressive: it fails (jpeg_start_decompress
    // suspends, then reading scanlines is a libjpeg error).
    if (progressive == 0) {
      EXPECT_GT(partial_images, 3);
    } else {
      EXPECT_EQ(partial_images, 0);
    }
    SCOPED_TRACE("without EOI");
    EXPECT_EQ(check(jpeg.substr(0, jpeg.size() - 2)), JpegFastDecode::kWarning);
    expect_process_uses_imdecode_pixels(jpeg.substr(0, jpeg.size() - 2));
  }
}

// Random byte changes anywhere after SOI: whatever the outcome, a decoded Mat is imdecode's
// (checked inside check()), and process() stores imdecode's pixels.
TEST(JpegFastDecode, CorruptedBytes) {
  std::mt19937 rng(1234);
  std::map<JpegFastDecode, int> outcomes;
  for (const int progressive : {0, 1}) {
    for (const int channels : {3, 1}) {
      const std::string jpeg =
          encode_cv(photo(75, 53, channels, 9 + channels),
                    {cv::IMWRITE_JPEG_QUALITY, 88, cv::IMWRITE_JPEG_PROGRESSIVE, progressive});
      for (int i = 0; i < 150; ++i) {
        std::string bad = jpeg;
        const int changes = 1 + static_cast<int>(rng() % 3);
        for (int k = 0; k < changes; ++k) {
          const size_t at = 3 + rng() % (bad.size() - 3);
          bad[at] = static_cast<char>(i % 2 ? rng() & 0xff : bad[at] ^ (1 << (rng() % 8)));
        }
        SCOPED_TRACE("p" + std::to_string(progressive) + " c" + std::to_string(channels) +
                     " case " + std::to_string(i));
        ++outcomes[check(bad)];
        if (i % 5 == 0) expect_process_uses_imdecode_pixels(bad);
      }
    }
  }
  // Both ways out are exercised: warnings (corrupt entropy data) and errors (bad headers).
  EXPECT_GT(outcomes[JpegFastDecode::kWarning], 50);
  EXPECT_GT(outcomes[JpegFastDecode::kError], 5);
}

TEST(JpegFastDecode, ProcessUsesTheSamePixelsForCommonFiles) {
  for (const int channels : {3, 1}) {
    for (const cv::Size size : {cv::Size(1, 1), cv::Size(17, 9), cv::Size(333, 777)}) {
      const std::string jpeg =
          encode_cv(photo(size.width, size.height, channels, 77), {cv::IMWRITE_JPEG_QUALITY, 95});
      expect_decoded(jpeg);
      expect_process_uses_imdecode_pixels(jpeg);
    }
  }
}

// Scaled decoding (jpeg_dct_downscale): the Mat equals OpenCV's own reduced decode
// (IMREAD_REDUCED_*_d sets libjpeg's scale_denom the same way), for colour and gray, every
// denominator, odd sizes, several samplings, progressive or not.
TEST(JpegFastDecode, ScaledDecodeEqualsOpenCvReducedDecode) {
  const std::map<int, std::pair<int, int>> flags{
      {2, {cv::IMREAD_REDUCED_COLOR_2, cv::IMREAD_REDUCED_GRAYSCALE_2}},
      {4, {cv::IMREAD_REDUCED_COLOR_4, cv::IMREAD_REDUCED_GRAYSCALE_4}},
      {8, {cv::IMREAD_REDUCED_COLOR_8, cv::IMREAD_REDUCED_GRAYSCALE_8}}};
  int cases = 0;
  for (const cv::Size size :
       {cv::Size(1, 1), cv::Size(17, 9), cv::Size(333, 777), cv::Size(1024, 768)}) {
    for (const int channels : {3, 1}) {
      const cv::Mat img = photo(size.width, size.height, channels, 5);
      std::vector<std::string> files;
      for (const int progressive : {0, 1}) {
        files.push_back(encode_cv(
            img, {cv::IMWRITE_JPEG_QUALITY, 90, cv::IMWRITE_JPEG_PROGRESSIVE, progressive}));
      }
      if (channels == 3) {
        cv::Mat rgb;
        cv::cvtColor(img, rgb, cv::COLOR_BGR2RGB);
        for (const auto& [h, v] : std::vector<std::pair<int, int>>{{1, 1}, {2, 1}, {1, 2}}) {
          LibjpegEncoding e;
          e.h_samp = h;
          e.v_samp = v;
          files.push_back(encode_libjpeg(rgb, e));
        }
      }
      for (const auto& [denominator, flag] : flags) {
        for (const std::string& file : files) {
          SCOPED_TRACE(std::to_string(size.width) + "x" + std::to_string(size.height) + " c" +
                       std::to_string(channels) + " 1/" + std::to_string(denominator));
          cv::Mat fast;
          ASSERT_EQ(jpeg_fast_decode(file, fast, denominator), JpegFastDecode::kDecoded);
          const cv::Mat buffer(1, static_cast<int>(file.size()), CV_8UC1,
                               const_cast<char*>(file.data()));  // NOLINT: read-only use
          const cv::Mat reference = cv::imdecode(buffer, channels == 3 ? flag.first : flag.second);
          EXPECT_EQ(fast.cols, (size.width + denominator - 1) / denominator);
          EXPECT_EQ(fast.rows, (size.height + denominator - 1) / denominator);
          EXPECT_TRUE(same_mat(fast, reference));
          ++cases;
        }
      }
    }
  }
  EXPECT_EQ(cases, 4 * 3 * (5 + 2));
  cv::Mat out;
  EXPECT_THROW(jpeg_fast_decode(encode_cv(photo(8, 8, 3, 1), {}), out, 3), std::invalid_argument);
}

double psnr(const cv::Mat& reference, const cv::Mat& test) {
  const double mse = cv::norm(reference, test, cv::NORM_L2SQR) /
                     static_cast<double>(reference.total() * reference.channels());
  return mse == 0 ? std::numeric_limits<double>::infinity()
                  : 10.0 * std::log10(255.0 * 255.0 / mse);
}

// `jpeg_dct_downscale`: the same output and original sizes as the exact path for every mode,
// pixels close to it (PSNR before encoding, against the exact path that matches img2dataset's),
// and exactly its bytes where nothing is shrunk by at least 2 (small images, mode no, upscales).
TEST(JpegFastDecode, DctDownscaleKeepsSizesAndStaysCloseToTheExactPath) {
  int reduced_cases = 0;
  for (const std::string mode :
       {"border", "keep_ratio", "keep_ratio_largest", "center_crop", "no"}) {
    for (const cv::Size size : {cv::Size(1600, 1200), cv::Size(600, 1700), cv::Size(513, 300),
                                cv::Size(511, 400), cv::Size(300, 200), cv::Size(2100, 2100)}) {
      for (const int channels : {3, 1}) {
        SCOPED_TRACE(mode + " " + std::to_string(size.width) + "x" + std::to_string(size.height) +
                     " c" + std::to_string(channels));
        const std::string jpeg =
            encode_cv(photo(size.width, size.height, channels, 9), {cv::IMWRITE_JPEG_QUALITY, 92});
        ResizeOptions options{.resize_mode = mode, .encode_format = "png", .encode_quality = 1};
        const ResizedImage exact = ImageResizer(options).process(jpeg);
        options.jpeg_dct_downscale = true;
        const ResizedImage fast = ImageResizer(options).process(jpeg);
        ASSERT_EQ(exact.error, "");
        ASSERT_EQ(fast.error, "");
        EXPECT_EQ(fast.width, exact.width);
        EXPECT_EQ(fast.height, exact.height);
        EXPECT_EQ(fast.original_width, size.width);
        EXPECT_EQ(fast.original_height, size.height);
        const int longer = std::max(size.width, size.height);
        const int shorter = std::min(size.width, size.height);
        const bool by_shorter = mode == "keep_ratio" || mode == "center_crop";
        const bool reducible = mode != "no" && (by_shorter ? shorter : longer) >= 2 * 256 - 1;
        if (!reducible) {
          EXPECT_TRUE(fast.bytes == exact.bytes) << "expected the exact path's bytes";
          continue;
        }
        ++reduced_cases;
        const double db = psnr(imdecode(exact.bytes), imdecode(fast.bytes));
        // Lowest where libjpeg's 1/2 scale alone makes the output (511 -> 256) from grainy
        // content: ~34 dB; a misplaced or wrongly scaled image is under 20.
        EXPECT_GE(db, 30.0);
        EXPECT_LT(db, std::numeric_limits<double>::infinity()) << "not reduced";
      }
    }
  }
  EXPECT_GT(reduced_cases, 20);
}

}  // namespace
}  // namespace clipret::download
