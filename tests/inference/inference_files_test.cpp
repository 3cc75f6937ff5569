// Inference over a generated `files` folder with the tiny fixture model: partition rows as the
// original's tests, alignment of the three outputs, embeddings equal to a direct model call.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "core/error.h"
#include "core/l2_normalize.h"
#include "core/npy_reader.h"
#include "hub/clip_loader.h"
#include "inference/batch_embedder.h"
#include "inference/inference_runner.h"
#include "parquet/parquet_reader.h"
#include "parquet/table.h"
#include "test_util.h"
#include "tiny_model.h"

namespace clipret::inference {
namespace {

namespace fs = std::filesystem;

class InferenceFilesTest : public ::testing::Test {
 protected:
  InferenceFilesTest() : model_folder_(testing::make_tiny_model_folder(dir_)) {
    environment_.show_progress = false;
    environment_.hub.show_progress = false;
    environment_.hub.offline = true;
    environment_.model.threads = 1;
  }

  // 7 images in nested folders (sorted keys: a/0 ... a/3, b/c/4 ... b/c/6), with captions and
  // metadata for each.
  std::string make_folder() {
    const auto images = testing::fixture_images();
    const std::string root = dir_.file("images");
    for (int i = 0; i < 7; ++i) {
      const std::string stem = (i < 4 ? "a/" : "b/c/") + std::to_string(i);
      const std::string ext = fs::path(images[i]).extension().string();
      fs::create_directories((fs::path(root) / stem).parent_path());
      fs::copy_file(images[i], root + "/" + stem + ext);
      testing::write_file(root + "/" + stem + ".txt", "a caption for image " + std::to_string(i));
      testing::write_file(root + "/" + stem + ".json",
                          "{\"url\": \"http://x/" + std::to_string(i) + "\", \"size\": {\"w\": " +
                              std::to_string(i * 10) + "}, \"caption\": \"ignored\"}");
    }
    return root;
  }

  InferenceOptions options(const std::string& input) {
    InferenceOptions o;
    o.input_dataset = {input};
    o.output_folder = dir_.file("out");
    o.clip_model = model_folder_;
    o.batch_size = 2;
    o.num_prepro_workers = 2;
    o.output_partition_count = 2;
    return o;
  }

  testing::TempDir dir_;
  std::string model_folder_;
  InferenceEnvironment environment_;
};

TEST_F(InferenceFilesTest, TwoPartitionsOfFourAndThreeRowsAligned) {
  const std::string root = make_folder();
  InferenceOptions o = options(root);
  o.enable_metadata = true;
  const InferenceSummary summary = run_inference(o, environment_);
  EXPECT_EQ(summary.totals.samples, 7u);
  EXPECT_EQ(summary.totals.skipped_total(), 0u);

  const std::vector<std::vector<std::string>> keys = {{"a/0", "a/2", "b/c/4", "b/c/6"},
                                                      {"a/1", "a/3", "b/c/5"}};
  for (int p = 0; p < 2; ++p) {
    const std::string n = std::to_string(p);
    auto img = core::NpyReader::open(o.output_folder + "/img_emb/img_emb_" + n + ".npy");
    auto txt = core::NpyReader::open(o.output_folder + "/text_emb/text_emb_" + n + ".npy");
    EXPECT_EQ(img.dtype(), core::NpyDtype::kFloat16);
    EXPECT_EQ(img.shape(), (std::vector<uint64_t>{keys[p].size(), 16}));
    EXPECT_EQ(txt.shape(), (std::vector<uint64_t>{keys[p].size(), 16}));
    const auto table =
        parquet::read_parquet_file(o.output_folder + "/metadata/metadata_" + n + ".parquet");
    ASSERT_EQ(table.num_rows(), keys[p].size());
    std::vector<std::string> names;
    for (const auto& column : table.columns()) names.push_back(column.name());
    EXPECT_EQ(names, (std::vector<std::string>{"image_path", "caption", "url", "size.w"}));
    for (size_t r = 0; r < keys[p].size(); ++r) {
      const std::string path(table.column(0).bytes_at(r));
      EXPECT_EQ(fs::path(path).replace_extension().string(), root + "/" + keys[p][r]);
      const std::string index = keys[p][r].substr(keys[p][r].rfind('/') + 1);
      EXPECT_EQ(table.column(1).bytes_at(r), "a caption for image " + index);
      EXPECT_EQ(table.column(2).bytes_at(r), "http://x/" + index);
      EXPECT_EQ(table.column(3).int64_at(r), std::stoi(index) * 10);
    }
    EXPECT_TRUE(fs::exists(o.output_folder + "/stats/" + n + ".json"));
  }
}

TEST_F(InferenceFilesTest, EmbeddingsEqualADirectModelCallAndHaveUnitNorm) {
  const std::string root = make_folder();
  InferenceOptions o = options(root);
  o.output_partition_count = 1;
  run_inference(o, environment_);

  hub::LoadedClip clip = hub::load_clip(model_folder_, environment_.hub, environment_.model);
  auto img = core::NpyReader::open(o.output_folder + "/img_emb/img_emb_0.npy");
  auto txt = core::NpyReader::open(o.output_folder + "/text_emb/text_emb_0.npy");
  const auto table = parquet::read_parquet_file(o.output_folder + "/metadata/metadata_0.parquet");
  ASSERT_EQ(img.rows(), 7u);
  const size_t side = static_cast<size_t>(clip.preprocess.size);
  std::vector<float> pixels(3 * side * side), expected(16), got(16);
  for (size_t r = 0; r < 7; ++r) {
    const std::string bytes = testing::read_file(std::string(table.column(0).bytes_at(r)));
    ASSERT_FALSE(image::preprocess_clip(reinterpret_cast<const uint8_t*>(bytes.data()),
                                        bytes.size(), clip.preprocess, pixels.data()));
    clip.model.encode_image(pixels.data(), 1, expected.data());
    core::l2_normalize_rows(expected.data(), 1, 16);
    img.read_rows_f32(r, r + 1, got.data());
    double norm = 0;
    for (size_t i = 0; i < 16; ++i) {
      EXPECT_NEAR(got[i], expected[i], 1e-3) << "row " << r;
      norm += got[i] * got[i];
    }
    EXPECT_NEAR(std::sqrt(norm), 1.0, 2e-3);

    const auto ids = clip.tokenizer->tokenize(std::string(table.column(1).bytes_at(r)));
    clip.model.encode_text(ids.data(), 1, expected.data());
    core::l2_normalize_rows(expected.data(), 1, 16);
    txt.read_rows_f32(r, r + 1, got.data());
    for (size_t i = 0; i < 16; ++i) EXPECT_NEAR(got[i], expected[i], 1e-3) << "text row " << r;
  }
}

TEST_F(InferenceFilesTest, BadSamplesAreSkippedAndCountedByReason) {
  const std::string root = make_folder();
  testing::write_file(root + "/a/0.json", "[1, 2]");        // not an object
  testing::write_file(root + "/a/1.jpg.txt", "unrelated");  // key a/1.jpg: no image
  fs::remove(root + "/b/c/5.txt");                          // no caption: left out
  testing::write_file(root + "/b/c/9.jpg", "not an image");
  testing::write_file(root + "/b/c/9.txt", "caption");
  testing::write_file(root + "/b/c/9.json", "{}");
  testing::write_file(root + "/a/2.txt", std::string("bad \xff utf-8"));
  InferenceOptions o = options(root);
  o.enable_metadata = true;
  o.output_partition_count = 1;
  const InferenceSummary summary = run_inference(o, environment_);
  // Written: a/1, a/3, b/c/4, b/c/6. Left out before reading: a/1.jpg (no image), b/c/5
  // (no caption). Skipped: a/0, a/2, b/c/9.
  EXPECT_EQ(summary.totals.samples, 4u);
  EXPECT_EQ(summary.totals.skipped.at("invalid metadata"), 1u);
  EXPECT_EQ(summary.totals.skipped.at("undecodable image"), 1u);
  EXPECT_EQ(summary.totals.skipped.at("caption not valid UTF-8"), 1u);
}

TEST_F(InferenceFilesTest, ResumeSkipsCompletePartitionsAndRedoesTheRest) {
  const std::string root = make_folder();
  InferenceOptions o = options(root);
  run_inference(o, environment_);
  const std::string first = testing::read_file(o.output_folder + "/img_emb/img_emb_1.npy");
  // An interruption during partition 1: its stats file (written last) is missing.
  fs::remove(o.output_folder + "/stats/1.json");
  fs::remove(o.output_folder + "/img_emb/img_emb_1.npy");
  const InferenceSummary summary = run_inference(o, environment_);
  EXPECT_EQ(summary.partitions_resumed, 1);
  EXPECT_EQ(summary.partitions_run, 1);
  EXPECT_EQ(summary.totals.samples, 3u);
  EXPECT_EQ(testing::read_file(o.output_folder + "/img_emb/img_emb_1.npy"), first);
}

TEST_F(InferenceFilesTest, EmptyOrMissingInputIsNoSampleFound) {
  fs::create_directories(dir_.file("empty"));
  try {
    run_inference(options(dir_.file("empty")), environment_);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no sample found"), std::string::npos) << e.what();
  }
  EXPECT_THROW(run_inference(options(dir_.file("missing")), environment_), Error);
}

TEST_F(InferenceFilesTest, AutomaticPartitionCountFromWriteBatchSize) {
  const std::string root = make_folder();
  InferenceOptions o = options(root);
  o.output_partition_count.reset();
  o.write_batch_size = 4;  // 7 samples → 2 partitions, as the original's test_main
  const InferenceSummary summary = run_inference(o, environment_);
  EXPECT_EQ(summary.partitions, 2);
  EXPECT_EQ(core::NpyReader::open(o.output_folder + "/img_emb/img_emb_0.npy").rows(), 4u);
  EXPECT_EQ(core::NpyReader::open(o.output_folder + "/img_emb/img_emb_1.npy").rows(), 3u);
}

}  // namespace
}  // namespace clipret::inference
