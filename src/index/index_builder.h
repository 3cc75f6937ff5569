// index/index_builder.h: one faiss index from one folder of .npy embeddings.
//
// plan_index decides everything that can fail cheaply (inputs, budgets, key, memory plan)
// before any vector is read; build_index then trains, adds, tunes, measures and writes
// <name>.index and <name>.json, both under temporary names renamed at the end.
#pragma once

#include <cstdint>
#include <string>

#include "index/index_options.h"
#include "index/memory_plan.h"

namespace clipret::index {

class EmbeddingSource;

struct IndexPlan {
  std::string key;
  bool inner_product = true;
  uint64_t max_index_bytes = 0;
  uint64_t current_memory_bytes = 0;
  BuildMemoryPlan memory;
};

// Validates budgets (autofaiss's 10 % rule, a budget no index fits) and chooses the key.
// Distributed builds (world_size > 1) select memory-mappable (IVF) keys, as autofaiss's Spark
// mode does: only inverted lists can be split and merged.
IndexPlan plan_index(const IndexOptions& options, const EmbeddingSource& source, int world_size);

struct BuiltIndex {
  std::string index_path;
  std::string infos_path;
  std::string key;
  std::string param;
};

// Builds `source` into index_path / infos_path (rank 0), or this rank's share of a distributed
// build (other ranks: nothing is written but the part).
BuiltIndex build_index(const IndexOptions& options, const EmbeddingSource& source,
                       const IndexPlan& plan, const std::string& index_path,
                       const std::string& infos_path, const IndexEnvironment& environment);

}  // namespace clipret::index
