// text/word_cache.h: a thread-safe cache from a pre-token's bytes to its BPE ids, shared by all
// threads that call one ClipTokenizer.
//
// Sharded: a word's hash picks one of `shards` maps, each behind its own mutex, so concurrent
// encoders rarely wait. Bounded: a shard that reaches its share of `capacity` is cleared before
// the next insert (cheap, and frequent words come back at once), so memory stays flat over
// 100M captions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace clipret::text {

class WordCache {
 public:
  // `capacity`: most words kept in all (about 100 bytes each); 0 disables the cache.
  explicit WordCache(size_t capacity, size_t shards = 64);
  ~WordCache();
  WordCache(const WordCache&) = delete;
  WordCache& operator=(const WordCache&) = delete;

  // When `word` is cached, appends its ids to `out` and returns true.
  bool lookup(std::string_view word, std::vector<int32_t>& out) const;
  // Stores the ids of `word` (replacing nothing: a racing insert of the same word is a no-op).
  void insert(std::string_view word, std::span<const int32_t> ids);
  // Number of words held now.
  size_t size() const;

 private:
  struct Shard;
  size_t shard_of(std::string_view word) const;

  std::unique_ptr<Shard[]> shards_;
  size_t shard_count_ = 0;
  size_t shard_capacity_ = 0;
};

}  // namespace clipret::text
