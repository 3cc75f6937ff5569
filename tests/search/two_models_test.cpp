// Two indices whose queries are embedded by different CLIP models, queried from many threads at
// once, as `back` serves them. The README's test command also runs this under ThreadSanitizer:
// each model's backend owns its threads, and no request changes a process-wide setting.
#include <gtest/gtest.h>

#include <thread>

#include "core/compute_threads.h"
#include "index_fixture.h"
#include "search/knn_service.h"
#include "search/service_loader.h"

namespace clipret::search {
namespace {

using testing::IndexFixture;

struct Expected {
  std::string index;
  KnnQuery query;
  std::vector<std::pair<int64_t, float>> top;
};

TEST(TwoModelsTest, ConcurrentQueriesOnIndicesWithDifferentModels) {
  testing::TempDir dir;
  const IndexFixture a = IndexFixture::build(dir, "a");
  const std::string model_b = testing::make_perturbed_tiny_model_folder(dir, "tiny_clip_b");
  const IndexFixture b = IndexFixture::build(dir, "b", "Flat", "Flat", model_b);
  hub::LoadedClip clip_a = testing::load_tiny_clip(a.model_folder);
  hub::LoadedClip clip_b = testing::load_tiny_clip(model_b);
  ASSERT_NE(testing::embed_text(clip_a, "a cat"), testing::embed_text(clip_b, "a cat"))
      << "the two models must differ for this test to mean anything";

  // Truth for every query: its own model's text embedding against its own index's vectors.
  constexpr size_t kQueries = 48;
  constexpr size_t kTop = 5;
  std::vector<Expected> expected;
  for (size_t i = 0; i < kQueries; ++i) {
    const bool on_b = i % 2 == 1;
    const IndexFixture& f = on_b ? b : a;
    Expected e;
    e.index = on_b ? "b" : "a";
    e.query.text = "query number " + std::to_string(i) + (i % 3 == 0 ? " with more words" : "");
    e.query.modality = i % 4 < 2 ? Modality::kImage : Modality::kText;
    e.query.num_images = 1;
    e.query.num_result_ids = kTop;
    e.query.indice_name = e.index;
    const std::vector<float> v = testing::embed_text(on_b ? clip_b : clip_a, *e.query.text);
    const std::vector<float>& vectors =
        e.query.modality == Modality::kImage ? f.image_vectors : f.text_vectors;
    e.top = IndexFixture::exact_top_k(vectors, f.rows, f.dim, v, kTop);
    expected.push_back(std::move(e));
  }

  std::vector<IndexOptions> indices(2);
  indices[0].name = "a";
  indices[0].indice_folder = a.folder;
  indices[0].clip_model = a.model_folder;
  indices[1].name = "b";
  indices[1].indice_folder = b.folder;
  indices[1].clip_model = model_b;
  for (IndexOptions& index : indices) index.provide_aesthetic_embeddings = false;
  ServiceEnvironment environment;
  environment.hub.offline = true;
  environment.hub.show_progress = false;
  environment.hub.cache_dir = dir.file("cache");
  environment.model.threads = 2;
  // As `back` sets them: once, before the request threads start.
  core::configure_compute_threads({.blas = 2, .openmp = 1});
  const std::unique_ptr<KnnService> service = load_knn_service(indices, environment);

  constexpr size_t kThreads = 8;
  std::vector<std::vector<KnnResult>> answers(kQueries);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = t; i < kQueries; i += kThreads) {
        answers[i] = service->query(expected[i].query, nullptr);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  for (size_t i = 0; i < kQueries; ++i) {
    const std::vector<KnnResult>& got = answers[i];
    ASSERT_EQ(got.size(), kTop) << i;
    for (size_t k = 0; k < kTop; ++k) {
      EXPECT_EQ(got[k].id, expected[i].top[k].first) << "query " << i << " rank " << k;
      EXPECT_NEAR(got[k].similarity, expected[i].top[k].second, 1e-4) << i;
    }
  }
}

}  // namespace
}  // namespace clipret::search
