#include "inference/stats_file.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"

namespace clipret::inference {

namespace fs = std::filesystem;

std::string stats_file_path(const std::string& output_folder, int64_t partition) {
  return (fs::path(output_folder) / "stats" / (std::to_string(partition) + ".json")).string();
}

void write_stats_file(const std::string& output_folder, int64_t partition,
                      const PartitionStats& stats) {
  nlohmann::ordered_json j;
  j["start_time"] = stats.start_time;
  j["end_time"] = stats.end_time;
  j["read_duration"] = stats.read_seconds;
  j["preprocess_duration"] = stats.preprocess_seconds;
  j["inference_duration"] = stats.model_seconds;
  j["write_duration"] = stats.write_seconds;
  j["total_duration"] = stats.total_seconds;
  j["sample_count"] = stats.samples;
  j["skipped"] = stats.skipped;
  j["skipped_count"] = stats.skipped_total();
  j["broken_shards"] = stats.broken_shards;
  const std::string path = stats_file_path(output_folder, partition);
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  CLIPRET_CHECK(!ec, Io, "%s: cannot create the folder: %s", path.c_str(), ec.message().c_str());
  core::write_file_atomically(path, j.dump(2) + "\n");
}

std::optional<PartitionStats> read_stats_file(const std::string& output_folder, int64_t partition) {
  std::ifstream in(stats_file_path(output_folder, partition));
  if (!in) return std::nullopt;
  const auto j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("sample_count")) return std::nullopt;
  PartitionStats stats;
  try {
    stats.start_time = j.value("start_time", 0.0);
    stats.end_time = j.value("end_time", 0.0);
    stats.read_seconds = j.value("read_duration", 0.0);
    stats.preprocess_seconds = j.value("preprocess_duration", 0.0);
    stats.model_seconds = j.value("inference_duration", 0.0);
    stats.write_seconds = j.value("write_duration", 0.0);
    stats.total_seconds = j.value("total_duration", 0.0);
    stats.samples = j.value("sample_count", size_t{0});
    stats.broken_shards = j.value("broken_shards", size_t{0});
    if (j.contains("skipped") && j["skipped"].is_object()) {
      for (const auto& [reason, count] : j["skipped"].items()) {
        stats.skipped[reason] = count.get<size_t>();
      }
    }
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // a damaged stats file: the partition is redone
  }
  return stats;
}

namespace {

constexpr const char kFailurePrefix[] = "failed_rank_";

std::string failure_path(const std::string& output_folder, int64_t rank) {
  return (fs::path(output_folder) / "stats" / (kFailurePrefix + std::to_string(rank) + ".txt"))
      .string();
}

}  // namespace

void write_rank_failure(const std::string& output_folder, int64_t rank, const std::string& error) {
  std::error_code ec;
  fs::create_directories(fs::path(output_folder) / "stats", ec);
  std::ofstream(failure_path(output_folder, rank)) << error << "\n";
}

void clear_rank_failure(const std::string& output_folder, int64_t rank) {
  std::error_code ec;
  fs::remove(failure_path(output_folder, rank), ec);
}

std::optional<std::string> find_rank_failure(const std::string& output_folder, double since) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(fs::path(output_folder) / "stats", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(kFailurePrefix, 0) != 0) continue;
    const auto written = fs::last_write_time(entry.path(), ec);
    if (ec) continue;
    const double written_unix =
        std::chrono::duration<double>(std::chrono::file_clock::to_sys(written).time_since_epoch())
            .count();
    if (written_unix < since) continue;  // left by an earlier run
    std::ifstream in(entry.path());
    std::string error;
    std::getline(in, error);
    const std::string rank =
        name.substr(sizeof(kFailurePrefix) - 1, name.size() - 4 - (sizeof(kFailurePrefix) - 1));
    return "rank " + rank + ": " + error;
  }
  return std::nullopt;
}

}  // namespace clipret::inference
