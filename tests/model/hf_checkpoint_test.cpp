#include "model/hf_checkpoint.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "checkpoint_builder.h"
#include "core/error.h"
#include "model/clip_model.h"
#include "sentence_reference.h"

namespace clipret::model {
namespace {

using testing::max_relative_error;
using testing::TempDir;
using testing::TinyClipFixture;

// The fixture's image and text embeddings, within 1e-4.
void expect_reference_embeddings(ClipModel& model) {
  const TinyClipFixture f = TinyClipFixture::load();
  std::vector<float> images(f.images * f.embed_dim);
  model.encode_image(f.pixels.data(), f.images, images.data());
  EXPECT_LT(max_relative_error(images, f.image_embeds, f.embed_dim), 1e-4);
  std::vector<float> texts(f.texts * f.embed_dim);
  model.encode_text(f.ids.data(), f.texts, texts.data());
  EXPECT_LT(max_relative_error(texts, f.text_embeds, f.embed_dim), 1e-4);
}

// Expects ClipModel::load(folder) to throw `kind` with every needle in the message.
void expect_load_error(const std::string& folder, ErrorKind kind,
                       const std::vector<std::string>& needles) {
  try {
    ClipModel::load(folder);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    for (const std::string& needle : needles) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos)
          << "'" << needle << "' not in: " << e.what();
    }
  }
}

TEST(HfConfigTest, MissingFieldsTakeTransformersDefaults) {
  const ClipConfig c = parse_hf_config(R"({"text_config": {"hidden_act": "gelu"}})", "c.json");
  EXPECT_EQ(c.embed_dim, 512);
  EXPECT_EQ(c.text.transformer.width, 512);
  EXPECT_EQ(c.text.transformer.layers, 12);
  EXPECT_EQ(c.text.transformer.heads, 8);
  EXPECT_EQ(c.text.transformer.mlp_width, 2048);
  EXPECT_EQ(c.text.transformer.activation, Activation::kGelu);
  EXPECT_EQ(c.text.vocab_size, 49408);
  EXPECT_EQ(c.text.context_length, 77);
  EXPECT_EQ(c.vision.transformer.width, 768);
  EXPECT_EQ(c.vision.transformer.heads, 12);
  EXPECT_EQ(c.vision.transformer.mlp_width, 3072);
  EXPECT_EQ(c.vision.transformer.activation, Activation::kQuickGelu);
  EXPECT_FLOAT_EQ(c.vision.transformer.layer_norm_eps, 1e-5f);
  EXPECT_EQ(c.vision.patch_size, 32);
  EXPECT_EQ(c.vision.tokens(), 50);
}

TEST(HfConfigTest, TopLevelProjectionDimWinsAndLegacyDictsOverride) {
  const ClipConfig c = parse_hf_config(
      R"({"projection_dim": 768, "text_config": {"projection_dim": 512, "hidden_size": 512},
          "text_config_dict": {"hidden_size": 768, "num_attention_heads": 12},
          "vision_config_dict": null, "vision_config": {"patch_size": 14, "hidden_size": 1024,
          "num_attention_heads": 16, "layer_norm_eps": 1e-6}})",
      "c.json");
  EXPECT_EQ(c.embed_dim, 768);
  EXPECT_EQ(c.text.transformer.width, 768);
  EXPECT_EQ(c.text.transformer.heads, 12);
  EXPECT_EQ(c.vision.tokens(), 257);
  EXPECT_FLOAT_EQ(c.vision.transformer.layer_norm_eps, 1e-6f);
}

TEST(HfConfigTest, BadFieldsAreRejected) {
  try {
    parse_hf_config(R"({"vision_config": {"hidden_act": "relu"}})", "c.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUnsupported);
    EXPECT_NE(std::string(e.what()).find("relu"), std::string::npos);
  }
  try {
    parse_hf_config(R"({"text_config": {"hidden_size": "512"}})", "c.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kCorrupt);
    EXPECT_NE(std::string(e.what()).find("hidden_size"), std::string::npos);
  }
  try {
    parse_hf_config(R"({"text_config": {"hidden_size": 100, "num_attention_heads": 8}})", "c.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kCorrupt);
    EXPECT_NE(std::string(e.what()).find("not divisible"), std::string::npos);
  }
  EXPECT_THROW(parse_hf_config("{not json", "c.json"), Error);
}

TEST(HfConfigTest, PreprocessorConfigGivesMeanStdAndSizes) {
  ImagePreprocess p;
  apply_hf_preprocessor_config(
      R"({"image_mean": [0.5, 0.5, 0.5], "image_std": [0.25, 0.5, 0.75],
          "size": {"shortest_edge": 256}, "crop_size": {"height": 240, "width": 240}})",
      "pre.json", p);
  EXPECT_EQ(p.mean, (std::array<float, 3>{0.5f, 0.5f, 0.5f}));
  EXPECT_EQ(p.std, (std::array<float, 3>{0.25f, 0.5f, 0.75f}));
  EXPECT_EQ(p.resize_size, 256);
  EXPECT_EQ(p.crop_size, 240);
  EXPECT_EQ(p.resize_mode, "shortest");
  ImagePreprocess old;
  apply_hf_preprocessor_config(R"({"size": 224, "crop_size": 224})", "pre.json", old);
  EXPECT_EQ(old.resize_size, 224);
  EXPECT_EQ(old.mean, kClipImageMean);
  EXPECT_THROW(apply_hf_preprocessor_config(R"({"image_mean": [1, 2]})", "pre.json", old), Error);
}

TEST(HfCheckpointTest, LoadsPreprocessorConfigNextToTheWeights) {
  TempDir dir;
  testing::write_hf_checkpoint(dir, testing::tiny_clip_tensors());
  testing::write_file(dir.file("preprocessor_config.json"),
                      R"({"image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5]})");
  const ClipModel model = ClipModel::load(dir.path().string());
  EXPECT_EQ(model.config().preprocess.mean[0], 0.5f);
}

TEST(HfCheckpointTest, ShardedCheckpointGivesTheSameEmbeddings) {
  TempDir dir;
  const testing::TensorMap tensors = testing::tiny_clip_tensors();
  std::vector<SafetensorsTensorData> vision, rest;
  std::string weight_map;
  for (const auto& [name, tensor] : tensors) {
    const bool first = name.rfind("vision_model.", 0) == 0;
    (first ? vision : rest).push_back(tensor);
    weight_map +=
        std::string(weight_map.empty() ? "" : ",") + "\"" + name + "\": \"" +
        (first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors") + "\"";
  }
  write_safetensors(dir.file("model-00001-of-00002.safetensors"), vision);
  write_safetensors(dir.file("model-00002-of-00002.safetensors"), rest);
  testing::write_file(dir.file("model.safetensors.index.json"),
                      R"({"metadata": {"total_size": 1}, "weight_map": {)" + weight_map + "}}");
  testing::write_file(dir.file("config.json"),
                      testing::read_file(testing::fixture_path("clip_tiny_hf/config.json")));

  ClipModel model = ClipModel::load(dir.path().string());
  expect_reference_embeddings(model);

  // A shard name leaving the folder, and a listed tensor its shard lacks.
  testing::write_file(dir.file("model.safetensors.index.json"),
                      R"({"weight_map": {"a": "../model.safetensors"}})");
  expect_load_error(dir.path().string(), ErrorKind::kCorrupt, {"leaves the checkpoint folder"});
  testing::write_file(
      dir.file("model.safetensors.index.json"),
      R"({"weight_map": {"text_projection.weight": "model-00001-of-00002.safetensors"}})");
  expect_load_error(dir.path().string(), ErrorKind::kCorrupt, {"'text_projection.weight'"});
}

// A Hugging Face folder that ships only pytorch_model.bin (the fixture's tensors saved by
// torch.save) loads and reproduces the reference embeddings.
TEST(HfCheckpointTest, PytorchBinWeightsLoad) {
  TempDir dir;
  const std::string folder = dir.file("bin");
  const std::string failure = testing::run_sentence_reference(
      "to-bin '" + testing::fixture_path("clip_tiny_hf") + "' '" + folder + "'");
  ASSERT_TRUE(failure.empty()) << failure;
  ASSERT_FALSE(std::filesystem::exists(folder + "/model.safetensors"));
  ASSERT_TRUE(is_hf_checkpoint(folder));
  ClipModel model = ClipModel::load(folder);
  expect_reference_embeddings(model);
}

TEST(HfCheckpointTest, HalfPrecisionWeightsLoad) {
  const TinyClipFixture f = TinyClipFixture::load();
  for (const SafetensorsDtype dtype : {SafetensorsDtype::kF16, SafetensorsDtype::kBF16}) {
    TempDir dir;
    testing::TensorMap tensors = testing::tiny_clip_tensors();
    for (auto& entry : tensors) entry.second.dtype = dtype;
    testing::write_hf_checkpoint(dir, tensors);
    ClipModel model = ClipModel::load(dir.path().string());
    std::vector<float> texts(f.texts * f.embed_dim);
    model.encode_text(f.ids.data(), f.texts, texts.data());
    // Rounding the weights, not the arithmetic, limits the agreement.
    const double error = max_relative_error(texts, f.text_embeds, f.embed_dim);
    EXPECT_LT(error, dtype == SafetensorsDtype::kF16 ? 1e-2 : 5e-2)
        << safetensors_dtype_name(dtype);
    EXPECT_GT(error, 0.0);
  }
}

TEST(HfCheckpointTest, UnusedAndIntegerTensorsAreIgnored) {
  TempDir dir;
  testing::TensorMap tensors = testing::tiny_clip_tensors();
  tensors["text_model.embeddings.position_ids"] = {
      "text_model.embeddings.position_ids", {1, 77}, std::vector<float>(77, 0.0f)};
  testing::write_hf_checkpoint(dir, tensors);
  EXPECT_NO_THROW(ClipModel::load(dir.path().string()));
}

TEST(HfCheckpointTest, ShapeMismatchWithConfigIsCorrupt) {
  TempDir dir;
  testing::TensorMap tensors = testing::tiny_clip_tensors();
  auto& fc1 = tensors["text_model.encoder.layers.1.mlp.fc1.weight"];
  fc1.shape = {64, 64};  // same element count, wrong shape
  testing::write_hf_checkpoint(dir, tensors);
  expect_load_error(dir.path().string(), ErrorKind::kCorrupt,
                    {"model.safetensors", "'text_model.encoder.layers.1.mlp.fc1.weight'",
                     "[64, 64]", "[128, 32]"});
}

TEST(HfCheckpointTest, LayerCountMismatchWithConfigIsCorrupt) {
  const testing::TensorMap tensors = testing::tiny_clip_tensors();
  std::string config = testing::read_file(testing::fixture_path("clip_tiny_hf/config.json"));
  const std::string two = "\"num_hidden_layers\": 2";
  {
    TempDir dir;
    testing::write_hf_checkpoint(dir, tensors);
    std::string fewer = config;
    fewer.replace(fewer.find(two), two.size(), "\"num_hidden_layers\": 1");
    testing::write_file(dir.file("config.json"), fewer);
    expect_load_error(dir.path().string(), ErrorKind::kCorrupt,
                      {"1 layers", "text_model.encoder.layers.1."});
  }
  {
    TempDir dir;
    testing::write_hf_checkpoint(dir, tensors);
    std::string more = config;
    more.replace(more.find(two), two.size(), "\"num_hidden_layers\": 3");
    testing::write_file(dir.file("config.json"), more);
    expect_load_error(dir.path().string(), ErrorKind::kCorrupt,
                      {"lacks tensor", "encoder.layers.2."});
  }
}

TEST(HfCheckpointTest, MissingTensorIsCorrupt) {
  TempDir dir;
  testing::TensorMap tensors = testing::tiny_clip_tensors();
  tensors.erase("vision_model.post_layernorm.bias");
  testing::write_hf_checkpoint(dir, tensors);
  expect_load_error(dir.path().string(), ErrorKind::kCorrupt,
                    {"lacks tensor", "'vision_model.post_layernorm.bias'"});
}

TEST(HfCheckpointTest, CorruptWeightsFileNamesTheFile) {
  TempDir dir;
  testing::write_hf_checkpoint(dir, testing::tiny_clip_tensors());
  const std::string bytes = testing::read_file(dir.file("model.safetensors"));
  testing::write_file(dir.file("model.safetensors"), bytes.substr(0, bytes.size() / 2));
  expect_load_error(dir.path().string(), ErrorKind::kCorrupt, {"model.safetensors", "outside"});
}

}  // namespace
}  // namespace clipret::model
