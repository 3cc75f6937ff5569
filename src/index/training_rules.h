// index/training_rules.h: how much work each training stage gets — sample sizes, OPQ rounds,
// k-means iterations and method — decided by measurement (docs/index.md, "Training rules").
//
// faiss's defaults (faiss_training_rules) spend most of a large build where recall does not
// depend on it: 50 OPQ rounds, PQ codebooks on 65,536 residuals, a flat k-means of 16,384 lists
// over every sampled row for exactly 10 iterations. The rules here keep the indices the same
// faiss 1.7.3 types, trained by the same algorithms, with less of that work.
#pragma once

#include <cstdint>

namespace clipret::index {

struct IndexKeyInfo;

struct TrainingRules {
  int opq_rounds = 50;               // outer OPQ iterations (rotation, then PQ, again)
  int64_t opq_rows = 65536;          // rows the OPQ rotation is trained on
  int opq_first_pq_iterations = 40;  // k-means iterations of the first round's PQ (faiss: 40)
  int64_t pq_rows = 65536;           // residuals the PQ codebooks are trained on
  int pq_iterations = 25;            // k-means iterations of each PQ sub-quantizer (faiss: 25)
  int kmeans_iterations = 10;        // most k-means iterations of the lists (IndexIVF's 10)
  // k-means of the lists stops once an iteration improves its objective by less than this
  // fraction (0: always run kmeans_iterations).
  double kmeans_min_improvement = 0.0;
  // Lists from which the k-means runs in two levels: sqrt(nlist) groups, then each group's share
  // of the lists within it (0: never).
  int64_t two_level_min_lists = 0;
};

// What faiss 1.7.3 does when an index is trained with index->train (the peer's rules).
TrainingRules faiss_training_rules();

// The rules `clip-retrieval index` trains `key` with.
TrainingRules training_rules(const IndexKeyInfo& key);

}  // namespace clipret::index
