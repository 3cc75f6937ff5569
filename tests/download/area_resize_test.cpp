// Tests of download/area_resize against cv::resize(INTER_AREA) itself, the truth it must
// reproduce byte for byte: thousands of random sizes from 1 to 2000 per side and random smaller
// targets (non-integer and integer factors, 1-pixel targets, very thin images), img2dataset's
// "longer side to 256" targets, 1 and 3 channels, noise, smooth fields and extreme content
// (all 255, 0/255 checkerboards), views in and out; plus the cases it must hand to OpenCV
// (upscales on an axis, other depths and channel counts, equal sizes, empty targets).
#include "download/area_resize.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace clipret::download {
namespace {

enum class Content { kNoise, kSmooth, kWhite, kChecker, kSaturatedNoise };

cv::Mat make_image(int width, int height, int channels, Content content, uint32_t seed) {
  const int type = CV_MAKETYPE(CV_8U, channels);
  cv::Mat img(height, width, type);
  cv::theRNG().state = seed;
  switch (content) {
    case Content::kNoise:
      cv::randu(img, 0, 256);
      break;
    case Content::kSmooth: {
      cv::Mat coarse(3, 4, type);
      cv::randu(coarse, 0, 256);
      cv::resize(coarse, img, img.size(), 0, 0, cv::INTER_CUBIC);
      break;
    }
    case Content::kWhite:
      img.setTo(cv::Scalar::all(255));
      break;
    case Content::kChecker:
      for (int y = 0; y < height; ++y) {
        auto* row = img.ptr<uint8_t>(y);
        for (int x = 0; x < width * channels; ++x) row[x] = ((x / channels + y) % 2) ? 255 : 0;
      }
      break;
    case Content::kSaturatedNoise: {
      cv::randu(img, 0, 2);
      img *= 255;
      break;
    }
  }
  return img;
}

bool is_integer_factor(int source, int target) {
  const double scale = 1. / (static_cast<double>(target) / source);
  return std::abs(scale - std::nearbyint(scale)) < 2.220446049250313e-16;
}

// Runs both and compares; returns true when area_resize could have taken its own path (both
// factors >= 1, not both integers), for the tallies.
bool expect_same(const cv::Mat& src, int width, int height, const std::string& what) {
  cv::Mat expected, got;
  cv::resize(src, expected, cv::Size(width, height), 0, 0, cv::INTER_AREA);
  area_resize(src, got, width, height);
  EXPECT_EQ(got.type(), expected.type()) << what;
  EXPECT_EQ(got.size(), expected.size()) << what;
  if (got.type() == expected.type() && got.size() == expected.size()) {
    cv::Mat diff;
    cv::absdiff(got, expected, diff);
    const int differing = cv::countNonZero(diff.reshape(1));
    EXPECT_EQ(differing, 0) << what;
  }
  return width <= src.cols && height <= src.rows &&
         !(is_integer_factor(src.cols, width) && is_integer_factor(src.rows, height)) &&
         !(width == src.cols && height == src.rows);
}

std::string describe(const cv::Mat& src, int width, int height, int content, uint32_t seed) {
  return std::to_string(src.cols) + "x" + std::to_string(src.rows) + "x" +
         std::to_string(src.channels()) + " -> " + std::to_string(width) + "x" +
         std::to_string(height) + " content " + std::to_string(content) + " seed " +
         std::to_string(seed);
}

// A size from 1 to `max`, log-uniform, so small and large sides are both common.
int random_side(std::mt19937& rng, int max) {
  std::uniform_real_distribution<double> log_side(0.0, std::log(static_cast<double>(max) + 1));
  return std::clamp(static_cast<int>(std::exp(log_side(rng))), 1, max);
}

// A target side for a source side: mostly any smaller size, sometimes an integer divisor, 1,
// just above an integer divisor, the same size, or just below the source.
int random_target(std::mt19937& rng, int side) {
  switch (rng() % 8) {
    case 0: {
      const int divisor = 1 + static_cast<int>(rng() % 8);
      return std::max(1, side / divisor);  // an integer factor when it divides
    }
    case 1:
      return (rng() % 2 == 0) ? 1 : std::min(side, side / (2 + static_cast<int>(rng() % 6)) + 1);
    case 2:
      return side;
    case 3:
      return std::max(1, side - 1);
    default:
      return 1 + static_cast<int>(rng() % static_cast<uint32_t>(side));
  }
}

TEST(AreaResize, RandomSizesMatchOpenCv) {
  std::mt19937 rng(20261203);
  int own_path = 0;
  constexpr int kCases = 3000;
  for (int i = 0; i < kCases; ++i) {
    int width = random_side(rng, 2000), height = random_side(rng, 2000);
    if (rng() % 10 == 0) width = 1 + static_cast<int>(rng() % 3);  // very thin images
    if (rng() % 10 == 0) height = 1 + static_cast<int>(rng() % 3);
    const int channels = (rng() % 2 == 0) ? 1 : 3;
    const int content = static_cast<int>(rng() % 5);
    const uint32_t seed = rng();
    const cv::Mat src = make_image(width, height, channels, static_cast<Content>(content), seed);
    const int target_width = random_target(rng, width);
    const int target_height = random_target(rng, height);
    if (expect_same(src, target_width, target_height,
                    describe(src, target_width, target_height, content, seed))) {
      ++own_path;
    }
    if (::testing::Test::HasFailure()) return;  // one failing case says enough
  }
  EXPECT_GT(own_path, kCases / 2);
}

// Large images too: sides uniform in 1-2000, targets anywhere below.
TEST(AreaResize, LargeRandomSizesMatchOpenCv) {
  std::mt19937 rng(42);
  for (int i = 0; i < 250; ++i) {
    const int width = 1 + static_cast<int>(rng() % 2000);
    const int height = 1 + static_cast<int>(rng() % 2000);
    const int channels = (rng() % 2 == 0) ? 1 : 3;
    const int content = static_cast<int>(rng() % 5);
    const uint32_t seed = rng();
    const cv::Mat src = make_image(width, height, channels, static_cast<Content>(content), seed);
    const int target_width = 1 + static_cast<int>(rng() % static_cast<uint32_t>(width));
    const int target_height = 1 + static_cast<int>(rng() % static_cast<uint32_t>(height));
    expect_same(src, target_width, target_height,
                describe(src, target_width, target_height, content, seed));
    if (::testing::Test::HasFailure()) return;
  }
}

// img2dataset's default: the longer side to 256 (Python's rounding of dim * 256 / longer).
TEST(AreaResize, LongerSideTo256MatchesOpenCv) {
  std::mt19937 rng(7);
  for (int i = 0; i < 600; ++i) {
    const int width = 257 + static_cast<int>(rng() % 1744);
    const int height = 1 + static_cast<int>(rng() % 2000);
    const int longer = std::max(width, height);
    if (longer <= 256) continue;
    const double scale = 256.0 / longer;
    const int target_width = std::max(1, static_cast<int>(std::nearbyint(width * scale)));
    const int target_height = std::max(1, static_cast<int>(std::nearbyint(height * scale)));
    const int channels = (i % 4 == 0) ? 1 : 3;
    const int content = i % 5;
    const cv::Mat src = make_image(width, height, channels, static_cast<Content>(content), rng());
    expect_same(src, target_width, target_height,
                describe(src, target_width, target_height, content, 0));
    if (::testing::Test::HasFailure()) return;
  }
}

TEST(AreaResize, CommonPhotoSizes) {
  const int sizes[][2] = {{320, 240},  {400, 300},   {500, 375},   {640, 480},   {800, 600},
                          {1024, 768}, {1280, 960},  {1600, 1200}, {1920, 1080}, {333, 500},
                          {257, 256},  {2000, 1999}, {1999, 3},    {3, 1999},    {600, 400}};
  for (const auto& size : sizes) {
    for (int channels : {1, 3}) {
      for (int content = 0; content < 5; ++content) {
        const cv::Mat src =
            make_image(size[0], size[1], channels, static_cast<Content>(content), 99);
        const int longer = std::max(size[0], size[1]);
        const int w = std::max(1, static_cast<int>(std::nearbyint(size[0] * 256.0 / longer)));
        const int h = std::max(1, static_cast<int>(std::nearbyint(size[1] * 256.0 / longer)));
        expect_same(src, w, h, describe(src, w, h, content, 99));
        expect_same(src, 1, 1, describe(src, 1, 1, content, 99));
        expect_same(src, size[0] / 2 + 1, size[1] / 3 + 1,
                    describe(src, size[0] / 2 + 1, size[1] / 3 + 1, content, 99));
      }
    }
  }
}

// Views: a source with a row stride, and a destination inside a larger canvas (how the border
// mode uses it): only the view is written.
TEST(AreaResize, ViewsInAndOut) {
  const cv::Mat big = make_image(900, 700, 3, Content::kSmooth, 5);
  const cv::Mat src = big(cv::Rect(13, 17, 777, 555));
  cv::Mat expected;
  cv::resize(src, expected, cv::Size(256, 183), 0, 0, cv::INTER_AREA);
  cv::Mat canvas(256, 256, CV_8UC3, cv::Scalar(1, 2, 3));
  cv::Mat inner = canvas(cv::Rect(0, 36, 256, 183));
  const uint8_t* before = inner.data;
  area_resize(src, inner, 256, 183);
  EXPECT_EQ(inner.data, before);  // written in place
  cv::Mat diff;
  cv::absdiff(inner, expected, diff);
  EXPECT_EQ(cv::countNonZero(diff.reshape(1)), 0);
  EXPECT_EQ(canvas.at<cv::Vec3b>(0, 0), cv::Vec3b(1, 2, 3));
  EXPECT_EQ(canvas.at<cv::Vec3b>(255, 255), cv::Vec3b(1, 2, 3));
}

// Same Mat as source and destination, as cv::resize allows.
TEST(AreaResize, SameMatInAndOut) {
  cv::Mat img = make_image(501, 377, 3, Content::kNoise, 3);
  cv::Mat expected;
  cv::resize(img, expected, cv::Size(256, 192), 0, 0, cv::INTER_AREA);
  area_resize(img, img, 256, 192);
  ASSERT_EQ(img.size(), expected.size());
  cv::Mat diff;
  cv::absdiff(img, expected, diff);
  EXPECT_EQ(cv::countNonZero(diff.reshape(1)), 0);
}

// Left to OpenCV, still the same result: upscaling on an axis, 2 and 4 channels, 16-bit and float
// images, equal sizes.
TEST(AreaResize, OtherCasesAreOpenCvs) {
  for (int type : {CV_8UC2, CV_8UC4, CV_16UC1, CV_16UC3, CV_32FC3, CV_8UC1, CV_8UC3}) {
    cv::Mat src(301, 403, type);
    cv::randu(src, 0, 255);
    for (const auto& target : {cv::Size(256, 191), cv::Size(500, 100), cv::Size(100, 500),
                               cv::Size(403, 301), cv::Size(800, 700)}) {
      cv::Mat expected, got;
      cv::resize(src, expected, target, 0, 0, cv::INTER_AREA);
      area_resize(src, got, target.width, target.height);
      ASSERT_EQ(got.type(), expected.type());
      ASSERT_EQ(got.size(), expected.size());
      cv::Mat diff;
      cv::absdiff(got, expected, diff);
      EXPECT_EQ(cv::countNonZero(diff.reshape(1)), 0) << type << " " << target;
    }
  }
}

TEST(AreaResize, EmptyTargetThrowsAsOpenCv) {
  const cv::Mat src = make_image(10, 10, 3, Content::kNoise, 1);
  cv::Mat dst;
  EXPECT_THROW(area_resize(src, dst, 0, 5), cv::Exception);
}

}  // namespace
}  // namespace clipret::download
