// download/status_counter.h: img2dataset's CappedCounter, the status_dict of a shard's stats:
// message -> count, in first-seen order, bounded so that a shard whose every url fails with a
// distinct message (a server echoing the url) cannot grow it without end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace clipret::download {

class StatusCounter {
 public:
  // img2dataset's bound: 100,000 distinct messages.
  explicit StatusCounter(size_t max_size = 100000) : max_size_(max_size) {}

  // Counts one `message`. As img2dataset, a full counter (max_size keys, even if `message` is one
  // of them) first keeps only its max_size/2 most frequent keys, ties in first-seen order, and
  // then iterates in that order of frequency.
  void increment(const std::string& message);

  // (message, count) in iteration order (Python's Counter, i.e. dict order).
  const std::vector<std::pair<std::string, int64_t>>& entries() const { return entries_; }

 private:
  size_t max_size_;
  std::vector<std::pair<std::string, int64_t>> entries_;
  std::unordered_map<std::string, size_t> index_;  // message -> position in entries_
};

}  // namespace clipret::download
