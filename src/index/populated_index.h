// index/populated_index.h: the first stage of build_index: a trained index holding every vector.
//
// Alone, this process trains on a sample and adds all rows. In a distributed build the ranks
// meet through a BuildRendezvous (distributed_build.h): rank 0 trains and publishes the empty
// index, every rank adds its share to a copy and publishes it, and rank 0 merges the parts.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "index/faiss_index.h"
#include "index/index_options.h"

namespace clipret::index {

class EmbeddingSource;
struct IndexPlan;

struct PopulatedIndex {
  IndexPtr index;            // trained, every row of the source added
  double train_seconds = 0;  // from the start of the build to the end of training
  double add_seconds = 0;    // from the end of training on (distributed: merging included)
};

// Trains plan.key on a sample of `source` and adds its rows (with progress labelled after
// index_path's file name). With env.world_size > 1 this rank adds its share only, through a
// rendezvous folder beside index_path named after env.run_id; ranks other than 0 return nullopt
// once their part is published, and a rank that fails reports it to the others and rethrows.
// `build_start` is when build_index started: train_seconds counts from it.
std::optional<PopulatedIndex> populate_index(const EmbeddingSource& source, const IndexPlan& plan,
                                             const std::string& index_path,
                                             const IndexEnvironment& env,
                                             std::chrono::steady_clock::time_point build_start);

}  // namespace clipret::index
