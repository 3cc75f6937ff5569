// Tests image/clip_preprocess against the Pillow 9.4 + torchvision 0.14 reference tensors in
// ../shared/fixtures/preprocess and checks torchvision's geometry rules.
#include "image/clip_preprocess.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/npy_reader.h"
#include "image/image_decoder.h"
#include "test_util.h"

namespace clipret::image {
namespace {

using clipret::testing::fixture_path;
using clipret::testing::read_file;

// The fixture README's tolerance: identical uint8 pixels differ by at most this after Normalize.
constexpr float kTolerance = 1e-6f;

std::vector<std::string> fixture_files() {
  const auto cases = nlohmann::json::parse(read_file(fixture_path("preprocess/cases.json")));
  return cases.at("files").get<std::vector<std::string>>();
}

TEST(ClipPreprocessTest, MatchesPillowReferenceForEveryFixture) {
  const std::vector<std::string> files = fixture_files();
  const auto reference = core::NpyReader::open(fixture_path("preprocess/ref_pixel_values.npy"));
  ASSERT_EQ(reference.shape(), (std::vector<uint64_t>{files.size(), 3, 224, 224}));
  const PreprocessConfig config;
  const size_t n = 3 * 224 * 224;
  std::vector<float> expected(n);
  std::vector<float> actual(n);
  int exact = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    SCOPED_TRACE(files[i]);
    const std::string bytes = read_file(fixture_path("preprocess/" + files[i]));
    ASSERT_FALSE(bytes.empty());
    const auto error = preprocess_clip(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
                                       config, actual.data());
    ASSERT_FALSE(error.has_value()) << *error;
    reference.read_rows_f32(i, i + 1, expected.data());
    float max_diff = 0.0f;
    size_t differing = 0;
    for (size_t j = 0; j < n; ++j) {
      const float diff = std::fabs(actual[j] - expected[j]);
      max_diff = std::max(max_diff, diff);
      differing += diff > kTolerance ? 1 : 0;
    }
    EXPECT_LE(max_diff, kTolerance) << differing << " of " << n << " values differ";
    exact += max_diff <= kTolerance ? 1 : 0;
  }
  RecordProperty("bit_exact_cases", exact);
}

TEST(ClipPreprocessTest, FixtureModesAreWhatPillowReports) {
  const std::pair<const char*, PixelMode> cases[] = {
      {"gray_300x300.png", PixelMode::kL},
      {"rgba_320x240.png", PixelMode::kRGBA},
      {"rgb_257x333_odd.webp", PixelMode::kRGB},
      {"rgb_640x480.jpg", PixelMode::kRGB},
  };
  for (const auto& [file, mode] : cases) {
    const std::string bytes = read_file(fixture_path(std::string("preprocess/") + file));
    const DecodedImage decoded =
        decode_image(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    ASSERT_TRUE(decoded.ok()) << file << ": " << decoded.error;
    EXPECT_EQ(decoded.image.mode, mode) << file;
  }
}

TEST(ClipPreprocessTest, PlanFollowsTorchvisionResizeAndCenterCrop) {
  const PreprocessConfig config;
  // 640x480 -> 298x224 (224 * 640 / 480 = 298.67, truncated); crop left round(74 / 2) = 37.
  ResizePlan plan = plan_resize(640, 480, config);
  EXPECT_EQ(plan.resized_width, 298);
  EXPECT_EQ(plan.resized_height, 224);
  EXPECT_EQ(plan.crop.x, 37);
  EXPECT_EQ(plan.crop.y, 0);
  // 1000x667 -> 335x224; d = 111 -> round(55.5) = 56 (half to even).
  plan = plan_resize(1000, 667, config);
  EXPECT_EQ(plan.resized_width, 335);
  EXPECT_EQ(plan.crop.x, 56);
  // d = 73 -> round(36.5) = 36 (half to even), not 37.
  plan = plan_resize(297, 224, config);
  EXPECT_EQ(plan.resized_width, 297);
  EXPECT_EQ(plan.crop.x, 36);
  // Portrait: the width is the short side.
  plan = plan_resize(480, 640, config);
  EXPECT_EQ(plan.resized_width, 224);
  EXPECT_EQ(plan.resized_height, 298);
  EXPECT_EQ(plan.crop.y, 37);
  // Upscaling: 100x60 -> 373x224.
  plan = plan_resize(100, 60, config);
  EXPECT_EQ(plan.resized_width, 373);
  EXPECT_EQ(plan.resized_height, 224);
  // Squash ignores the aspect ratio and crops nothing.
  PreprocessConfig squash;
  squash.resize_mode = ResizeMode::kSquash;
  plan = plan_resize(640, 480, squash);
  EXPECT_EQ(plan.resized_width, 224);
  EXPECT_EQ(plan.resized_height, 224);
  EXPECT_EQ(plan.crop.x, 0);
}

TEST(ClipPreprocessTest, NormalisesLikeToTensorAndNormalize) {
  PreprocessConfig config;
  config.size = 1;
  ImageBuffer rgb;
  rgb.allocate(1, 1, PixelMode::kRGB);
  rgb.pixels = {0, 128, 255};
  float out[3];
  normalize_to_chw(rgb, config, out);
  for (int c = 0; c < 3; ++c) {
    const float v = static_cast<float>(rgb.pixels[c]) / 255.0f;
    EXPECT_EQ(out[c], (v - kClipMean[c]) / kClipStd[c]);
  }
}

TEST(ClipPreprocessTest, CustomSizeAndMeanAreHonoured) {
  PreprocessConfig config;
  config.size = 32;
  config.mean = {0.5f, 0.5f, 0.5f};
  config.stddev = {0.5f, 0.5f, 0.5f};
  const std::string bytes = read_file(fixture_path("preprocess/rgb_640x480.jpg"));
  std::vector<float> out(3 * 32 * 32);
  const auto error = preprocess_clip(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
                                     config, out.data());
  ASSERT_FALSE(error.has_value()) << *error;
  for (float v : out) {
    EXPECT_GE(v, -1.0f);
    EXPECT_LE(v, 1.0f);
  }
}

TEST(ClipPreprocessTest, BadImagesAreValuesNotExceptions) {
  const PreprocessConfig config;
  std::vector<float> out(3 * 224 * 224);
  EXPECT_TRUE(preprocess_clip(nullptr, 0, config, out.data()).has_value());
  const uint8_t junk[] = {'h', 'e', 'l', 'l', 'o'};
  const auto error = preprocess_clip(junk, sizeof junk, config, out.data());
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->find("unknown image format"), std::string::npos) << *error;
}

TEST(ClipPreprocessTest, BadConfigThrows) {
  PreprocessConfig config;
  config.size = 0;
  float out[3];
  const uint8_t junk[] = {1, 2, 3};
  EXPECT_THROW(preprocess_clip(junk, sizeof junk, config, out), Error);
  config.size = 224;
  config.stddev = {1.0f, 0.0f, 1.0f};
  EXPECT_THROW(preprocess_clip(junk, sizeof junk, config, out), Error);
}

}  // namespace
}  // namespace clipret::image
