// metadata/reordered_store.h: serves a store whose rows are in original order under the ids of an
// IVF reordering (new id → original row through the inverse permutation).
//
// Used for the in-memory store with reorder_metadata_by_ivf_index, where the original ignores the
// option without hdf5 and its ids then disagree with the mapping it would apply (quirk, spec
// §3.8); here the ids are the reordered ones whichever store serves them.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "metadata/metadata_store.h"

namespace clipret::metadata {

class ReorderedStore final : public MetadataStore {
 public:
  // `mapping` must be a permutation of [0, base->num_rows()) (Error(kInvalidInput) otherwise).
  ReorderedStore(std::unique_ptr<MetadataStore> base, const IdMapping& mapping);

  int64_t num_rows() const override { return base_->num_rows(); }
  const std::vector<std::string>& columns() const override { return base_->columns(); }
  void for_each_row(std::span<const int64_t> ids,
                    const MetadataRowCallback& callback) const override;

 private:
  std::unique_ptr<MetadataStore> base_;
  std::vector<int64_t> new_to_old_;
};

}  // namespace clipret::metadata
