#include "index/populated_index.h"

#include <filesystem>

#include "core/stopwatch.h"
#include "index/distributed_build.h"
#include "index/embedding_source.h"
#include "index/index_builder.h"
#include "index/index_key.h"
#include "index/index_merge.h"
#include "index/index_trainer.h"
#include "index/peak_memory.h"

namespace clipret::index {

namespace {

using TimePoint = std::chrono::steady_clock::time_point;

// One process does everything: train, then add all rows into storage reserved up front.
PopulatedIndex train_and_add_here(const EmbeddingSource& source, const IndexPlan& plan,
                                  const AddOptions& add, uint64_t seed, TimePoint build_start) {
  PopulatedIndex populated;
  populated.index = train_new_index(source, plan.key, plan.inner_product, plan.memory.train_rows,
                                    seed, training_rules(parse_index_key(plan.key)));
  populated.train_seconds = core::seconds_since(build_start);
  log_peak("training");
  reserve_index_storage(populated.index.get(), source.rows());
  add_embeddings(populated.index.get(), source, 0, source.rows(), add);
  populated.add_seconds = core::seconds_since(build_start) - populated.train_seconds;
  log_peak("adding");
  return populated;
}

// Rank 0 trains (and alone returns the merged index); every rank adds its share to a copy of
// the published trained index.
std::optional<PopulatedIndex> train_and_add_across_ranks(
    const EmbeddingSource& source, const IndexPlan& plan, const std::string& index_path,
    const AddOptions& add, const IndexEnvironment& env, TimePoint build_start) {
  const BuildRendezvous rendezvous(index_path + ".parts-" + env.run_id, env.rank, env.world_size);
  try {
    PopulatedIndex populated;
    if (env.rank == 0) {
      rendezvous.prepare_as_rank0();
      populated.index =
          train_new_index(source, plan.key, plan.inner_product, plan.memory.train_rows, env.seed,
                          training_rules(parse_index_key(plan.key)));
      rendezvous.publish_trained(*populated.index);
      populated.train_seconds = core::seconds_since(build_start);
    }
    // Every rank, rank 0 included, adds its share to a copy of the published index.
    IndexPtr part = rendezvous.wait_for_trained();
    const auto [begin, end] = rank_rows(source.rows(), env.rank, env.world_size);
    add_embeddings(part.get(), source, begin, end, add);
    rendezvous.publish_part(*part);
    part.reset();
    if (env.rank != 0) return std::nullopt;
    merge_parts_into(populated.index.get(), rendezvous.wait_for_parts());
    rendezvous.remove();
    populated.add_seconds = core::seconds_since(build_start) - populated.train_seconds;
    return populated;
  } catch (const std::exception& e) {
    rendezvous.report_failure(e.what());
    throw;
  }
}

}  // namespace

std::optional<PopulatedIndex> populate_index(const EmbeddingSource& source, const IndexPlan& plan,
                                             const std::string& index_path,
                                             const IndexEnvironment& env, TimePoint build_start) {
  const bool distributed = env.world_size > 1;
  const AddOptions add{.batch_rows = plan.memory.add_batch_rows,
                       .with_global_ids = distributed,
                       .show_progress = env.show_progress,
                       .label = "adding " + std::filesystem::path(index_path).filename().string()};
  if (!distributed) return train_and_add_here(source, plan, add, env.seed, build_start);
  return train_and_add_across_ranks(source, plan, index_path, add, env, build_start);
}

}  // namespace clipret::index
