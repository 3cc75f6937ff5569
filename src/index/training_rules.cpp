#include "index/training_rules.h"

#include <algorithm>

#include "index/index_key.h"

namespace clipret::index {

namespace {

// Measured on 50k x 64, 200k x 512 and 1M x 512 (bench/RESULTS.md, "index training rules").
constexpr int kOpqRounds = 2;
constexpr int64_t kOpqRows = 16384;
constexpr int kOpqFirstPqIterations = 10;
constexpr int64_t kPqRows = 16384;
constexpr int kPqIterations = 10;
constexpr double kKmeansMinImprovement = 0.005;
constexpr int64_t kTwoLevelMinLists = 8192;

}  // namespace

TrainingRules faiss_training_rules() {
  return {};
}

TrainingRules training_rules(const IndexKeyInfo& key) {
  TrainingRules rules;
  rules.opq_rounds = kOpqRounds;
  rules.opq_rows = kOpqRows;
  rules.opq_first_pq_iterations = kOpqFirstPqIterations;
  rules.pq_rows = kPqRows;
  rules.pq_iterations = kPqIterations;
  rules.kmeans_min_improvement = kKmeansMinImprovement;
  rules.two_level_min_lists = key.nlist >= kTwoLevelMinLists ? kTwoLevelMinLists : 0;
  return rules;
}

}  // namespace clipret::index
