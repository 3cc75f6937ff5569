// Multilingual search end to end with the real binary: `inference --use_mclip` embeds captions
// with the mclip_tiny fixture (sentence-transformers' DistilBERT layout), `index` builds the text
// index, and `back` answers `use_mclip` queries with the same model. The expected embeddings are
// the fixture's (computed by sentence-transformers), normalised.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/float16.h"
#include "core/npy_reader.h"
#include "model/sentence_reference.h"
#include "server_process.h"
#include "tiny_model.h"

namespace clipret::back {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Fixture cases with a caption worth searching for (the empty text is left out: the files
// reader treats it as a caption, but a search for "" is no query).
std::vector<testing::SentenceCase> searchable_cases() {
  std::vector<testing::SentenceCase> cases;
  for (auto& c : testing::mclip_tiny_cases()) {
    if (!c.text.empty()) cases.push_back(std::move(c));
  }
  return cases;
}

TEST(MclipBinary, InferenceIndexAndBackSearchInAnyLanguage) {
  testing::TempDir dir;
  const std::string clip = testing::make_tiny_model_folder(dir);
  const std::vector<testing::SentenceCase> cases = searchable_cases();
  const auto images = testing::fixture_images();
  const std::string dataset = dir.file("dataset");
  fs::create_directories(dataset);
  for (size_t i = 0; i < cases.size(); ++i) {
    const std::string stem = (i < 10 ? "0" : "") + std::to_string(i);  // file order = case order
    const std::string image = images[i % images.size()];
    fs::copy_file(image, dataset + "/" + stem + fs::path(image).extension().string());
    testing::write_file(dataset + "/" + stem + ".txt", cases[i].text);
  }

  const std::string embeddings = dir.file("embeddings");
  const testing::CommandResult inference = testing::run_clip_retrieval(
      "inference --input_dataset '" + dataset + "' --output_folder '" + embeddings +
      "' --clip_model '" + clip + "' --use_mclip True --mclip_model '" + testing::mclip_tiny_dir() +
      "' --enable_metadata False --num_prepro_workers 1 --batch_size 5");
  ASSERT_EQ(inference.exit_code, 0) << inference.err;

  // Each caption's row: the fixture embedding, L2-normalised, in float16.
  const auto text_emb = core::NpyReader::open(embeddings + "/text_emb/text_emb_0.npy");
  ASSERT_EQ(text_emb.rows(), cases.size());
  ASSERT_EQ(text_emb.row_elements(), cases[0].embedding.size());
  ASSERT_EQ(text_emb.dtype(), core::NpyDtype::kFloat16);
  std::vector<float> rows(text_emb.rows() * text_emb.row_elements());
  text_emb.read_rows_f32(0, text_emb.rows(), rows.data());
  const size_t dim = text_emb.row_elements();
  for (size_t i = 0; i < cases.size(); ++i) {
    double norm = 0;
    for (const double v : cases[i].embedding) norm += v * v;
    for (size_t j = 0; j < dim; ++j) {
      EXPECT_NEAR(rows[i * dim + j], cases[i].embedding[j] / std::sqrt(norm), 2e-3)
          << cases[i].text << " [" << j << "]";
    }
  }

  const std::string index = dir.file("index");
  const testing::CommandResult indexing =
      testing::run_clip_retrieval("index '" + embeddings + "' --index_folder '" + index + "'");
  ASSERT_EQ(indexing.exit_code, 0) << indexing.err;

  testing::write_file(
      dir.file("indices_paths.json"),
      nlohmann::ordered_json({{"multilingual",
                               {{"indice_folder", index},
                                {"clip_model", clip},
                                {"mclip_model", testing::mclip_tiny_dir()}}},
                              {"english_only", {{"indice_folder", index}, {"clip_model", clip}}}})
          .dump());
  const std::string log = dir.file("back.log");
  testing::ServerProcess back("back",
                              {"--port=0", "--indices_paths=" + dir.file("indices_paths.json"),
                               "--clip_cache_path=" + dir.file("cache")},
                              log);
  const int port = back.wait_for_port(log, std::chrono::seconds(60));
  ASSERT_GT(port, 0) << testing::read_file(log);
  httplib::Client c("127.0.0.1", port);

  auto info = c.Get("/indices-info");
  ASSERT_TRUE(info);
  const json described = json::parse(info->body);
  // The web UI shows its multilingual toggle from this.
  EXPECT_EQ(described[0]["filters"]["use_mclip"], true) << info->body;
  EXPECT_EQ(described[1]["filters"]["use_mclip"], false) << info->body;

  // Every caption, searched with use_mclip over the text index, finds itself first.
  for (const auto& query : cases) {
    const json request = {{"text", query.text},
                          {"modality", "text"},
                          {"num_images", 3},
                          {"indice_name", "multilingual"},
                          {"use_mclip", true},
                          {"deduplicate", false},
                          {"num_result_ids", 3},
                          {"use_safety_model", false},
                          {"use_violence_detector", false}};
    auto r = c.Post("/knn-service", request.dump(), "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    const json results = json::parse(r->body);
    ASSERT_FALSE(results.empty()) << query.text;
    EXPECT_EQ(results[0]["caption"], query.text) << r->body;
    EXPECT_NEAR(results[0]["similarity"].get<double>(), 1.0, 2e-3) << query.text;
  }

  // An index without a multilingual model refuses use_mclip with a 400 that says why.
  auto refused = c.Post("/knn-service",
                        json({{"text", "chat"},
                              {"modality", "text"},
                              {"indice_name", "english_only"},
                              {"num_images", 3},
                              {"use_mclip", true}})
                            .dump(),
                        "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400);
  EXPECT_NE(refused->body.find("no multilingual model for clip_model"), std::string::npos)
      << refused->body;
}

}  // namespace
}  // namespace clipret::back
