#include "metadata/metadata_store.h"

namespace clipret::metadata {

std::vector<std::optional<MetadataRow>> MetadataStore::get(std::span<const int64_t> ids) const {
  std::vector<std::optional<MetadataRow>> rows(ids.size());
  const std::vector<std::string>& names = columns();
  for_each_row(ids, [&](size_t index, std::span<const MetadataCell> cells) {
    MetadataRow& row = rows[index].emplace();
    row.fields.reserve(cells.size());
    for (size_t c = 0; c < cells.size(); ++c) {
      MetadataValue value;
      if (const auto* b = std::get_if<bool>(&cells[c])) value = *b;
      if (const auto* i = std::get_if<int64_t>(&cells[c])) value = *i;
      if (const auto* d = std::get_if<double>(&cells[c])) value = *d;
      if (const auto* s = std::get_if<std::string_view>(&cells[c])) value = std::string(*s);
      row.fields.emplace_back(names[c], std::move(value));
    }
  });
  return rows;
}

}  // namespace clipret::metadata
