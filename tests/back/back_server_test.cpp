// Integration tests of the HTTP service: a real server on a free port over index folders built
// from generated data with the tiny fixture model; answers are checked against exact search.
#include <gtest/gtest.h>
#include <httplib.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "back/http_server.h"
#include "back/metrics.h"
#include "core/npy_writer.h"
#include "model/safetensors_writer.h"
#include "search/base64.h"
#include "search/index_fixture.h"
#include "search/knn_service.h"
#include "search/service_loader.h"

namespace clipret::back {
namespace {

using nlohmann::json;
using testing::IndexFixture;

// A server on a free port around a service, stopped and joined on destruction.
class RunningServer {
 public:
  RunningServer(const search::KnnService& service, ServerOptions options = {})
      : server_(service, metrics_, with_free_port(std::move(options))) {
    port_ = server_.bind();
    thread_ = std::thread([this] { server_.serve(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~RunningServer() {
    server_.stop();
    thread_.join();
  }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(60, 0);
    return c;
  }
  int port() const { return port_; }

 private:
  static ServerOptions with_free_port(ServerOptions o) {
    o.host = "127.0.0.1";
    o.port = 0;
    o.connection.threads = 8;
    return o;
  }
  BackMetrics metrics_;
  HttpServer server_;
  int port_ = 0;
  std::thread thread_;
};

class BackServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    flat_ = new IndexFixture(IndexFixture::build(*dir_, "flat"));
    ivf_ = new IndexFixture(flat_->with_indices(*dir_, "ivf", "IVF16,Flat", ""));
    ondisk_ = new IndexFixture(flat_->with_indices(*dir_, "ondisk", "Flat", ""));
    ondisk_->write_ondisk_image_index("IVF16,Flat");
    clip_ = new hub::LoadedClip(testing::load_tiny_clip(flat_->model_folder));
    const size_t dim = flat_->dim;

    // Aesthetic directions: rating k = unit vector along axis k.
    const std::string aesthetic = dir_->file("aesthetic");
    std::filesystem::create_directories(aesthetic);
    for (int k = 0; k < 10; ++k) {
      std::vector<float> v(dim, 0.0f);
      v[static_cast<size_t>(k)] = 1.0f;
      core::write_npy(aesthetic + "/rating" + std::to_string(k) + ".npy", core::NpyDtype::kFloat32,
                      {1, dim}, v.data());
    }
    // Violence prompts: prompt 1 is row 5's vector, prompt 0 its opposite.
    std::vector<float> prompts(2 * dim);
    for (size_t j = 0; j < dim; ++j) {
      prompts[dim + j] = flat_->image_vector(5)[j];
      prompts[j] = -flat_->image_vector(5)[j];
    }
    core::write_npy(dir_->file("violence.npy"), core::NpyDtype::kFloat32, {2, dim}, prompts.data());
    // Safety head: score = 10 * cos(v, row 7) - 5 > 0.5 drops rows close to row 7.
    std::vector<float> weight(flat_->image_vector(7), flat_->image_vector(7) + dim);
    for (float& w : weight) w *= 10;
    model::write_safetensors(
        dir_->file("safety.safetensors"),
        {model::SafetensorsTensorData{"layers.0.weight", {1, static_cast<int64_t>(dim)}, weight},
         model::SafetensorsTensorData{"layers.0.bias", {1}, {-5.0f}}});

    std::vector<search::IndexOptions> indices(5);
    indices[0].name = "flat";
    indices[0].indice_folder = flat_->folder;
    indices[0].provide_aesthetic_embeddings = true;
    indices[0].aesthetic_embeddings_folder = aesthetic;
    indices[0].provide_violence_detector = true;
    indices[0].violence_detector_path = dir_->file("violence.npy");
    indices[0].provide_safety_model = true;
    indices[0].safety_model_path = dir_->file("safety.safetensors");
    indices[1].name = "ivf";
    indices[1].indice_folder = ivf_->folder;
    indices[1].enable_faiss_memory_mapping = true;
    indices[2].name = "flat_on_disk";
    indices[2].indice_folder = flat_->folder;
    indices[2].enable_hdf5 = true;
    indices[3].name = "reordered";
    indices[3].indice_folder = ivf_->folder;
    indices[3].enable_hdf5 = true;
    indices[3].reorder_metadata_by_ivf_index = true;
    indices[4].name = "ondisk";
    indices[4].indice_folder = ondisk_->folder;
    indices[4].enable_faiss_memory_mapping = true;
    for (auto& index : indices) index.clip_model = flat_->model_folder;
    search::ServiceEnvironment environment;
    environment.hub.offline = true;
    environment.hub.show_progress = false;
    environment.hub.cache_dir = dir_->file("cache");
    environment.fetch.allow_private_addresses = true;
    service_ = search::load_knn_service(indices, environment).release();
    environment.fetch.allow_private_addresses = false;
    strict_service_ = search::load_knn_service({indices[0]}, environment).release();
    server_ = new RunningServer(*service_);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete strict_service_;
    delete service_;
    delete clip_;
    delete ondisk_;
    delete ivf_;
    delete flat_;
    delete dir_;
  }

  static httplib::Result post(const std::string& path, const json& body) {
    httplib::Client c = server_->client();
    return c.Post(path.c_str(), body.dump(), "application/json");
  }
  static json post_ok(const std::string& path, const json& body) {
    httplib::Result r = post(path, body);
    EXPECT_TRUE(r);
    if (!r) return json();
    EXPECT_EQ(r->status, 200) << r->body;
    return json::parse(r->body);
  }
  static nlohmann::ordered_json post_ordered(const std::string& path, const json& body) {
    httplib::Result r = post(path, body);
    EXPECT_TRUE(r);
    if (!r) return nlohmann::ordered_json();
    EXPECT_EQ(r->status, 200) << r->body;
    return nlohmann::ordered_json::parse(r->body);
  }
  static std::vector<float> text_vector(const std::string& text) {
    return testing::embed_text(*clip_, text);
  }
  static std::vector<float> row_vector(size_t r) {
    return std::vector<float>(flat_->image_vector(r), flat_->image_vector(r) + flat_->dim);
  }
  static json vector_json(const std::vector<float>& v) { return json(v); }

  static testing::TempDir* dir_;
  static IndexFixture* flat_;
  static IndexFixture* ivf_;
  static IndexFixture* ondisk_;
  static hub::LoadedClip* clip_;
  static search::KnnService* service_;
  static search::KnnService* strict_service_;
  static RunningServer* server_;
};
testing::TempDir* BackServerTest::dir_ = nullptr;
IndexFixture* BackServerTest::flat_ = nullptr;
IndexFixture* BackServerTest::ivf_ = nullptr;
IndexFixture* BackServerTest::ondisk_ = nullptr;
hub::LoadedClip* BackServerTest::clip_ = nullptr;
search::KnnService* BackServerTest::service_ = nullptr;
search::KnnService* BackServerTest::strict_service_ = nullptr;
RunningServer* BackServerTest::server_ = nullptr;

TEST_F(BackServerTest, IndicesListHealthAndConfig) {
  httplib::Client c = server_->client();
  auto r = c.Get("/indices-list");
  ASSERT_TRUE(r);
  EXPECT_EQ(json::parse(r->body), json({"flat", "ivf", "flat_on_disk", "reordered", "ondisk"}));
  EXPECT_EQ(r->get_header_value_count("Access-Control-Allow-Origin"), 1u);
  EXPECT_EQ(r->get_header_value("Access-Control-Allow-Origin"), "*");
  r = c.Get("/health");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "ok");
  r = c.Get("/config.json");
  ASSERT_TRUE(r);
  const json config = json::parse(r->body);
  EXPECT_EQ(config["defaultBackend"], "http://127.0.0.1:" + std::to_string(server_->port()) + "/");
  EXPECT_EQ(config["defaultIndex"], "");
  EXPECT_EQ(config["urlColumn"], "url");
}

TEST_F(BackServerTest, TextQueryMatchesExactSearchWithMetadata) {
  const nlohmann::ordered_json results =
      post_ordered("/knn-service", {{"text", "a picture of a cat"},
                                    {"modality", "image"},
                                    {"num_images", 4},
                                    {"num_result_ids", 12},
                                    {"indice_name", "flat"}});
  const auto truth = IndexFixture::exact_top_k(flat_->image_vectors, flat_->rows, flat_->dim,
                                               text_vector("a picture of a cat"), 12);
  ASSERT_EQ(results.size(), 12u);
  for (size_t i = 0; i < results.size(); ++i) {
    const nlohmann::ordered_json& r = results[i];
    EXPECT_EQ(r["id"], truth[i].first) << i;
    EXPECT_NEAR(r["similarity"].get<double>(), truth[i].second, 1e-5);
    const auto row = static_cast<size_t>(truth[i].first);
    if (i < 4) {
      // columns_to_return default (url, image_path, caption, NSFW) ∩ present, in file order.
      std::vector<std::string> keys;  // in the order sent
      for (const auto& item : r.items()) keys.push_back(item.key());
      std::vector<std::string> expected = {"image_path", "caption", "url", "NSFW"};
      const bool has_image = std::filesystem::exists(flat_->image_paths[row]);
      if (has_image) expected.push_back("image");
      expected.push_back("id");
      expected.push_back("similarity");
      EXPECT_EQ(keys, expected) << r.dump().substr(0, 300);
      EXPECT_EQ(r["url"], flat_->urls[row]);
      EXPECT_EQ(r["image_path"], flat_->image_paths[row]);
      if (row == 12) {
        EXPECT_TRUE(r["caption"].is_null());
      } else {
        EXPECT_EQ(r["caption"], flat_->captions[row]);
      }
      if (has_image) {
        EXPECT_EQ(search::base64_decode(r["image"].get<std::string>()),
                  testing::read_file(flat_->image_paths[row]));
      }
    } else {
      EXPECT_EQ(r.size(), 2u) << r.dump();  // id and similarity only
    }
  }
}

TEST_F(BackServerTest, TextModalitySearchesTheTextIndex) {
  const json results = post_ok("/knn-service", {{"text", "a picture of thing number 42"},
                                                {"modality", "text"},
                                                {"num_images", 1},
                                                {"indice_name", "flat"}});
  const auto truth = IndexFixture::exact_top_k(flat_->text_vectors, flat_->rows, flat_->dim,
                                               text_vector("a picture of thing number 42"), 1);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0]["id"], 42);
  EXPECT_EQ(truth[0].first, 42);
}

TEST_F(BackServerTest, ImageQueriesBase64AndUrl) {
  const std::string bytes = testing::read_file(flat_->images[6]);
  json body = {{"image", search::base64_encode(bytes)},
               {"modality", "image"},
               {"num_images", 2},
               {"indice_name", "flat"}};
  const json by_bytes = post_ok("/knn-service", body);
  ASSERT_FALSE(by_bytes.empty());
  EXPECT_EQ(by_bytes[0]["id"], 6);
  EXPECT_NEAR(by_bytes[0]["similarity"].get<double>(), 1.0, 1e-4);

  // image_url from a local server (allowed on this service), same answer.
  httplib::Server images;
  images.Get("/img.jpg", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(bytes, "image/jpeg");
  });
  const int port = images.bind_to_any_port("127.0.0.1");
  std::thread thread([&] { images.listen_after_bind(); });
  while (!images.is_running()) std::this_thread::yield();
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/img.jpg";
  json by_url_body = body;
  by_url_body.erase("image");
  by_url_body["image_url"] = url;
  EXPECT_EQ(post_ok("/knn-service", by_url_body), by_bytes);

  // The same request to a server that refuses private addresses: 400, not a fetch.
  {
    RunningServer strict(*strict_service_);
    httplib::Client c = strict.client();
    auto r = c.Post("/knn-service", by_url_body.dump(), "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
    EXPECT_NE(json::parse(r->body)["error"].get<std::string>().find("private"), std::string::npos);
  }
  images.stop();
  thread.join();
}

TEST_F(BackServerTest, PrecedenceTextImageUrlEmbedding) {
  const std::string image = search::base64_encode(testing::read_file(flat_->images[2]));
  const json base = {{"modality", "image"}, {"num_images", 3}, {"indice_name", "flat"}};
  json text_only = base;
  text_only["text"] = "a red square";
  json everything = text_only;
  everything["image"] = image;
  everything["image_url"] = "http://invalid.invalid/x.jpg";
  everything["embedding_input"] = vector_json(row_vector(100));
  EXPECT_EQ(post_ok("/knn-service", everything), post_ok("/knn-service", text_only));
  // Empty text falls through to the image.
  everything["text"] = "";
  json image_only = base;
  image_only["image"] = image;
  EXPECT_EQ(post_ok("/knn-service", everything), post_ok("/knn-service", image_only));
  // Then embedding_input, used as given.
  json embedding = base;
  embedding["text"] = "";
  embedding["embedding_input"] = vector_json(row_vector(100));
  const json results = post_ok("/knn-service", embedding);
  EXPECT_EQ(results[0]["id"], 100);
}

// query_terms (new): the weighted sum of the terms' vectors, normalised, searched exactly. The
// truth is computed here from the model's own text embedding and the stored vectors.
TEST_F(BackServerTest, QueryTermsSearchTheNormalisedWeightedSum) {
  const std::vector<float> cat = text_vector("a picture of a cat");
  const std::vector<float> image6 = row_vector(6);  // the embedding of images[6]
  const std::vector<float> row20 = row_vector(20);
  std::vector<float> expected(flat_->dim);
  double norm = 0;
  for (size_t j = 0; j < expected.size(); ++j) {
    expected[j] = cat[j] - 0.5f * image6[j] + 2.0f * row20[j];
    norm += static_cast<double>(expected[j]) * expected[j];
  }
  for (float& x : expected) x = static_cast<float>(x / std::sqrt(norm));
  const json body = {
      {"query_terms",
       {{{"text", "a picture of a cat"}, {"weight", 1}},
        {{"image", search::base64_encode(testing::read_file(flat_->images[6]))}, {"weight", -0.5}},
        {{"embedding_input", vector_json(row20)}, {"weight", 2}}}},
      {"modality", "image"},
      {"num_images", 2},
      {"num_result_ids", 10},
      {"indice_name", "flat"}};
  const json results = post_ok("/knn-service", body);
  const auto truth =
      IndexFixture::exact_top_k(flat_->image_vectors, flat_->rows, flat_->dim, expected, 10);
  ASSERT_EQ(results.size(), truth.size());
  for (size_t i = 0; i < truth.size(); ++i) {
    EXPECT_EQ(results[i]["id"], truth[i].first) << i;
    EXPECT_NEAR(results[i]["similarity"].get<double>(), truth[i].second, 1e-4) << i;
  }
  EXPECT_TRUE(results[0].contains("url"));  // metadata as for any query

  // One text term of any positive weight is the text query itself (normalised either way).
  const json single =
      post_ok("/knn-service", {{"query_terms", {{{"text", "a red square"}, {"weight", 3}}}},
                               {"modality", "image"},
                               {"num_images", 3},
                               {"indice_name", "flat"}});
  const json plain = post_ok("/knn-service", {{"text", "a red square"},
                                              {"modality", "image"},
                                              {"num_images", 3},
                                              {"indice_name", "flat"}});
  ASSERT_EQ(single.size(), plain.size());
  for (size_t i = 0; i < plain.size(); ++i) {
    EXPECT_EQ(single[i]["id"], plain[i]["id"]);
    EXPECT_NEAR(single[i]["similarity"].get<double>(), plain[i]["similarity"].get<double>(), 1e-5);
  }
}

TEST_F(BackServerTest, MalformedQueryTermsAre400NamingTheTerm) {
  const auto expect_400 = [](const json& terms, const std::string& fragment,
                             const json& extra = json::object()) {
    json body = {{"query_terms", terms}, {"modality", "image"}, {"num_images", 1}};
    body.update(extra);
    httplib::Result r = post("/knn-service", body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << r->body;
    EXPECT_NE(json::parse(r->body)["error"].get<std::string>().find(fragment), std::string::npos)
        << r->body;
  };
  expect_400(json::array(), "non-empty");
  expect_400("a dog", "non-empty");
  expect_400({{{"text", "a"}, {"image_url", "http://x/y.jpg"}}},
             "query_terms[0] must hold exactly one");
  expect_400({{{"text", "a"}}, {{"weight", 2}}}, "query_terms[1] must hold exactly one");
  expect_400({{{"text", "a"}}, {{"txt", "b"}}}, "query_terms[1].txt: unknown key");
  expect_400({{{"text", "a"}, {"weight", "2"}}}, "query_terms[0].weight must be a number");
  expect_400({{{"text", ""}}}, "query_terms[0].text must be a non-empty string");
  expect_400({{{"text", "a"}}, {{"image", search::base64_encode("not an image")}}},
             "query_terms[1]: the image cannot be decoded");
  expect_400({{{"embedding_input", json::array()}}}, "query_terms[0].embedding_input");
  expect_400({{{"text", "a"}}}, "give either query_terms or one of them", {{"text", "b"}});
  expect_400({{{"text", "same"}, {"weight", 1}}, {{"text", "same"}, {"weight", -1}}}, "cancel out");
  expect_400({{{"text", "a"}}, {{"embedding_input", {1.0, 2.0}}}}, "query_terms[1] has 2 values");
  json many = json::array();
  for (int i = 0; i < 17; ++i) many.push_back({{"text", "t" + std::to_string(i)}});
  expect_400(many, "at most 16");
}

// /indices-info (new) describes what each index serves, from the fixture's known facts.
TEST_F(BackServerTest, IndicesInfoDescribesEachIndex) {
  httplib::Client c = server_->client();
  auto r = c.Get("/indices-info");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value_count("Access-Control-Allow-Origin"), 1u);
  const json info = json::parse(r->body);
  ASSERT_EQ(info.size(), 5u);
  const auto rows = static_cast<int64_t>(flat_->rows);
  const json flat = info[0];
  EXPECT_EQ(flat["name"], "flat");
  EXPECT_EQ(flat["modalities"], json({"image", "text"}));
  EXPECT_EQ(flat["vectors"], json({{"image", rows}, {"text", rows}}));
  EXPECT_EQ(flat["dimension"], flat_->dim);
  // A model folder is named by its last component only (no server paths in answers).
  EXPECT_EQ(flat["clip_model"],
            std::filesystem::path(flat_->model_folder).lexically_normal().filename().string());
  EXPECT_EQ(flat["metadata_columns"], json({"image_path", "caption", "url", "NSFW"}));
  EXPECT_EQ(flat["metadata_rows"], rows);
  EXPECT_EQ(flat["filters"], json({{"use_safety_model", true},
                                   {"use_violence_detector", true},
                                   {"aesthetic", true},
                                   {"use_mclip", false}}));
  const json ivf = info[1];  // built without a text index
  EXPECT_EQ(ivf["name"], "ivf");
  EXPECT_EQ(ivf["modalities"], json({"image"}));
  EXPECT_EQ(ivf["vectors"], json({{"image", rows}}));
  EXPECT_EQ(ivf["filters"], json({{"use_safety_model", false},
                                  {"use_violence_detector", false},
                                  {"aesthetic", false},
                                  {"use_mclip", false}}));
  std::vector<std::string> names;
  for (const json& index : info) names.push_back(index["name"]);
  EXPECT_EQ(json(names), json::parse(c.Get("/indices-list")->body));
}

TEST_F(BackServerTest, DeduplicateDropsTheNearCopy) {
  const size_t copy = flat_->rows - 1;  // a near-copy of row 0
  json body = {{"embedding_input", vector_json(row_vector(0))},
               {"modality", "image"},
               {"num_images", 0},
               {"num_result_ids", 5},
               {"indice_name", "flat"}};
  const json plain = post_ok("/knn-service", body);
  ASSERT_EQ(plain.size(), 5u);
  EXPECT_EQ(plain[0]["id"], 0);
  EXPECT_EQ(plain[1]["id"], copy);
  body["deduplicate"] = true;
  const json deduped = post_ok("/knn-service", body);
  for (const json& r : deduped) EXPECT_NE(r["id"], copy);
  EXPECT_EQ(deduped[0]["id"], 0);
  // Independent truth: components of the similarity > 0.94 graph over the returned vectors,
  // first (best-ranked) member kept. (The tiny model embeds the fixture images close together.)
  const size_t n = plain.size();
  std::vector<size_t> parent(n);
  for (size_t i = 0; i < n; ++i) parent[i] = i;
  std::function<size_t(size_t)> find = [&](size_t x) {
    return parent[x] == x ? x : parent[x] = find(parent[x]);
  };
  for (size_t a = 0; a < n; ++a) {
    for (size_t b = a + 1; b < n; ++b) {
      const float* va = flat_->image_vector(plain[a]["id"].get<size_t>());
      const float* vb = flat_->image_vector(plain[b]["id"].get<size_t>());
      double s = 0;
      for (size_t j = 0; j < flat_->dim; ++j) s += double(va[j]) * vb[j];
      if (s > 0.94) parent[find(a)] = find(b);
    }
  }
  std::vector<int64_t> expected;
  std::set<size_t> roots;
  for (size_t i = 0; i < n; ++i) {
    if (roots.insert(find(i)).second) expected.push_back(plain[i]["id"]);
  }
  std::vector<int64_t> got;
  for (const json& r : deduped) got.push_back(r["id"]);
  EXPECT_EQ(got, expected);
}

TEST_F(BackServerTest, AestheticMixingMovesTheQuery) {
  std::vector<float> q = text_vector("a landscape");
  json body = {{"text", "a landscape"},  {"modality", "image"},   {"num_images", 0},
               {"num_result_ids", 10},   {"indice_name", "flat"}, {"aesthetic_score", 3},
               {"aesthetic_weight", 0.7}};
  q[3] += 0.7f;  // rating3 is the unit vector along axis 3
  testing::normalize(q.data(), q.size());
  const auto truth =
      IndexFixture::exact_top_k(flat_->image_vectors, flat_->rows, flat_->dim, q, 10);
  const json results = post_ok("/knn-service", body);
  ASSERT_EQ(results.size(), 10u);
  for (size_t i = 0; i < 10; ++i) EXPECT_EQ(results[i]["id"], truth[i].first) << i;
  // A score without a weight is the client's mistake.
  body.erase("aesthetic_weight");
  EXPECT_EQ(post("/knn-service", body)->status, 400);
}

TEST_F(BackServerTest, ViolenceAndSafetyFiltersDropWhatTheirModelsSay) {
  json body = {{"embedding_input", vector_json(row_vector(5))},
               {"modality", "image"},
               {"num_images", 0},
               {"num_result_ids", 40},
               {"indice_name", "flat"}};
  const json plain = post_ok("/knn-service", body);
  const auto dot = [&](size_t a, const float* b) {
    double s = 0;
    for (size_t j = 0; j < flat_->dim; ++j) s += double(flat_->image_vector(a)[j]) * b[j];
    return s;
  };
  // Violence: prompt 1 = row 5, prompt 0 = -row 5: violent when dot(v, row 5) > 0.
  std::vector<int64_t> expected;
  for (const json& r : plain) {
    if (dot(r["id"].get<size_t>(), flat_->image_vector(5)) <= 0) expected.push_back(r["id"]);
  }
  body["use_violence_detector"] = true;
  std::vector<int64_t> got;
  for (const json& r : post_ok("/knn-service", body)) got.push_back(r["id"]);
  EXPECT_EQ(got, expected);
  EXPECT_LT(got.size(), plain.size());

  // Safety: 10 cos(v, row 7) - 5 > 0.5 drops.
  body["use_violence_detector"] = false;
  body["embedding_input"] = vector_json(row_vector(7));
  const json near7 = post_ok("/knn-service", body);
  expected.clear();
  for (const json& r : near7) {
    if (10 * dot(r["id"].get<size_t>(), flat_->image_vector(7)) - 5 <= 0.5) {
      expected.push_back(r["id"]);
    }
  }
  body["use_safety_model"] = true;
  got.clear();
  for (const json& r : post_ok("/knn-service", body)) got.push_back(r["id"]);
  EXPECT_EQ(got, expected);
  EXPECT_LT(got.size(), near7.size());
}

TEST_F(BackServerTest, ReturnEmbeddingsGivesTheStoredVectors) {
  const json results = post_ok("/knn-service", {{"text", "anything"},
                                                {"modality", "image"},
                                                {"num_images", 1},
                                                {"num_result_ids", 3},
                                                {"indice_name", "flat"},
                                                {"return_embeddings", true}});
  ASSERT_EQ(results.size(), 3u);
  for (const json& r : results) {
    const auto row = r["id"].get<size_t>();
    const std::vector<float> e = r["embedding"].get<std::vector<float>>();
    ASSERT_EQ(e.size(), flat_->dim);
    for (size_t j = 0; j < e.size(); ++j) EXPECT_NEAR(e[j], flat_->image_vector(row)[j], 1e-5);
  }
  const json without = post_ok(
      "/knn-service",
      {{"text", "anything"}, {"modality", "image"}, {"num_images", 1}, {"indice_name", "flat"}});
  EXPECT_FALSE(without[0].contains("embedding"));
}

TEST_F(BackServerTest, IvfMemoryMappedIndexAndDefaultIndex) {
  const json results = post_ok("/knn-service", {{"embedding_input", vector_json(row_vector(42))},
                                                {"modality", "image"},
                                                {"num_images", 1},
                                                {"indice_name", "ivf"}});
  ASSERT_FALSE(results.empty());
  EXPECT_EQ(results[0]["id"], 42);
  EXPECT_EQ(results[0]["url"], ivf_->urls[42]);
  // indice_name null → the first index.
  const json first = post_ok("/knn-service", {{"embedding_input", vector_json(row_vector(9))},
                                              {"modality", "image"},
                                              {"num_images", 1},
                                              {"indice_name", nullptr}});
  EXPECT_EQ(first[0]["id"], 9);
}

TEST_F(BackServerTest, ReorderedMetadataFollowsTheIdMapping) {
  // Ids change (positions in the IVF lists) but each result's metadata is still its own row's.
  for (const size_t row : {0u, 42u, 150u, 299u}) {
    const json results = post_ok("/knn-service", {{"embedding_input", vector_json(row_vector(row))},
                                                  {"modality", "image"},
                                                  {"num_images", 1},
                                                  {"indice_name", "reordered"}});
    ASSERT_FALSE(results.empty());
    EXPECT_EQ(results[0]["url"], ivf_->urls[row]);
    EXPECT_NEAR(results[0]["similarity"].get<double>(), 1.0, 1e-4);
    const json by_id =
        post_ok("/metadata", {{"ids", {results[0]["id"]}}, {"indice_name", "reordered"}});
    EXPECT_EQ(by_id[0]["metadata"]["url"], ivf_->urls[row]);
  }
}

TEST_F(BackServerTest, OnDiskInvertedListsFolder) {
  const json results = post_ok("/knn-service", {{"embedding_input", vector_json(row_vector(77))},
                                                {"modality", "image"},
                                                {"num_images", 1},
                                                {"num_result_ids", 3},
                                                {"indice_name", "ondisk"},
                                                {"return_embeddings", true}});
  ASSERT_FALSE(results.empty());
  EXPECT_EQ(results[0]["id"], 77);
  EXPECT_EQ(results[0]["url"], ondisk_->urls[77]);
  const std::vector<float> e = results[0]["embedding"].get<std::vector<float>>();
  for (size_t j = 0; j < e.size(); ++j) EXPECT_NEAR(e[j], flat_->image_vector(77)[j], 1e-5);
}

TEST_F(BackServerTest, OnDiskMetadataAnswersLikeInMemory) {
  json body = {{"text", "a picture of thing number 7"},
               {"modality", "text"},
               {"num_images", 20},
               {"num_result_ids", 30},
               {"indice_name", "flat"}};
  const json memory = post_ok("/knn-service", body);
  body["indice_name"] = "flat_on_disk";
  EXPECT_EQ(post_ok("/knn-service", body), memory);
  const json ids = {{"ids", {3, 0, 200, 12, 310}}, {"indice_name", "flat"}};
  json disk_ids = ids;
  disk_ids["indice_name"] = "flat_on_disk";
  EXPECT_EQ(post_ok("/metadata", disk_ids), post_ok("/metadata", ids));
}

TEST_F(BackServerTest, MetadataEndpoint) {
  const json answer = post_ok("/metadata", {{"ids", {200, 99999, 3, -1}}, {"indice_name", "flat"}});
  ASSERT_EQ(answer.size(), 4u);
  EXPECT_EQ(answer[0]["id"], 200);
  EXPECT_EQ(answer[0]["metadata"]["url"], flat_->urls[200]);
  EXPECT_EQ(answer[0]["metadata"]["caption"], flat_->captions[200]);
  EXPECT_FALSE(answer[0]["metadata"].contains("width"));
  EXPECT_FALSE(answer[0]["metadata"].contains("image"));  // its image_path does not exist
  EXPECT_EQ(answer[1]["id"], 99999);
  EXPECT_EQ(answer[1]["metadata"], json::object());
  EXPECT_EQ(answer[2]["id"], 3);
  EXPECT_EQ(search::base64_decode(answer[2]["metadata"]["image"].get<std::string>()),
            testing::read_file(flat_->images[3]));
  EXPECT_EQ(answer[3]["metadata"], json::object());
  // Every returned column as the fixture wrote it, in the file's order.
  for (const size_t i : {0, 2}) {
    const auto row = static_cast<size_t>(answer[i]["id"].get<int64_t>());
    EXPECT_EQ(answer[i]["metadata"]["image_path"], flat_->image_paths[row]);
    EXPECT_EQ(answer[i]["metadata"]["NSFW"], "UNLIKELY");
  }
  // Over 4096 ids the answer is streamed (chunked): same rows.
  std::vector<int64_t> many;
  for (int64_t i = 0; i < 6000; ++i) many.push_back((i * 7919) % 400);  // some past the table
  const json streamed = post_ok("/metadata", {{"ids", many}, {"indice_name", "flat"}});
  ASSERT_EQ(streamed.size(), many.size());
  for (size_t i = 0; i < many.size(); i += 37) {
    const auto id = static_cast<size_t>(many[i]);
    EXPECT_EQ(streamed[i]["id"], many[i]);
    if (id < flat_->rows) {
      EXPECT_EQ(streamed[i]["metadata"]["url"], flat_->urls[id]);
    } else {
      EXPECT_EQ(streamed[i]["metadata"], json::object());
    }
  }
  EXPECT_EQ(post_ok("/metadata", {{"ids", json::array()}, {"indice_name", "flat"}}), json::array());
}

TEST_F(BackServerTest, ClientMistakesAre4xxWithAnError) {
  const auto expect_error = [](httplib::Result r, int status, const std::string& fragment) {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, status) << r->body;
    const json body = json::parse(r->body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << r->body;
    EXPECT_NE(body["error"].get<std::string>().find(fragment), std::string::npos) << r->body;
    // Exactly one CORS header: "*, *" makes browsers reject the answer, error body and all.
    EXPECT_EQ(r->get_header_value_count("Access-Control-Allow-Origin"), 1u);
    EXPECT_EQ(r->get_header_value("Access-Control-Allow-Origin"), "*");
  };
  httplib::Client c = server_->client();
  expect_error(c.Post("/knn-service", "{oops", "application/json"), 400, "JSON");
  expect_error(post("/knn-service", {{"num_images", 1}}), 400, "modality");
  expect_error(post("/knn-service", {{"modality", "image"}, {"num_images", "3"}}), 400,
               "num_images");
  expect_error(post("/knn-service", {{"modality", "image"}, {"num_images", 3}}), 400,
               "must fill one of text, image and image url input");
  expect_error(
      post("/knn-service",
           {{"text", "x"}, {"modality", "image"}, {"num_images", 1}, {"indice_name", "nope"}}),
      404, "nope");
  expect_error(
      post("/knn-service",
           {{"text", "x"}, {"modality", "text"}, {"num_images", 1}, {"indice_name", "ivf"}}),
      400, "text.index");
  expect_error(post("/knn-service", {{"image", search::base64_encode("not an image")},
                                     {"modality", "image"},
                                     {"num_images", 1}}),
               400, "image");
  expect_error(post("/knn-service",
                    {{"embedding_input", {1.0, 2.0}}, {"modality", "image"}, {"num_images", 1}}),
               400, "values");
  expect_error(post("/knn-service",
                    {{"text", "x"}, {"use_mclip", true}, {"modality", "image"}, {"num_images", 1}}),
               400, "mclip");
  expect_error(
      post("/knn-service",
           {{"image_url", "file:///etc/passwd"}, {"modality", "image"}, {"num_images", 1}}),
      400, "http");
  expect_error(post("/metadata", {{"ids", "1"}}), 400, "ids");
  // Nested a million deep (no recursion to overflow the stack), and text that is not UTF-8.
  const std::string deep = std::string(1000000, '[') + std::string(1000000, ']');
  expect_error(c.Post("/knn-service", deep, "application/json"), 400, "");
  expect_error(c.Post("/metadata", deep, "application/json"), 400, "");
  const std::string deep_field = R"({"modality": "image", "num_images": 1, "text": )" + deep + "}";
  expect_error(c.Post("/knn-service", deep_field, "application/json"), 400, "text");
  expect_error(c.Post("/knn-service",
                      std::string(R"({"text": "caf)") + "\xe9\xff" +
                          R"(", "modality": "image", "num_images": 1})",
                      "application/json"),
               400, "JSON");
  expect_error(c.Get("/no-such-page"), 404, "not found");
  // Oversized body.
  ServerOptions small;
  small.max_body_bytes = 1000;
  RunningServer limited(*service_, small);
  httplib::Client lc = limited.client();
  json big = {{"text", std::string(5000, 'a')}, {"modality", "image"}, {"num_images", 1}};
  expect_error(lc.Post("/knn-service", big.dump(), "application/json"), 413, "too large");
}

TEST_F(BackServerTest, CorsPreflight) {
  httplib::Client c = server_->client();
  httplib::Headers headers = {{"Origin", "http://elsewhere"},
                              {"Access-Control-Request-Method", "POST"},
                              {"Access-Control-Request-Headers", "content-type"}};
  auto r = c.Options("/knn-service", headers);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Access-Control-Allow-Origin"), "*");
  EXPECT_NE(r->get_header_value("Access-Control-Allow-Methods").find("POST"), std::string::npos);
  EXPECT_EQ(r->get_header_value("Access-Control-Allow-Headers"), "content-type");
}

TEST_F(BackServerTest, MetricsCountRequestsAndSteps) {
  RunningServer fresh(*service_);
  httplib::Client c = fresh.client();
  EXPECT_EQ(c.Get("/metrics-summary")->body, "No request yet, go do some");
  const json text = {
      {"text", "x"}, {"modality", "image"}, {"num_images", 2}, {"deduplicate", true}};
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(c.Post("/knn-service", text.dump(), "application/json")->status, 200);
  }
  const json image = {{"image", search::base64_encode(testing::read_file(flat_->images[0]))},
                      {"modality", "image"},
                      {"num_images", 1}};
  ASSERT_EQ(c.Post("/knn-service", image.dump(), "application/json")->status, 200);
  auto r = c.Get("/metrics");
  ASSERT_TRUE(r);
  const std::string& m = r->body;
  EXPECT_NE(r->get_header_value("Content-Type").find("text/plain"), std::string::npos);
  EXPECT_NE(m.find("full_knn_request_time_count 4.0\n"), std::string::npos) << m;
  EXPECT_NE(m.find("full_knn_request_time_bucket{le=\"+Inf\"} 4.0\n"), std::string::npos);
  EXPECT_NE(m.find("text_clip_inference_time_count 3.0\n"), std::string::npos);
  EXPECT_NE(m.find("text_prepro_time_count 3.0\n"), std::string::npos);
  EXPECT_NE(m.find("image_clip_inference_time_count 1.0\n"), std::string::npos);
  EXPECT_NE(m.find("image_prepro_time_count 1.0\n"), std::string::npos);
  EXPECT_NE(m.find("knn_index_time_count 4.0\n"), std::string::npos);
  EXPECT_NE(m.find("dedup_time_count 3.0\n"), std::string::npos);
  EXPECT_NE(m.find("metadata_get_time_count 4.0\n"), std::string::npos);
  EXPECT_NE(m.find("download_time_count 0.0\n"), std::string::npos);
  EXPECT_NE(m.find("# TYPE full_knn_request_time_created gauge\n"), std::string::npos);
  const std::string summary = c.Get("/metrics-summary")->body;
  EXPECT_EQ(summary.rfind("Among 4 calls to the knn end point with an average latency of ", 0), 0u)
      << summary;
  EXPECT_NE(summary.find("text_clip_inference_time"), std::string::npos);
}

TEST_F(BackServerTest, FrontFolderOrAClearPage) {
  httplib::Client c = server_->client();
  auto r = c.Get("/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("No web front was found"), std::string::npos);
  EXPECT_NE(r->body.find("--front_folder"), std::string::npos);
  const std::string front = dir_->file("front");
  testing::write_file(front + "/index.html", "<html>the front</html>");
  testing::write_file(front + "/assets/app.js", "console.log(1)");
  ServerOptions options;
  options.front_folder = front;
  RunningServer with_front(*service_, options);
  httplib::Client fc = with_front.client();
  EXPECT_EQ(fc.Get("/")->body, "<html>the front</html>");
  EXPECT_EQ(fc.Get("/assets/app.js")->body, "console.log(1)");
  // Vite's hashed assets never change under one name; the page itself is revalidated.
  EXPECT_EQ(fc.Get("/assets/app.js")->get_header_value("Cache-Control"),
            "public, max-age=31536000, immutable");
  EXPECT_EQ(fc.Get("/")->get_header_value("Cache-Control"), "no-cache");
  EXPECT_EQ(fc.Get("/assets/missing.js")->status, 404);
  EXPECT_EQ(fc.Get("/../../etc/passwd")->status, 404);
  EXPECT_EQ(fc.Get("/indices-list")->status, 200);
}

// Nothing outside the front folder is served: ".." plain or %-encoded, and symlinks whose target
// is outside (a link inside the folder to a file inside it is served).
TEST_F(BackServerTest, StaticFilesStayInsideTheFrontFolder) {
  const std::string front = dir_->file("front_escapes");
  testing::write_file(front + "/index.html", "<html>front</html>");
  testing::write_file(front + "/assets/app.js", "console.log(1)");
  testing::write_file(dir_->file("secret.txt"), "secret");
  std::filesystem::create_symlink(dir_->file("secret.txt"), front + "/leak.txt");
  std::filesystem::create_directory_symlink(dir_->path(), front + "/outside");
  std::filesystem::create_symlink("assets/app.js", front + "/alias.js");
  ServerOptions options;
  options.front_folder = front;
  RunningServer with_front(*service_, options);
  httplib::Client fc = with_front.client();
  for (const char* path :
       {"/leak.txt", "/outside/secret.txt", "/assets/../leak.txt", "/../secret.txt",
        "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/assets/..%2f..%2fsecret.txt"}) {
    auto r = fc.Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 404) << path << ": " << r->body;
    EXPECT_NE(r->body, "secret") << path;
  }
  auto alias = fc.Get("/alias.js");
  ASSERT_TRUE(alias);
  EXPECT_EQ(alias->status, 200);
  EXPECT_EQ(alias->body, "console.log(1)");
}

// cpp-httplib would answer Brotli at quality 11 to every browser (hundreds of ms for 3,000
// results): the back declines it, answering gzip, or identity when only br is offered.
TEST_F(BackServerTest, BrowsersGetGzipNotSlowBrotli) {
  httplib::Client c = server_->client();
  c.set_decompress(false);
  const std::string body =
      R"({"text": "a cat", "modality": "image", "num_images": 40, "indice_name": "flat"})";
  auto gzip =
      c.Post("/knn-service", {{"Accept-Encoding", "gzip, deflate, br"}}, body, "application/json");
  ASSERT_TRUE(gzip);
  EXPECT_EQ(gzip->status, 200);
  EXPECT_EQ(gzip->get_header_value("Content-Encoding"), "gzip");
  ASSERT_GE(gzip->body.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(gzip->body[0]), 0x1f);  // gzip's magic number
  EXPECT_EQ(static_cast<unsigned char>(gzip->body[1]), 0x8b);
  auto identity = c.Post("/knn-service", {{"Accept-Encoding", "br"}}, body, "application/json");
  ASSERT_TRUE(identity);
  EXPECT_FALSE(identity->has_header("Content-Encoding"));
  EXPECT_EQ(json::parse(identity->body).size(), 40u) << identity->body;
}

// A built front may ship its own config.json (the original's points at knn.laion.ai): the back's
// generated one wins, as in the original, where /config.json is registered before the files.
TEST_F(BackServerTest, GeneratedConfigWinsOverTheFrontsOwn) {
  const std::string front = dir_->file("front_with_config");
  testing::write_file(front + "/index.html", "<html>front</html>");
  testing::write_file(front + "/config.json",
                      R"({"defaultBackend": "https://knn.laion.ai/", "defaultIndex": "laion5B"})");
  ServerOptions options;
  options.front_folder = front;
  options.url_column = "URL";
  RunningServer with_front(*service_, options);
  httplib::Client c = with_front.client();
  for (const char* path : {"/config.json", "//config.json"}) {
    auto r = c.Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200) << path;
    const json config = json::parse(r->body);
    EXPECT_EQ(config["defaultBackend"],
              "http://127.0.0.1:" + std::to_string(with_front.port()) + "/")
        << path;
    EXPECT_EQ(config["urlColumn"], "URL") << path;
    EXPECT_EQ(r->get_header_value_count("Access-Control-Allow-Origin"), 1u);
  }
  EXPECT_EQ(c.Get("/index.html")->body, "<html>front</html>");
}

// The original front joins `backend + '/indices-list'` with a defaultBackend ending in '/'.
TEST_F(BackServerTest, RepeatedSlashesReachTheSameEndpoints) {
  httplib::Client c = server_->client();
  auto r = c.Get("//indices-list");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json::parse(r->body), json::parse(c.Get("/indices-list")->body));
  const json query = {
      {"text", "a cat"}, {"modality", "image"}, {"num_images", 3}, {"indice_name", "flat"}};
  r = c.Post("//knn-service", query.dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body), post_ok("/knn-service", query));
  r = c.Post("///metadata", json({{"ids", {1, 2}}, {"indice_name", "flat"}}).dump(),
             "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body).size(), 2u);
  EXPECT_EQ(c.Get("//health")->body, "ok");
  EXPECT_EQ(c.Get("//metrics")->status, 200);
  EXPECT_EQ(c.Get("//metrics-summary")->status, 200);
}

// The request of the original's tests/test_back.sh and test_end2end.py, as curl sends it.
TEST_F(BackServerTest, OriginalTestBackRequest) {
  httplib::Client c = server_->client();
  auto r = c.Post("/knn-service",
                  R"({"text": "cat", "modality": "image", "num_images": 10, )"
                  R"("indice_name": "flat"})",
                  "application/x-www-form-urlencoded");  // curl -d's default content type
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json results = json::parse(r->body);
  const auto truth =
      IndexFixture::exact_top_k(flat_->image_vectors, flat_->rows, flat_->dim, text_vector("cat"),
                                10);  // num_result_ids defaults to num_images
  ASSERT_EQ(results.size(), 10u);
  for (size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i]["id"], truth[i].first) << i;
    EXPECT_TRUE(results[i].contains("url")) << i;
  }
}

// ClipClient.query(text=...) sends every field, absent inputs as null and the aesthetic values as
// the front does (strings); num_result_ids = num_images.
TEST_F(BackServerTest, ClipClientShapedRequest) {
  const json body = {{"text", "a picture of a cat"},
                     {"image", nullptr},
                     {"image_url", nullptr},
                     {"embedding_input", nullptr},
                     {"deduplicate", true},
                     {"use_safety_model", true},
                     {"use_violence_detector", true},
                     {"indice_name", "flat"},
                     {"use_mclip", false},
                     {"aesthetic_score", "9"},
                     {"aesthetic_weight", "0.5"},
                     {"modality", "image"},
                     {"num_images", 5},
                     {"num_result_ids", 5}};
  const json results = post_ok("/knn-service", body);
  ASSERT_FALSE(results.empty());
  // Same as the numeric form of the aesthetic values.
  json numeric = body;
  numeric["aesthetic_score"] = 9;
  numeric["aesthetic_weight"] = 0.5;
  EXPECT_EQ(results, post_ok("/knn-service", numeric));
  for (const json& r : results) {
    for (const char* field : {"url", "caption", "id", "similarity"}) {
      EXPECT_TRUE(r.contains(field)) << field << " in " << r.dump().substr(0, 200);
    }
  }
}

TEST_F(BackServerTest, ConcurrentTextQueriesAllAnswerCorrectly) {
  const size_t n = 16;
  std::vector<json> answers(n);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      answers[i] = post_ok("/knn-service", {{"text", "query " + std::to_string(i)},
                                            {"modality", "image"},
                                            {"num_images", 1},
                                            {"num_result_ids", 3},
                                            {"indice_name", "flat"}});
    });
  }
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < n; ++i) {
    const auto truth = IndexFixture::exact_top_k(flat_->image_vectors, flat_->rows, flat_->dim,
                                                 text_vector("query " + std::to_string(i)), 3);
    ASSERT_EQ(answers[i].size(), 3u);
    for (size_t k = 0; k < 3; ++k) EXPECT_EQ(answers[i][k]["id"], truth[k].first) << i;
  }
}

}  // namespace
}  // namespace clipret::back
