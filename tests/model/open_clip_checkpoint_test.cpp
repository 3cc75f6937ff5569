#include "model/open_clip_checkpoint.h"

#include <gtest/gtest.h>

#include "checkpoint_builder.h"
#include "core/error.h"
#include "model/clip_model.h"

namespace clipret::model {
namespace {

using testing::max_relative_error;
using testing::TempDir;
using testing::TinyClipFixture;

constexpr double kTolerance = 1e-4;

void write_open_clip(const TempDir& dir, const testing::TensorMap& tensors) {
  testing::write_file(dir.file(kOpenClipConfigFile), testing::kTinyOpenClipConfig);
  write_safetensors(dir.file(kOpenClipWeightsFile), testing::as_list(tensors));
}

TEST(OpenClipCheckpointTest, ConvertedFixtureGivesTheSameEmbeddings) {
  TempDir dir;
  write_open_clip(dir, testing::to_open_clip(testing::tiny_clip_tensors()));
  ASSERT_TRUE(is_open_clip_checkpoint(dir.path().string()));
  ClipModel model = ClipModel::load(dir.path().string());
  EXPECT_EQ(model.layout(), CheckpointLayout::kOpenClip);
  EXPECT_EQ(model.embed_dim(), 16);
  EXPECT_EQ(model.config().vision.transformer.heads, 4);
  EXPECT_EQ(model.config().vision.transformer.mlp_width, 256);
  EXPECT_EQ(model.config().text.transformer.mlp_width, 128);
  EXPECT_EQ(model.config().preprocess.mean[1], 0.5f);
  EXPECT_EQ(model.config().preprocess.std[2], 0.5f);

  const TinyClipFixture f = TinyClipFixture::load();
  std::vector<float> images(f.images * f.embed_dim);
  model.encode_image(f.pixels.data(), f.images, images.data());
  const double image_error = max_relative_error(images, f.image_embeds, f.embed_dim);
  std::vector<float> texts(f.texts * f.embed_dim);
  model.encode_text(f.ids.data(), f.texts, texts.data());
  const double text_error = max_relative_error(texts, f.text_embeds, f.embed_dim);
  std::printf("open_clip layout: image error %.3g, text error %.3g\n", image_error, text_error);
  EXPECT_LT(image_error, kTolerance);
  EXPECT_LT(text_error, kTolerance);
}

TEST(OpenClipCheckpointTest, UntransposedProjectionIsCorrupt) {
  TempDir dir;
  testing::TensorMap tensors = testing::to_open_clip(testing::tiny_clip_tensors());
  // HF's [embed, width] orientation under the OpenAI name: must not load silently.
  tensors["visual.proj"] = testing::transposed(tensors["visual.proj"], "visual.proj");
  write_open_clip(dir, tensors);
  try {
    ClipModel::load(dir.path().string());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kCorrupt);
    EXPECT_NE(std::string(e.what()).find("'visual.proj' has shape [16, 64]"), std::string::npos)
        << e.what();
  }
}

TEST(OpenClipCheckpointTest, ConfigDefaultsFollowOpenClip) {
  const ClipConfig c = parse_open_clip_config(
      R"({"embed_dim": 1024, "vision_cfg": {"image_size": 224, "layers": 32, "width": 1280,
          "head_width": 80, "patch_size": 14}, "text_cfg": {"width": 1024, "heads": 16,
          "layers": 24}})",
      "ViT-H-14.json");
  EXPECT_EQ(c.vision.transformer.heads, 16);
  EXPECT_EQ(c.vision.transformer.head_dim(), 80);
  EXPECT_EQ(c.vision.transformer.mlp_width, 5120);
  EXPECT_EQ(c.vision.tokens(), 257);
  EXPECT_EQ(c.text.transformer.activation, Activation::kGelu);  // no quick_gelu flag
  EXPECT_EQ(c.text.context_length, 77);
  EXPECT_EQ(c.preprocess.mean, kClipImageMean);

  const ClipConfig g = parse_open_clip_config(
      R"({"embed_dim": 1024, "vision_cfg": {"layers": 40, "width": 1408, "head_width": 88,
          "mlp_ratio": 4.3637, "patch_size": 14}, "text_cfg": {"width": 1024, "heads": 16}})",
      "ViT-g-14.json");
  EXPECT_EQ(g.vision.transformer.mlp_width, 6144);  // int(1408 * 4.3637)
}

TEST(OpenClipCheckpointTest, OtherArchitecturesAreUnsupported) {
  for (const char* config : {
           R"({"embed_dim": 8, "vision_cfg": {"layers": [3, 4, 6, 3], "width": 64}})",
           R"({"embed_dim": 8, "vision_cfg": {"attentional_pool": true}})",
           R"({"embed_dim": 8, "text_cfg": {"hf_model_name": "xlm-roberta-base"}})",
           R"({"embed_dim": 8, "vision_cfg": {"timm_model_name": "vit_base"}})",
           R"({"embed_dim": 8, "text_cfg": {"pool_type": "last"}})",
       }) {
    try {
      parse_open_clip_config(config, "cfg.json");
      ADD_FAILURE() << config;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUnsupported) << e.what();
    }
  }
}

TEST(OpenClipCheckpointTest, MissingEmbedDimIsCorrupt) {
  EXPECT_THROW(parse_open_clip_config(R"({"model_cfg": {}})", "cfg.json"), Error);
}

}  // namespace
}  // namespace clipret::model
