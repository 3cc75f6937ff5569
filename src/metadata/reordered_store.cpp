#include "metadata/reordered_store.h"

#include "core/error.h"

namespace clipret::metadata {

ReorderedStore::ReorderedStore(std::unique_ptr<MetadataStore> base, const IdMapping& mapping)
    : base_(std::move(base)) {
  const int64_t n = base_->num_rows();
  CLIPRET_CHECK(mapping.size() == n, InvalidInput,
                "the image index holds %lld vectors but the metadata has %lld rows",
                static_cast<long long>(mapping.size()), static_cast<long long>(n));
  new_to_old_.assign(static_cast<size_t>(n), -1);
  for (int64_t old_id = 0; old_id < n; ++old_id) {
    const int64_t new_id = mapping.map(old_id);
    CLIPRET_CHECK(new_id >= 0 && new_id < n && new_to_old_[static_cast<size_t>(new_id)] < 0,
                  InvalidInput, "the IVF id mapping is not a permutation (row %lld → %lld)",
                  static_cast<long long>(old_id), static_cast<long long>(new_id));
    new_to_old_[static_cast<size_t>(new_id)] = old_id;
  }
}

void ReorderedStore::for_each_row(std::span<const int64_t> ids,
                                  const MetadataRowCallback& callback) const {
  std::vector<int64_t> old_ids(ids.size(), -1);
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] >= 0 && ids[i] < num_rows()) old_ids[i] = new_to_old_[static_cast<size_t>(ids[i])];
  }
  base_->for_each_row(old_ids, callback);  // same positions, so the indices stay the request's
}

}  // namespace clipret::metadata
