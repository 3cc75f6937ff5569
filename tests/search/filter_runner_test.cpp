#include "search/filter_runner.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <sstream>

#include "core/error.h"
#include "index_fixture.h"

namespace clipret::search {
namespace {

namespace fs = std::filesystem;

class FilterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    fixture_ = new testing::IndexFixture(testing::IndexFixture::build(*dir_, "index"));
  }
  static void TearDownTestSuite() {
    delete fixture_;
    delete dir_;
  }
  FilterOptions options(const std::string& query, const std::string& out) const {
    FilterOptions o;
    o.query = query;
    o.output_folder = dir_->file(out);
    o.indice_folder = fixture_->folder;
    o.clip_model = fixture_->model_folder;
    return o;
  }
  FilterEnvironment environment() const {
    FilterEnvironment e;
    e.hub.offline = true;
    e.hub.show_progress = false;
    return e;
  }
  static std::set<std::string> files_in(const std::string& folder) {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(folder)) {
      names.insert(entry.path().filename().string());
    }
    return names;
  }
  static testing::TempDir* dir_;
  static testing::IndexFixture* fixture_;
};
testing::TempDir* FilterTest::dir_ = nullptr;
testing::IndexFixture* FilterTest::fixture_ = nullptr;

TEST_F(FilterTest, ImageQueryCopiesTheTopImages) {
  const std::string query = fixture_->images[4];
  std::ostringstream out;
  FilterOptions o = options(query, "out_image");
  o.num_results = 3;
  EXPECT_EQ(run_filter(o, environment(), out), 3);
  hub::LoadedClip clip = testing::load_tiny_clip(fixture_->model_folder);
  const auto truth =
      testing::IndexFixture::exact_top_k(fixture_->image_vectors, fixture_->rows, fixture_->dim,
                                         testing::embed_image_file(clip, query), 3);
  std::set<std::string> expected;
  std::string expected_urls;
  for (const auto& [id, score] : truth) {
    const std::string& path = fixture_->image_paths[static_cast<size_t>(id)];
    if (fs::exists(path)) expected.insert(fs::path(path).filename().string());
    expected_urls += fixture_->urls[static_cast<size_t>(id)] + "\n";
  }
  EXPECT_EQ(truth[0].first, 4);
  EXPECT_EQ(files_in(o.output_folder), expected);
  EXPECT_NE(out.str().find("Found 3 items with query '" + query + "'"), std::string::npos);
  EXPECT_NE(out.str().find("The minimum distance is"), std::string::npos);
  EXPECT_NE(out.str().find(expected_urls), std::string::npos) << out.str();
}

TEST_F(FilterTest, ThresholdKeepsEverythingAbove) {
  hub::LoadedClip clip = testing::load_tiny_clip(fixture_->model_folder);
  const std::vector<float> q = testing::embed_text(clip, "a dog");
  const auto all = testing::IndexFixture::exact_top_k(fixture_->image_vectors, fixture_->rows,
                                                      fixture_->dim, q, fixture_->rows);
  const float threshold = all[5].second - 1e-4f;  // the 6 best (ties aside)
  std::ostringstream out;
  FilterOptions o = options("a dog", "out_threshold");
  o.threshold = threshold;
  EXPECT_EQ(run_filter(o, environment(), out), 6);
  EXPECT_NE(out.str().find("Found 6 items"), std::string::npos) << out.str();
}

TEST_F(FilterTest, EmptyResultIsReportedNotACrash) {
  std::ostringstream out;
  FilterOptions o = options("a dog", "out_empty");
  o.threshold = 2.0;  // above any inner product of unit vectors
  EXPECT_EQ(run_filter(o, environment(), out), 0);
  EXPECT_NE(out.str().find("Found 0 items"), std::string::npos);
  EXPECT_TRUE(fs::is_directory(o.output_folder));
  EXPECT_TRUE(files_in(o.output_folder).empty());
}

TEST_F(FilterTest, MissingIndexIsNamed) {
  std::ostringstream out;
  FilterOptions o = options("a dog", "out_missing");
  o.indice_folder = dir_->file("nowhere");
  try {
    run_filter(o, environment(), out);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
    EXPECT_NE(std::string(e.what()).find("image.index"), std::string::npos);
  }
}

}  // namespace
}  // namespace clipret::search
