#include "hub/model_store.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "core/error.h"
#include "core/log.h"
#include "hub/http_download.h"

namespace clipret::hub {
namespace {

namespace fs = std::filesystem;

constexpr const char kCompleteMarker[] = ".complete";
constexpr const char kShardIndex[] = "model.safetensors.index.json";

std::string cache_folder(const ModelReference& ref, const HubOptions& options) {
  std::string name = ref.repo;
  for (size_t pos = name.find('/'); pos != std::string::npos; pos = name.find('/', pos + 2)) {
    name.replace(pos, 1, "--");
  }
  return (fs::path(options.cache_dir) / name / ref.revision).string();
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

class Fetcher {
 public:
  Fetcher(const ModelReference& ref, const HubOptions& options, std::string folder)
      : ref_(ref), options_(options), folder_(std::move(folder)) {}

  // Returns false when the hub has no such file.
  bool fetch(const std::string& file) {
    const std::string destination = (fs::path(folder_) / file).string();
    std::error_code ec;
    if (fs::exists(destination, ec)) return true;
    fs::create_directories(fs::path(destination).parent_path());
    const std::string url =
        options_.endpoint + "/" + ref_.repo + "/resolve/" + ref_.revision + "/" + file;
    DownloadOptions download;
    download.token = options_.token;
    download.stall_timeout_seconds = options_.stall_timeout_seconds;
    download.show_progress = options_.show_progress;
    download.progress_label = file;
    CLIPRET_LOG_DEBUG("downloading %s", url.c_str());
    return download_file(url, destination, download) == DownloadStatus::kDone;
  }

  void fetch_required(const std::string& file) {
    CLIPRET_CHECK(fetch(file), NotFound, "%s: %s/%s not found on %s (is the model name right?)",
                  ref_.clip_model.c_str(), ref_.repo.c_str(), file.c_str(),
                  options_.endpoint.c_str());
  }

  // Weights in one file, or shards listed by model.safetensors.index.json.
  void fetch_weights(const std::string& file) {
    if (fetch(file)) return;
    CLIPRET_CHECK(file == "model.safetensors" && fetch(kShardIndex), NotFound,
                  "%s: %s/%s not found on %s", ref_.clip_model.c_str(), ref_.repo.c_str(),
                  file.c_str(), options_.endpoint.c_str());
    std::ifstream in(fs::path(folder_) / kShardIndex);
    const auto index = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    CLIPRET_CHECK(
        index.is_object() && index.contains("weight_map") && index["weight_map"].is_object(),
        Corrupt, "%s/%s: no weight_map object", folder_.c_str(), kShardIndex);
    std::set<std::string> shards;
    for (const auto& [name, shard] : index["weight_map"].items()) {
      CLIPRET_CHECK(shard.is_string(), Corrupt, "%s/%s: weight_map[%s] is not a file name",
                    folder_.c_str(), kShardIndex, name.c_str());
      const std::string shard_file = shard.get<std::string>();
      CLIPRET_CHECK(shard_file.find('/') == std::string::npos && shard_file.find("..") != 0,
                    Corrupt, "%s/%s: unsafe shard name '%s'", folder_.c_str(), kShardIndex,
                    shard_file.c_str());
      shards.insert(shard_file);
    }
    for (const auto& shard_file : shards) fetch_required(shard_file);
  }

 private:
  const ModelReference& ref_;
  const HubOptions& options_;
  std::string folder_;
};

}  // namespace

std::string ensure_model_folder(const ModelReference& ref, const HubOptions& options) {
  if (!ref.local_folder.empty()) return ref.local_folder;
  const std::string folder = cache_folder(ref, options);
  std::error_code ec;
  if (fs::exists(fs::path(folder) / kCompleteMarker, ec)) return folder;
  CLIPRET_CHECK(!options.offline, NotFound,
                "%s: not in the cache %s and HF_HUB_OFFLINE is set; run once online or give a "
                "local model folder instead of the name",
                ref.clip_model.c_str(), folder.c_str());
  CLIPRET_LOG_INFO("downloading %s (%s) from %s into %s", ref.clip_model.c_str(), ref.repo.c_str(),
                   options.endpoint.c_str(), folder.c_str());
  fs::create_directories(folder);
  Fetcher fetcher(ref, options, folder);
  for (const auto& file : ref.required_files) {
    if (file.size() > 12 && file.compare(file.size() - 12, 12, ".safetensors") == 0) {
      fetcher.fetch_weights(file);
    } else {
      fetcher.fetch_required(file);
    }
  }
  for (const auto& file : ref.optional_files) fetcher.fetch(file);
  for (const auto& choice : ref.file_choices) {
    bool found = false;
    for (const auto& file : choice.candidates) {
      if (fetcher.fetch(file)) {
        found = true;
        break;
      }
    }
    CLIPRET_CHECK(found || !choice.required, NotFound, "%s: the repository %s has none of %s",
                  ref.clip_model.c_str(), ref.repo.c_str(), join_names(choice.candidates).c_str());
  }
  std::ofstream(fs::path(folder) / kCompleteMarker) << ref.repo << "\n";
  return folder;
}

std::string ensure_model_folder(const std::string& clip_model, const HubOptions& options) {
  return ensure_model_folder(resolve_model_name(clip_model), options);
}

}  // namespace clipret::hub
