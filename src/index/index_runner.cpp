#include "index/index_runner.h"

#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/log.h"
#include "index/embedding_source.h"

namespace clipret::index {

namespace fs = std::filesystem;

namespace {

struct Job {
  std::string name;  // "image" or "text"
  EmbeddingSource source;
  IndexPlan plan;
};

// Copies the metadata folder through a temporary sibling, so a partial copy never looks done.
void copy_metadata_folder(const fs::path& from, const fs::path& to) {
  core::AtomicFile folder(to.string());  // removed with its content if the copy fails
  std::error_code ec;
  fs::copy(from, folder.path(), fs::copy_options::recursive, ec);
  CLIPRET_CHECK(!ec, Io, "cannot copy %s to %s: %s", from.c_str(), to.c_str(),
                ec.message().c_str());
  folder.commit();
}

}  // namespace

std::vector<BuiltIndex> run_index(const IndexOptions& options, const IndexEnvironment& env) {
  CLIPRET_CHECK(!options.embeddings_folder.empty(), InvalidInput, "--embeddings_folder is empty");
  CLIPRET_CHECK(!options.index_folder.empty(), InvalidInput, "--index_folder is empty");
  std::error_code ec;
  CLIPRET_CHECK(fs::is_directory(options.embeddings_folder, ec), NotFound,
                "%s: embeddings folder not found", options.embeddings_folder.c_str());

  // Everything that can be refused is checked before any work.
  std::vector<Job> jobs;
  const std::pair<const char*, const std::string*> kinds[] = {{"image", &options.image_subfolder},
                                                              {"text", &options.text_subfolder}};
  for (const auto& [name, subfolder] : kinds) {
    const fs::path folder = fs::path(options.embeddings_folder) / *subfolder;
    if (!fs::is_directory(folder, ec)) {
      CLIPRET_LOG_INFO("%s: no %s embeddings, no %s index", folder.c_str(), name, name);
      continue;
    }
    EmbeddingSource source = EmbeddingSource::open(folder.string());
    IndexPlan plan = plan_index(options, source, env.world_size);
    jobs.push_back({name, std::move(source), std::move(plan)});
  }
  CLIPRET_CHECK(!jobs.empty(), NotFound, "%s: neither %s/ nor %s/ exists: nothing to index",
                options.embeddings_folder.c_str(), options.image_subfolder.c_str(),
                options.text_subfolder.c_str());
  const fs::path metadata_from = fs::path(options.embeddings_folder) / "metadata";
  const fs::path metadata_to = fs::path(options.index_folder) / "metadata";
  const bool copy = options.copy_metadata && env.rank == 0 && fs::is_directory(metadata_from, ec);
  CLIPRET_CHECK(!copy || !fs::exists(metadata_to, ec), InvalidInput,
                "%s already exists: remove it or pass --copy_metadata False", metadata_to.c_str());
  fs::create_directories(options.index_folder, ec);
  CLIPRET_CHECK(!ec, Io, "%s: cannot create the index folder: %s", options.index_folder.c_str(),
                ec.message().c_str());

  std::vector<BuiltIndex> built;
  for (const Job& job : jobs) {
    const fs::path base = fs::path(options.index_folder) / job.name;
    built.push_back(build_index(options, job.source, job.plan, base.string() + ".index",
                                base.string() + ".json", env));
  }
  if (copy) copy_metadata_folder(metadata_from, metadata_to);
  return built;
}

}  // namespace clipret::index
