// `clip-retrieval end2end` on a csv of local urls with the tiny fixture model: the back it
// starts answers a text search over the downloaded images with their url and caption, lists
// example_index, and serves the UI; a second run resumes (nothing downloaded again).
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "image_server.h"
#include "server_process.h"
#include "test_util.h"

namespace clipret::download {
namespace {

using nlohmann::json;

TEST(End2end, CsvOfLocalUrlsToASearchableBack) {
  testing::ImageServer images;
  testing::TempDir dir;
  std::string csv = "url,caption\n";
  for (int i = 0; i < 12; ++i) {
    csv += images.endpoint() + "/img/" + std::to_string(60 + 10 * i) + "x" +
           std::to_string(90 - 3 * i) + "/" + std::to_string(i) + ".bmp,\"picture " +
           std::to_string(i) + ", with a comma\"\n";
  }
  csv += images.endpoint() + "/missing,a missing one\n";
  testing::write_file(dir.file("urls.csv"), csv);
  // The tiny model with the CLIP tokenizer's files beside it, as a model folder holds them.
  const std::string model = dir.file("tiny_clip");
  std::filesystem::create_directories(model);
  for (const auto& [name, source] : {std::pair{"config.json", "clip_tiny_hf/config.json"},
                                     {"model.safetensors", "clip_tiny_hf/model.safetensors"},
                                     {"vocab.json", "tokenizer/vocab.json"},
                                     {"merges.txt", "tokenizer/merges.txt"}}) {
    std::filesystem::create_symlink(testing::fixture_path(source), model + "/" + name);
  }
  const std::string out = dir.file("out");
  const std::string log = dir.file("end2end.log");
  {
    testing::ServerProcess end2end(
        "end2end",
        {dir.file("urls.csv"), out, "--port=0", "--clip_model=" + model,
         "--clip_cache_path=" + dir.file("cache"), "--batch_size=4", "--thread_count=4"},
        log);
    const int port = end2end.wait_for_port(log, std::chrono::seconds(240));
    ASSERT_GT(port, 0) << testing::read_file(log);
    httplib::Client back("127.0.0.1", port);
    back.set_read_timeout(30);
    auto listed = back.Get("/indices-list");
    ASSERT_TRUE(listed);
    EXPECT_EQ(json::parse(listed->body), json::array({"example_index"}));
    auto found = back.Post("/knn-service",
                           json({{"text", "picture 3"},
                                 {"modality", "image"},
                                 {"num_images", 5},
                                 {"indice_name", "example_index"}})
                               .dump(),
                           "application/json");
    ASSERT_TRUE(found);
    ASSERT_EQ(found->status, 200) << found->body;
    const json results = json::parse(found->body);
    ASSERT_EQ(results.size(), 5u) << results.dump();
    for (const json& r : results) {
      ASSERT_TRUE(r.contains("url")) << r.dump();
      const std::string url = r["url"];
      EXPECT_EQ(url.rfind(images.endpoint() + "/img/", 0), 0u) << url;
      const std::string seed =
          url.substr(url.rfind('/') + 1, url.find(".bmp") - url.rfind('/') - 1);
      EXPECT_EQ(r["caption"], "picture " + seed + ", with a comma");
    }
    auto page = back.Get("/");
    ASSERT_TRUE(page);
    EXPECT_EQ(page->status, 200);
  }
  EXPECT_EQ(images.total_requests(), 13);
  const std::string text = testing::read_file(log);
  EXPECT_NE(text.find("12 images of 13 urls"), std::string::npos) << text;
  EXPECT_TRUE(std::filesystem::exists(out + "/indices_paths.json"));
  EXPECT_TRUE(std::filesystem::exists(out + "/images/00000.tar"));

  // Resumed without a back: the download finds its shard done and fetches nothing.
  const auto again = testing::run_clip_retrieval(
      "end2end '" + dir.file("urls.csv") + "' '" + out + "' --run_back=False --clip_model='" +
      model + "' --clip_cache_path='" + dir.file("cache") + "' --batch_size=4 --thread_count=4");
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(images.total_requests(), 13);
  EXPECT_NE(again.err.find("1 shards already done"), std::string::npos) << again.err;
}

}  // namespace
}  // namespace clipret::download
