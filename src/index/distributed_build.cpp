#include "index/distributed_build.h"

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/log.h"

namespace clipret::index {

namespace fs = std::filesystem;

namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(100);
constexpr const char kFailurePrefix[] = "failed_rank_";

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

std::pair<int64_t, int64_t> rank_rows(int64_t n, int rank, int world_size) {
  const int64_t q = n / world_size;
  const int64_t r = n % world_size;
  const auto share_start = [&](int64_t b) { return q * b + std::min(b, r); };
  return {share_start(rank), share_start(rank + 1)};
}

BuildRendezvous::BuildRendezvous(std::string folder, int rank, int world_size)
    : folder_(std::move(folder)), rank_(rank), world_size_(world_size) {
  std::error_code ec;
  fs::create_directories(folder_, ec);
  CLIPRET_CHECK(!ec, Io, "%s: cannot create the distributed build folder: %s", folder_.c_str(),
                ec.message().c_str());
}

std::string BuildRendezvous::path(const std::string& name) const {
  return (fs::path(folder_) / name).string();
}

void BuildRendezvous::throw_if_a_rank_failed() const {
  for (int r = 0; r < world_size_; ++r) {
    const std::string failure = path(kFailurePrefix + std::to_string(r) + ".txt");
    std::error_code ec;
    if (fs::exists(failure, ec)) {
      CLIPRET_THROW(Io, "rank %d of the distributed build failed: %s", r,
                    read_text(failure).c_str());
    }
  }
}

void BuildRendezvous::prepare_as_rank0() const {
  const fs::path mine(folder_);
  const std::string prefix = mine.filename().string().substr(
      0, mine.filename().string().rfind(".parts-") + std::strlen(".parts-"));
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(mine.parent_path(), ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0 || entry.path() == mine || !entry.is_directory(ec)) continue;
    CLIPRET_LOG_WARN("%s: left by an earlier distributed build that failed: removing it",
                     entry.path().c_str());
    std::error_code removed;
    fs::remove_all(entry.path(), removed);
  }
  for (const auto& entry : fs::directory_iterator(mine, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.find(".tmp") == std::string::npos && entry.path().extension() == ".index") {
      CLIPRET_THROW(InvalidInput,
                    "%s already holds %s from an earlier run with the same job id ('%s'): "
                    "remove the folder and start again",
                    folder_.c_str(), name.c_str(), mine.filename().c_str());
    }
  }
}

void BuildRendezvous::publish(const faiss::Index& index, const std::string& name) const {
  // Other ranks poll for the final name: it must appear complete.
  core::AtomicFile file(path(name));
  write_index_file(index, file.path());
  file.commit();
}

void BuildRendezvous::publish_trained(const faiss::Index& index) const {
  publish(index, "trained.index");
}

IndexPtr BuildRendezvous::wait_for_trained() const {
  const std::string trained = path("trained.index");
  std::error_code ec;
  while (!fs::exists(trained, ec)) {
    throw_if_a_rank_failed();
    std::this_thread::sleep_for(kPollInterval);
  }
  return read_index_file(trained);
}

void BuildRendezvous::publish_part(const faiss::Index& index) const {
  publish(index, "part_" + std::to_string(rank_) + ".index");
}

std::vector<std::string> BuildRendezvous::wait_for_parts() const {
  std::vector<std::string> parts;
  for (int r = 0; r < world_size_; ++r)
    parts.push_back(path("part_" + std::to_string(r) + ".index"));
  for (const auto& part : parts) {
    std::error_code ec;
    while (!fs::exists(part, ec)) {
      throw_if_a_rank_failed();
      std::this_thread::sleep_for(kPollInterval);
    }
  }
  return parts;
}

void BuildRendezvous::report_failure(const std::string& message) const noexcept {
  try {
    // Published even when the write fails (disk full): an empty note still stops the ranks
    // waiting in throw_if_a_rank_failed.
    core::AtomicFile file(path(kFailurePrefix + std::to_string(rank_) + ".txt"));
    std::ofstream(file.path()) << message;
    file.commit();
  } catch (...) {
    // Best effort: the launcher still sees this rank's non-zero exit.
  }
}

void BuildRendezvous::remove() const {
  std::error_code ec;
  fs::remove_all(folder_, ec);
  if (ec) CLIPRET_LOG_WARN("%s: cannot remove: %s", folder_.c_str(), ec.message().c_str());
}

}  // namespace clipret::index
