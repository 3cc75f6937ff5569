// use_mclip queries from many threads at once: each gets its own text's embedding (the
// mclip_tiny fixture's, computed by sentence-transformers, normalised) while the texts share
// batched model calls (search/text_batcher.h). Runs under ThreadSanitizer in scripts/test.sh.
#include "search/mclip_embedder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>

#include "hub/mclip_loader.h"
#include "model/sentence_reference.h"

namespace clipret::search {
namespace {

TEST(MclipEmbedderTest, ConcurrentTextsGetTheirOwnRowsInSharedBatches) {
  hub::HubOptions hub;
  hub.offline = true;
  hub.show_progress = false;
  auto mclip = std::make_unique<hub::LoadedMclip>(
      hub::load_mclip(testing::mclip_tiny_dir(), "mclip_model", hub, {}));
  MclipEmbedder embedder(std::move(mclip), QueryEmbedderOptions{4});
  EXPECT_EQ(embedder.dim(), 16);

  const auto cases = testing::mclip_tiny_cases();
  const size_t n = cases.size() * 2;
  std::vector<std::vector<float>> got(n);
  std::vector<EmbedTimings> timings(n);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < n; ++i) {
    threads.emplace_back(
        [&, i] { got[i] = embedder.embed_text(cases[i % cases.size()].text, &timings[i]); });
  }
  for (auto& thread : threads) thread.join();
  for (size_t i = 0; i < n; ++i) {
    const auto& want = cases[i % cases.size()].embedding;
    double norm = 0;
    for (const double v : want) norm += v * v;
    ASSERT_EQ(got[i].size(), want.size());
    for (size_t j = 0; j < want.size(); ++j) {
      EXPECT_NEAR(got[i][j], want[j] / std::sqrt(norm), 1e-4) << cases[i % cases.size()].text;
    }
    EXPECT_TRUE(timings[i].prepro.has_value());
    EXPECT_TRUE(timings[i].inference.has_value());
  }
  // At most one call per text, at least one per batch of 4 (how many overlap is timing's).
  EXPECT_LE(embedder.model_calls(), static_cast<int64_t>(n));
  EXPECT_GE(embedder.model_calls(), static_cast<int64_t>(n / 4));
}

}  // namespace
}  // namespace clipret::search
