#include "download/status_counter.h"

#include <algorithm>

namespace clipret::download {

void StatusCounter::increment(const std::string& message) {
  if (entries_.size() >= max_size_) {
    // Counter.most_common: a stable sort by count, descending.
    std::stable_sort(entries_.begin(), entries_.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    entries_.resize(max_size_ / 2);
    index_.clear();
    for (size_t i = 0; i < entries_.size(); ++i) index_.emplace(entries_[i].first, i);
  }
  const auto [it, inserted] = index_.emplace(message, entries_.size());
  if (inserted) entries_.emplace_back(message, 0);
  ++entries_[it->second].second;
}

}  // namespace clipret::download
