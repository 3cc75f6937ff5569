#include "back/metrics.h"

#include <gtest/gtest.h>

namespace clipret::back {
namespace {

TEST(PythonFloat, MatchesRepr) {
  EXPECT_EQ(python_float(0.005), "0.005");
  EXPECT_EQ(python_float(1.0), "1.0");
  EXPECT_EQ(python_float(10.0), "10.0");
  EXPECT_EQ(python_float(0.0), "0.0");
  EXPECT_EQ(python_float(3.0), "3.0");
  EXPECT_EQ(python_float(0.075), "0.075");
  EXPECT_EQ(python_float(1e-05), "1e-05");
  EXPECT_EQ(python_float(1732700000.25), "1732700000.25");
  EXPECT_EQ(python_float(1.0 / 0.0), "+Inf");
}

TEST(Histogram, ExposesCumulativeBucketsCountSumCreated) {
  Histogram h("knn_index_time", "Time spent doing a knn on the index");
  h.observe(0.003);
  h.observe(0.02);
  h.observe(0.02);
  h.observe(20.0);
  std::string text;
  h.write_exposition(text);
  EXPECT_EQ(text.rfind("# HELP knn_index_time Time spent doing a knn on the index\n"
                       "# TYPE knn_index_time histogram\n"
                       "knn_index_time_bucket{le=\"0.005\"} 1.0\n"
                       "knn_index_time_bucket{le=\"0.01\"} 1.0\n"
                       "knn_index_time_bucket{le=\"0.025\"} 3.0\n",
                       0),
            0u)
      << text;
  EXPECT_NE(text.find("knn_index_time_bucket{le=\"10.0\"} 3.0\n"
                      "knn_index_time_bucket{le=\"+Inf\"} 4.0\n"
                      "knn_index_time_count 4.0\n"
                      "knn_index_time_sum 20.043\n"
                      "# HELP knn_index_time_created Time spent doing a knn on the index\n"
                      "# TYPE knn_index_time_created gauge\n"
                      "knn_index_time_created "),
            std::string::npos)
      << text;
  EXPECT_EQ(h.count(), 4u);
}

TEST(BackMetrics, AllTenHistogramsWithTheirHelp) {
  BackMetrics metrics;
  const std::string text = metrics.prometheus_text();
  for (const char* line :
       {"# HELP full_knn_request_time Time spent processing knn request",
        "# HELP download_time Time spent downloading an url",
        "# HELP text_clip_inference_time Time spent doing a text clip inference",
        "# HELP image_clip_inference_time Time spent doing a image clip inference",
        "# HELP metadata_get_time Time spent retrieving metadata",
        "# HELP knn_index_time Time spent doing a knn on the index",
        "# HELP dedup_time Time spent deduping",
        "# HELP safety_time Time spent doing a safety inference",
        "# HELP image_prepro_time Time spent doing the image preprocessing",
        "# HELP text_prepro_time Time spent doing the text preprocessing"}) {
    EXPECT_NE(text.find(std::string(line) + "\n"), std::string::npos) << line;
  }
}

TEST(BackMetrics, SummaryAsTheOriginal) {
  BackMetrics metrics;
  EXPECT_EQ(metrics.summary_text(), "No request yet, go do some");
  search::QueryTimings t;
  t.text_inference = 0.03;
  t.knn = 0.01;
  t.metadata = 0.005;
  metrics.record(0.05, t);
  t.text_inference = 0.01;
  metrics.record(0.03, t);
  const std::string summary = metrics.summary_text();
  // The layout pandas DataFrame.to_string() gives (right-aligned, two spaces, index first).
  const std::string expected =
      "Among 2 calls to the knn end point with an average latency of 0.0400s per request, the "
      "step costs are (in order): \n\n"
      "                        name                               description  calls  average  "
      "proportion\n"
      "1   text_clip_inference_time    Time spent doing a text clip inference      2  0.0200s      "
      " 50.0%\n"
      "4             knn_index_time       Time spent doing a knn on the index      2  0.0100s      "
      " 25.0%\n"
      "3          metadata_get_time            Time spent retrieving metadata      2  0.0050s      "
      " 12.5%\n"
      "0              download_time             Time spent downloading an url      0  0.0000s      "
      "  0.0%\n"
      "2  image_clip_inference_time   Time spent doing a image clip inference      0  0.0000s      "
      "  0.0%\n"
      "5                 dedup_time                       Time spent deduping      0  0.0000s      "
      "  0.0%\n"
      "6                safety_time       Time spent doing a safety inference      0  0.0000s      "
      "  0.0%\n"
      "7          image_prepro_time  Time spent doing the image preprocessing      0  0.0000s      "
      "  0.0%\n"
      "8           text_prepro_time   Time spent doing the text preprocessing      0  0.0000s      "
      "  0.0%";
  EXPECT_EQ(summary, expected) << summary;
}

}  // namespace
}  // namespace clipret::back
