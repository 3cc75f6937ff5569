#include "hub/model_name.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "test_util.h"

namespace clipret::hub {
namespace {

TEST(ModelNameTest, OpenAiNamesMapToTheirRepos) {
  EXPECT_EQ(resolve_model_name("ViT-B/32").repo, "openai/clip-vit-base-patch32");
  EXPECT_EQ(resolve_model_name("ViT-B/16").repo, "openai/clip-vit-base-patch16");
  EXPECT_EQ(resolve_model_name("ViT-L/14").repo, "openai/clip-vit-large-patch14");
  EXPECT_EQ(resolve_model_name("ViT-L/14@336px").repo, "openai/clip-vit-large-patch14-336");
  const auto ref = resolve_model_name("ViT-B/32");
  EXPECT_EQ(ref.layout, CheckpointLayout::kHuggingFace);
  EXPECT_EQ(ref.required_files, (std::vector<std::string>{"config.json", "model.safetensors"}));
  EXPECT_TRUE(ref.local_folder.empty());
}

TEST(ModelNameTest, HfClipPrefix) {
  const auto ref = resolve_model_name("hf_clip:patrickjohncyh/fashion-clip");
  EXPECT_EQ(ref.repo, "patrickjohncyh/fashion-clip");
  EXPECT_EQ(ref.layout, CheckpointLayout::kHuggingFace);
  EXPECT_THROW(resolve_model_name("hf_clip:noslash"), Error);
  EXPECT_THROW(resolve_model_name("hf_clip:a/b/c"), Error);
}

TEST(ModelNameTest, OpenClipWithAndWithoutTag) {
  const auto ref = resolve_model_name("open_clip:ViT-B-32/laion2b_s34b_b79k");
  EXPECT_EQ(ref.repo, "laion/CLIP-ViT-B-32-laion2B-s34B-b79K");
  EXPECT_EQ(ref.layout, CheckpointLayout::kOpenClip);
  EXPECT_EQ(ref.required_files[1], "open_clip_model.safetensors");
  // LAION's H-14 index is queried with the bare name (spec §0).
  EXPECT_EQ(resolve_model_name("open_clip:ViT-H-14").repo, "laion/CLIP-ViT-H-14-laion2B-s32B-b79K");
  try {
    resolve_model_name("open_clip:ViT-Q-99/x");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
    EXPECT_NE(std::string(e.what()).find("known: ViT-B-32/laion2b_s34b_b79k"), std::string::npos);
  }
}

TEST(ModelNameTest, LocalFolderIsItself) {
  const std::string folder = testing::fixture_path("clip_tiny_hf");
  const auto ref = resolve_model_name(folder);
  EXPECT_EQ(ref.local_folder, folder);
  EXPECT_EQ(ref.layout, CheckpointLayout::kHuggingFace);
  testing::TempDir dir;
  testing::write_file(dir.file("open_clip_config.json"), "{}");
  EXPECT_EQ(resolve_model_name(dir.path().string()).layout, CheckpointLayout::kOpenClip);
}

TEST(ModelNameTest, UnknownNameListsAcceptedForms) {
  try {
    resolve_model_name("RN50x64-nonexistent");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("hf_clip:ORG/NAME"), std::string::npos);
  }
}

}  // namespace
}  // namespace clipret::hub
