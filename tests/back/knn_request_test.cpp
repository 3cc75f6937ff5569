#include "back/knn_request.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace clipret::back {
namespace {

std::string error_of(const std::string& body) {
  try {
    parse_knn_request(body);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
    return e.what();
  }
  return "";
}

TEST(ParseKnnRequest, DefaultsAsTheOriginal) {
  const search::KnnQuery q =
      parse_knn_request(R"({"text":"cat","modality":"image","num_images":10,"indice_name":"x"})");
  EXPECT_EQ(q.text, "cat");
  EXPECT_EQ(q.modality, search::Modality::kImage);
  EXPECT_EQ(q.num_images, 10);
  EXPECT_EQ(q.num_result_ids, 10);  // defaults to num_images
  EXPECT_EQ(q.indice_name, "x");
  EXPECT_FALSE(q.deduplicate);  // server-side default false
  EXPECT_FALSE(q.use_safety_model);
  EXPECT_FALSE(q.use_violence_detector);
  EXPECT_FALSE(q.use_mclip);
  EXPECT_FALSE(q.return_embeddings);
  EXPECT_FALSE(q.aesthetic_score.has_value());
  EXPECT_FALSE(q.image.has_value());
}

TEST(ParseKnnRequest, AllFields) {
  const search::KnnQuery q = parse_knn_request(
      R"({"text":null,"image":"Zm9v","image_url":"http://x/y.jpg","embedding_input":[1,2.5],
          "modality":"text","num_images":2,"num_result_ids":7,"indice_name":null,
          "deduplicate":true,"use_safety_model":true,"use_violence_detector":true,
          "aesthetic_score":"9","aesthetic_weight":"0.5","return_embeddings":true})");
  EXPECT_FALSE(q.text.has_value());
  EXPECT_EQ(q.image, "foo");  // base64-decoded
  EXPECT_EQ(q.image_url, "http://x/y.jpg");
  EXPECT_EQ(q.embedding_input, (std::vector<float>{1.0f, 2.5f}));
  EXPECT_EQ(q.num_result_ids, 7);
  EXPECT_FALSE(q.indice_name.has_value());
  EXPECT_TRUE(q.deduplicate && q.use_safety_model && q.use_violence_detector);
  EXPECT_EQ(q.aesthetic_score, 9);
  EXPECT_EQ(q.aesthetic_weight, 0.5);
  EXPECT_TRUE(q.return_embeddings);
  // "" means none, as the original's default.
  const search::KnnQuery none = parse_knn_request(
      R"({"modality":"image","num_images":1,"aesthetic_score":"","aesthetic_weight":""})");
  EXPECT_FALSE(none.aesthetic_score.has_value());
  EXPECT_FALSE(none.aesthetic_weight.has_value());
}

TEST(ParseKnnRequest, ClientMistakesAreNamed) {
  EXPECT_NE(error_of("{not json").find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_of("[1,2]").find("JSON object"), std::string::npos);
  // A number past double's range (found by the knn_request fuzz target: a 500 before).
  EXPECT_NE(error_of("5E545").find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_of(R"({"modality":"image","num_images":1E999})").find("not valid JSON"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"num_images":1})").find("modality"), std::string::npos);
  EXPECT_NE(error_of(R"({"modality":"image"})").find("num_images"), std::string::npos);
  EXPECT_NE(error_of(R"({"modality":"image","num_images":"ten"})").find("num_images"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"modality":"image","num_images":1.5})").find("num_images"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"modality":"image","num_images":1,"text":5})").find("text"),
            std::string::npos);
  EXPECT_NE(
      error_of(R"({"modality":"image","num_images":1,"deduplicate":"yes"})").find("deduplicate"),
      std::string::npos);
  EXPECT_NE(error_of(R"({"modality":"image","num_images":1,"embedding_input":[1,"a"]})")
                .find("embedding_input"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"modality":"image","num_images":1,"image":"Zg"})").find("base64"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"modality":"image","num_images":1,"aesthetic_score":"high"})")
                .find("aesthetic_score"),
            std::string::npos);
}

TEST(ParseMetadataRequest, IdsInOrder) {
  const MetadataRequest r = parse_metadata_request(R"({"ids":[5,1,3],"indice_name":"a"})");
  EXPECT_EQ(r.ids, (std::vector<int64_t>{5, 1, 3}));
  EXPECT_EQ(r.indice_name, "a");
  EXPECT_EQ(parse_metadata_request(R"({"other":{"ids":[1]},"ids":[],"indice_name":null})").ids,
            std::vector<int64_t>{});
  EXPECT_EQ(parse_metadata_request(R"({"ids":[7.0, 9]})").ids, (std::vector<int64_t>{7, 9}));
  // Numbers in other fields are not ids: a fraction or a huge number there is ignored.
  EXPECT_EQ(parse_metadata_request(R"({"x":0.5,"ids":[2],"y":[1e300,18446744073709551615]})").ids,
            (std::vector<int64_t>{2}));
  for (const char* bad :
       {R"({"ids":"1"})", R"({"ids":["a"]})", R"({"ids":[[1]]})", R"({"ids":{"a":1}})",
        R"({"ids":null})", R"({"ids":[1.5]})", R"({"indice_name":"a"})",
        R"({"ids":[1],"indice_name":3})", "[1]", "3", "{", ""}) {
    EXPECT_THROW(parse_metadata_request(bad), Error) << bad;
  }
}

TEST(ResultsJson, FieldOrderAndShapes) {
  search::KnnResult with;
  with.id = 14;
  with.similarity = 0.25f;
  with.metadata = metadata::MetadataRow{{{"url", std::string("https://x/kitten.jpg")},
                                         {"caption", std::string("an image of a kitten")},
                                         {"NSFW", std::monostate{}},
                                         {"score", 2.5}}};
  search::KnnResult without;
  without.id = 3;
  without.similarity = 0.125f;
  without.embedding = {0.5f, -0.5f};
  EXPECT_EQ(knn_results_json({with, without}),
            R"([{"url":"https://x/kitten.jpg","caption":"an image of a kitten","NSFW":null,)"
            R"("score":2.5,"id":14,"similarity":0.25},{"id":3,"similarity":0.125,)"
            R"("embedding":[0.5,-0.5]}])");
  EXPECT_EQ(knn_results_json({}), "[]");
  EXPECT_EQ(error_json("bad \"x\""), R"({"error":"bad \"x\""})");
}

}  // namespace
}  // namespace clipret::back
