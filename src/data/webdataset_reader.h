// data/webdataset_reader.h: streams the samples of one webdataset tar shard.
//
// A shard is a tar (optionally gzip/bzip2/xz/zstd-compressed) whose consecutive members sharing a
// key form one sample (spec §1.5): "dir/000123.jpg" + "dir/000123.txt" -> sample "dir/000123"
// with members "jpg" and "txt" (see data/sample_key.h for the split). The shard is read through
// core::InputStream, so local paths, `pipe:CMD` and memory all work, in one forward pass.
//
// Failure policy (STYLE.md §2.6): a truncated or corrupt shard is an expected per-shard failure.
// The reader then stops, records a ShardError (shard name, byte offset, reason) and next() returns
// nullopt; the samples completed before the break have been returned, the one being assembled is
// dropped (whether it was complete cannot be known). The caller goes on with the next shard.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace clipret::core {
class InputStream;
}

namespace clipret::data {

// One sample: the members of consecutive tar entries with the same key.
struct Sample {
  std::string key;                             // e.g. "dir/000123"; webdataset's __key__
  std::string shard;                           // name of the shard it came from (__url__)
  std::map<std::string, std::string> members;  // lower-case extension -> member bytes

  // The member with extension `ext` (matched case-insensitively), or nullptr.
  const std::string* find(std::string_view ext) const;
  // The first member present among `alternatives`, extensions separated by ';' as in
  // webdataset's `to_tuple("jpg;png;webp")` (each matched as find() does), or nullptr.
  std::string* find_first(std::string_view alternatives);
  bool has(std::string_view ext) const { return find(ext) != nullptr; }
};

// Why a shard stopped early.
struct ShardError {
  std::string shard;  // stream name: path or "pipe:CMD"
  // Byte offset in the uncompressed tar where reading broke: exact for a plain tar; for a
  // compressed shard, how much had been decompressed (to the decompressor's buffer granularity).
  uint64_t offset = 0;
  std::string member;   // path of the member being read, empty if between members
  std::string message;  // libarchive's or the stream's reason

  // "shard.tar: broken at byte 1536 (in member x/001.jpg): Truncated tar archive"
  std::string to_string() const;
};

struct WebdatasetOptions {
  // Members larger than this are skipped (counted, logged) instead of read into memory: a
  // guard against a corrupt size field or a stray video. 0 means no limit.
  uint64_t max_member_bytes = uint64_t{1} << 30;
  // A member that would take its sample's members past this many bytes in all is skipped the
  // same way: a hostile shard can give one key any number of extensions. 0 means no limit.
  uint64_t max_sample_bytes = uint64_t{2} << 30;
};

// What a reader skipped along the way (all also logged at warn/debug level).
struct WebdatasetStats {
  size_t samples = 0;            // samples returned
  size_t members = 0;            // members stored in returned or pending samples
  size_t skipped_entries = 0;    // directories, links, hidden or key-less names (no dot)
  size_t oversized_members = 0;  // over max_member_bytes or max_sample_bytes, skipped
  size_t duplicate_members = 0;  // same key and extension twice in a row: the first is kept
};

class WebdatasetReader {
 public:
  // Takes ownership of the stream; nothing is read before the first next().
  explicit WebdatasetReader(std::unique_ptr<core::InputStream> stream,
                            const WebdatasetOptions& options = {});
  ~WebdatasetReader();
  WebdatasetReader(const WebdatasetReader&) = delete;
  WebdatasetReader& operator=(const WebdatasetReader&) = delete;

  // The next complete sample, or nullopt at the end of the shard or after a failure (then
  // error() is set). Keys are not deduplicated: a key reappearing later starts a new sample.
  std::optional<Sample> next();

  // Set once the shard broke; stays nullopt for a clean shard.
  const std::optional<ShardError>& error() const;

  const WebdatasetStats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Totals of a pass over several shards.
struct ShardListResult {
  size_t shards = 0;               // shards attempted
  size_t broken_shards = 0;        // shards that could not be opened or broke midway
  size_t samples = 0;              // samples passed to the callback
  std::vector<ShardError> errors;  // one per broken shard, in shard order
  WebdatasetStats stats;           // summed over all shards
};

// Reads `shards` (paths or "pipe:CMD") in order and calls `on_sample` for each sample. A shard
// that cannot be opened or breaks midway is logged, recorded and counted, and the next one is
// read. Exceptions thrown by `on_sample` propagate.
ShardListResult read_webdataset_shards(const std::vector<std::string>& shards,
                                       const std::function<void(Sample&&)>& on_sample,
                                       const WebdatasetOptions& options = {});

}  // namespace clipret::data
