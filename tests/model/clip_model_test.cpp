#include "model/clip_model.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "core/error.h"
#include "model/text_tower.h"
#include "model_fixture.h"

namespace clipret::model {
namespace {

using testing::max_relative_error;
using testing::TinyClipFixture;

constexpr double kTolerance = 1e-4;

class TinyClipTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fixture_ = new TinyClipFixture(TinyClipFixture::load());
    model_ = new ClipModel(ClipModel::load(testing::tiny_clip_dir()));
  }
  static void TearDownTestSuite() {
    delete model_;
    delete fixture_;
  }
  static TinyClipFixture* fixture_;
  static ClipModel* model_;
};

TinyClipFixture* TinyClipTest::fixture_ = nullptr;
ClipModel* TinyClipTest::model_ = nullptr;

TEST_F(TinyClipTest, DescribesTheCheckpoint) {
  const ClipConfig& c = model_->config();
  EXPECT_EQ(model_->layout(), CheckpointLayout::kHuggingFace);
  EXPECT_EQ(model_->embed_dim(), 16);  // top-level projection_dim, not the sub-configs' 512
  EXPECT_EQ(model_->image_size(), 224);
  EXPECT_EQ(model_->context_length(), 77);
  EXPECT_EQ(c.vision.transformer.width, 64);
  EXPECT_EQ(c.vision.transformer.layers, 2);
  EXPECT_EQ(c.vision.transformer.heads, 4);
  EXPECT_EQ(c.vision.transformer.mlp_width, 256);
  EXPECT_EQ(c.vision.patch_size, 32);
  EXPECT_EQ(c.text.transformer.width, 32);
  EXPECT_EQ(c.text.transformer.mlp_width, 128);
  EXPECT_EQ(c.text.transformer.activation, Activation::kQuickGelu);
  EXPECT_FLOAT_EQ(c.preprocess.mean[0], 0.48145466f);  // no preprocessor_config.json: CLIP's
  EXPECT_FLOAT_EQ(c.preprocess.std[2], 0.27577711f);
}

TEST_F(TinyClipTest, ImageEmbeddingsMatchTransformers) {
  std::vector<float> out(fixture_->images * fixture_->embed_dim);
  model_->encode_image(fixture_->pixels.data(), fixture_->images, out.data());
  const double error = max_relative_error(out, fixture_->image_embeds, fixture_->embed_dim);
  std::printf("image embeddings: max relative error %.3g\n", error);
  EXPECT_LT(error, kTolerance);
}

TEST_F(TinyClipTest, TextEmbeddingsMatchTransformers) {
  std::vector<float> out(fixture_->texts * fixture_->embed_dim);
  model_->encode_text(fixture_->ids.data(), fixture_->texts, out.data());
  const double error = max_relative_error(out, fixture_->text_embeds, fixture_->embed_dim);
  std::printf("text embeddings: max relative error %.3g\n", error);
  EXPECT_LT(error, kTolerance);
}

TEST_F(TinyClipTest, BatchOfOneGivesTheSameRowsAsABatch) {
  const size_t d = fixture_->embed_dim;
  std::vector<float> batch(fixture_->images * d);
  model_->encode_image(fixture_->pixels.data(), fixture_->images, batch.data());
  const size_t image_values = 3 * 224 * 224;
  for (size_t i = 0; i < fixture_->images; ++i) {
    std::vector<float> one(d);
    model_->encode_image(fixture_->pixels.data() + i * image_values, 1, one.data());
    const std::vector<float> row(batch.begin() + i * d, batch.begin() + (i + 1) * d);
    EXPECT_LT(max_relative_error(one, row, d), 1e-5) << "image " << i;
  }

  std::vector<float> texts(fixture_->texts * d);
  model_->encode_text(fixture_->ids.data(), fixture_->texts, texts.data());
  for (size_t i = 0; i < fixture_->texts; ++i) {
    std::vector<float> one(d);
    model_->encode_text(fixture_->ids.data() + i * fixture_->context, 1, one.data());
    const std::vector<float> row(texts.begin() + i * d, texts.begin() + (i + 1) * d);
    EXPECT_LT(max_relative_error(one, row, d), 1e-5) << "text " << i;
  }
}

TEST_F(TinyClipTest, SmallMaxBatchSplitsWithoutChangingRows) {
  ClipModel small = ClipModel::load(testing::tiny_clip_dir(), {.max_batch = 2});
  const size_t d = fixture_->embed_dim;
  std::vector<float> split(fixture_->texts * d);
  std::vector<float> whole(fixture_->texts * d);
  small.encode_text(fixture_->ids.data(), fixture_->texts, split.data());
  model_->encode_text(fixture_->ids.data(), fixture_->texts, whole.data());
  EXPECT_LT(max_relative_error(split, whole, d), 1e-5);
  std::vector<float> images(fixture_->images * d);
  small.encode_image(fixture_->pixels.data(), fixture_->images, images.data());
  EXPECT_LT(max_relative_error(images, fixture_->image_embeds, d), kTolerance);
}

TEST_F(TinyClipTest, TruncatedTextEqualsFullContext) {
  ClipModel full = ClipModel::load(testing::tiny_clip_dir(), {.truncate_text = false});
  const size_t d = fixture_->embed_dim;
  // Short texts only, then with the full-length one: both truncation lengths are exercised.
  for (const size_t n : {size_t{1}, fixture_->texts}) {
    std::vector<float> truncated(n * d);
    std::vector<float> complete(n * d);
    model_->encode_text(fixture_->ids.data(), n, truncated.data());
    full.encode_text(fixture_->ids.data(), n, complete.data());
    EXPECT_LT(max_relative_error(truncated, complete, d), 1e-5) << n << " texts";
    EXPECT_LT(max_relative_error(
                  complete,
                  std::vector<double>(fixture_->text_embeds.begin(),
                                      fixture_->text_embeds.begin() + static_cast<long>(n * d)),
                  d),
              kTolerance);
  }
}

TEST_F(TinyClipTest, PoolsAtTheFirstEndToken) {
  const int32_t ids[] = {49406, 320, 49407, 0, 49407};
  EXPECT_EQ(text_pool_position(ids, 5), 2u);
}

TEST_F(TinyClipTest, RejectsTokenIdsOutsideTheVocabulary) {
  std::vector<int32_t> ids(fixture_->ids.begin(), fixture_->ids.begin() + 77);
  ids[3] = 49408;
  std::vector<float> out(fixture_->embed_dim);
  try {
    model_->encode_text(ids.data(), 1, out.data());
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
    EXPECT_NE(std::string(e.what()).find("49408"), std::string::npos) << e.what();
  }
}

TEST(ClipModelLoadTest, MissingFolderIsNotFound) {
  try {
    ClipModel::load("/nonexistent/clip");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
  }
}

TEST(ClipModelLoadTest, FolderWithoutCheckpointIsNotFound) {
  testing::TempDir dir;
  testing::write_file(dir.file("README.md"), "nothing here");
  try {
    ClipModel::load(dir.path().string());
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
    EXPECT_NE(std::string(e.what()).find("no CLIP checkpoint"), std::string::npos);
  }
}

TEST(ClipModelRandomTest, RandomWeightsGiveFiniteDeterministicOutputs) {
  ClipConfig config;
  config.vision.transformer = {64, 1, 4, 128, Activation::kGelu, 1e-5f};
  config.vision.image_size = 64;
  config.vision.patch_size = 16;
  config.text.transformer = {32, 1, 2, 64, Activation::kGelu, 1e-5f};
  config.text.vocab_size = 100;
  config.text.context_length = 8;
  config.embed_dim = 8;
  ClipModel a = ClipModel::with_random_weights(config, 7);
  ClipModel b = ClipModel::with_random_weights(config, 7);
  std::vector<float> pixels(2 * 3 * 64 * 64, 0.25f);
  std::vector<float> out_a(16), out_b(16);
  a.encode_image(pixels.data(), 2, out_a.data());
  b.encode_image(pixels.data(), 2, out_b.data());
  EXPECT_EQ(out_a, out_b);
  for (const float v : out_a) EXPECT_TRUE(std::isfinite(v));
  const int32_t ids[8] = {98, 5, 7, 99, 0, 0, 0, 0};
  a.encode_text(ids, 1, out_a.data());
  for (size_t i = 0; i < 8; ++i) EXPECT_TRUE(std::isfinite(out_a[i]));
}

}  // namespace
}  // namespace clipret::model
