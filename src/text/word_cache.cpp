#include "text/word_cache.h"

#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

namespace clipret::text {
namespace {

// Lets the maps be searched with a string_view, without building a std::string per lookup.
struct WordHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
struct WordEqual {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};

}  // namespace

struct WordCache::Shard {
  mutable std::mutex mutex;
  std::unordered_map<std::string, std::vector<int32_t>, WordHash, WordEqual> words;
};

WordCache::WordCache(size_t capacity, size_t shards)
    : shards_(std::make_unique<Shard[]>(shards == 0 ? 1 : shards)),
      shard_count_(shards == 0 ? 1 : shards),
      shard_capacity_((capacity + shard_count_ - 1) / shard_count_) {}

WordCache::~WordCache() = default;

size_t WordCache::shard_of(std::string_view word) const {
  // The maps use the low bits of the same hash for buckets; mix before picking a shard.
  const size_t h = WordHash{}(word);
  return (h ^ (h >> 29)) * 0x9E3779B97F4A7C15ull % shard_count_;
}

bool WordCache::lookup(std::string_view word, std::vector<int32_t>& out) const {
  if (shard_capacity_ == 0) return false;
  const Shard& shard = shards_[shard_of(word)];
  std::lock_guard<std::mutex> lock(shard.mutex);
  const auto it = shard.words.find(word);
  if (it == shard.words.end()) return false;
  out.insert(out.end(), it->second.begin(), it->second.end());
  return true;
}

void WordCache::insert(std::string_view word, std::span<const int32_t> ids) {
  if (shard_capacity_ == 0) return;
  Shard& shard = shards_[shard_of(word)];
  std::lock_guard<std::mutex> lock(shard.mutex);
  if (shard.words.size() >= shard_capacity_) shard.words.clear();
  shard.words.emplace(std::string(word), std::vector<int32_t>(ids.begin(), ids.end()));
}

size_t WordCache::size() const {
  size_t total = 0;
  for (size_t i = 0; i < shard_count_; ++i) {
    std::lock_guard<std::mutex> lock(shards_[i].mutex);
    total += shards_[i].words.size();
  }
  return total;
}

}  // namespace clipret::text
