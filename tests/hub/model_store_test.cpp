#include "hub/model_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/error.h"
#include "local_hub_server.h"
#include "test_util.h"

namespace clipret::hub {
namespace {

namespace fs = std::filesystem;

class ModelStoreTest : public ::testing::Test {
 protected:
  ModelStoreTest() {
    server_.add_repo("test/tiny", testing::fixture_path("clip_tiny_hf"));
    options_.endpoint = server_.endpoint();
    options_.cache_dir = cache_.path().string();
    options_.show_progress = false;
  }

  testing::TempDir cache_;
  testing::LocalHubServer server_;
  HubOptions options_;
};

TEST_F(ModelStoreTest, DownloadsOnceThenUsesTheCache) {
  const std::string folder = ensure_model_folder("hf_clip:test/tiny", options_);
  EXPECT_EQ(folder, cache_.file("test--tiny/main"));
  for (const char* file : {"config.json", "model.safetensors"}) {
    EXPECT_EQ(testing::read_file(folder + "/" + file),
              testing::read_file(testing::fixture_path(std::string("clip_tiny_hf/") + file)));
  }
  EXPECT_TRUE(fs::exists(folder + "/.complete"));
  const int requests = server_.requests();
  EXPECT_EQ(ensure_model_folder("hf_clip:test/tiny", options_), folder);
  EXPECT_EQ(server_.requests(), requests) << "a cached model must not touch the network";
  options_.offline = true;
  EXPECT_EQ(ensure_model_folder("hf_clip:test/tiny", options_), folder);
}

TEST_F(ModelStoreTest, ShardedWeightsAreFollowed) {
  testing::TempDir repo;
  testing::write_file(repo.file("config.json"), "{}");
  testing::write_file(repo.file("model.safetensors.index.json"),
                      R"({"metadata": {}, "weight_map": {"a": "model-00001-of-00002.safetensors",
                          "b": "model-00002-of-00002.safetensors",
                          "c": "model-00001-of-00002.safetensors"}})");
  testing::write_file(repo.file("model-00001-of-00002.safetensors"), "shard1");
  testing::write_file(repo.file("model-00002-of-00002.safetensors"), "shard2");
  server_.add_repo("test/sharded", repo.path().string());
  const std::string folder = ensure_model_folder("hf_clip:test/sharded", options_);
  EXPECT_EQ(testing::read_file(folder + "/model-00002-of-00002.safetensors"), "shard2");
}

TEST_F(ModelStoreTest, UnknownRepoIsNotFoundAndNotMarkedComplete) {
  try {
    ensure_model_folder("hf_clip:test/missing", options_);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
    EXPECT_NE(std::string(e.what()).find("test/missing/config.json not found"), std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(fs::exists(cache_.file("test--missing/main/.complete")));
}

TEST_F(ModelStoreTest, OfflineWithoutCacheIsAClearError) {
  options_.offline = true;
  try {
    ensure_model_folder("ViT-B/32", options_);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
    EXPECT_NE(std::string(e.what()).find("HF_HUB_OFFLINE"), std::string::npos);
  }
  EXPECT_EQ(server_.requests(), 0);
}

TEST_F(ModelStoreTest, LocalFolderNeedsNoNetwork) {
  const std::string folder = testing::fixture_path("clip_tiny_hf");
  EXPECT_EQ(ensure_model_folder(folder, options_), folder);
  EXPECT_EQ(server_.requests(), 0);
}

TEST(HubOptionsTest, EnvironmentAndCachePath) {
  ::setenv("HF_ENDPOINT", "http://mirror.local:8080/", 1);
  ::setenv("HF_HUB_OFFLINE", "1", 1);
  auto options = hub_options_from_environment(std::string("/models"));
  EXPECT_EQ(options.endpoint, "http://mirror.local:8080");
  EXPECT_TRUE(options.offline);
  EXPECT_EQ(options.cache_dir, "/models");
  ::unsetenv("HF_ENDPOINT");
  ::unsetenv("HF_HUB_OFFLINE");
  const char* home = std::getenv("HOME");
  const std::string saved_home = home ? home : "";
  ::setenv("HOME", "/home/someone", 1);
  options = hub_options_from_environment(std::nullopt);
  EXPECT_EQ(options.endpoint, "https://huggingface.co");
  EXPECT_FALSE(options.offline);
  EXPECT_EQ(options.cache_dir, "/home/someone/.cache/clip_retrieval");
  ::setenv("HOME", saved_home.c_str(), 1);
}

}  // namespace
}  // namespace clipret::hub
