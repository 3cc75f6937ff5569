#include "search/query_embedder.h"

#include <gtest/gtest.h>

#include <thread>

#include "hub/clip_loader.h"
#include "index_fixture.h"

namespace clipret::search {
namespace {

class QueryEmbedderTest : public ::testing::Test {
 protected:
  void SetUp() override { model_folder_ = testing::make_tiny_model_folder(dir_); }
  std::unique_ptr<QueryEmbedder> make(size_t max_batch) {
    auto clip = std::make_unique<hub::LoadedClip>(testing::load_tiny_clip(model_folder_));
    return std::make_unique<QueryEmbedder>(std::move(clip), QueryEmbedderOptions{max_batch});
  }
  testing::TempDir dir_;
  std::string model_folder_;
};

TEST_F(QueryEmbedderTest, TextMatchesADirectModelCall) {
  hub::LoadedClip clip = testing::load_tiny_clip(model_folder_);
  const std::vector<float> expected = testing::embed_text(clip, "a photo of a cat");
  auto embedder = make(8);
  EmbedTimings timings;
  const std::vector<float> got = embedder->embed_text("a photo of a cat", &timings);
  ASSERT_EQ(got.size(), expected.size());
  for (size_t j = 0; j < got.size(); ++j) EXPECT_NEAR(got[j], expected[j], 1e-5);
  EXPECT_TRUE(timings.prepro.has_value());
  EXPECT_TRUE(timings.inference.has_value());
}

TEST_F(QueryEmbedderTest, ConcurrentTextsGetTheirOwnRows) {
  hub::LoadedClip clip = testing::load_tiny_clip(model_folder_);
  auto embedder = make(4);  // smaller than the number of threads: several batches
  const size_t n = 24;
  std::vector<std::string> texts;
  std::vector<std::vector<float>> expected;
  for (size_t i = 0; i < n; ++i) {
    texts.push_back("caption number " + std::to_string(i) + (i % 3 ? " with more words" : ""));
    expected.push_back(testing::embed_text(clip, texts.back()));
  }
  std::vector<std::vector<float>> got(n);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < n; ++i) {
    threads.emplace_back([&, i] { got[i] = embedder->embed_text(texts[i], nullptr); });
  }
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < n; ++i) {
    ASSERT_EQ(got[i].size(), expected[i].size());
    for (size_t j = 0; j < got[i].size(); ++j) EXPECT_NEAR(got[i][j], expected[i][j], 1e-5) << i;
  }
  // At most one call per text; fewer when requests overlapped (timing-dependent, not asserted).
  EXPECT_LE(embedder->text_model_calls(), static_cast<int64_t>(n));
  EXPECT_GE(embedder->text_model_calls(), static_cast<int64_t>(n / 4));
}

TEST_F(QueryEmbedderTest, ImageBytesAndUndecodableBytes) {
  hub::LoadedClip clip = testing::load_tiny_clip(model_folder_);
  const std::string path = testing::fixture_images()[3];
  const std::vector<float> expected = testing::embed_image_file(clip, path);
  auto embedder = make(8);
  std::string error;
  const auto got = embedder->embed_image(testing::read_file(path), &error, nullptr);
  ASSERT_TRUE(got.has_value()) << error;
  for (size_t j = 0; j < got->size(); ++j) EXPECT_NEAR((*got)[j], expected[j], 1e-5);
  EXPECT_FALSE(embedder->embed_image("not an image", &error, nullptr).has_value());
  EXPECT_FALSE(error.empty());
}

}  // namespace
}  // namespace clipret::search
