// metadata/metadata_store.h: per-row metadata of one index folder, served by `back` and `filter`
// (spec §3.8).
//
// A row id is the global row number over `<indice_folder>/metadata/*.parquet` in sorted order,
// or, when reordered by the image index's IVF lists, the id after that reordering (the caller maps
// search results through the IdMapping first). Stores are read by many request threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace faiss {
struct Index;
}

namespace clipret::metadata {

// One cell as the HTTP API returns it: null, a boolean, an integer, a float or a string (bytes
// are returned as strings).
using MetadataValue = std::variant<std::monostate, bool, int64_t, double, std::string>;

// The served columns of one row, in the store's column order.
struct MetadataRow {
  std::vector<std::pair<std::string, MetadataValue>> fields;

  bool operator==(const MetadataRow&) const = default;
};

// One cell lent by a store during a for_each_row callback: strings point into the store's or
// the request's buffers and are valid only until the callback returns.
using MetadataCell = std::variant<std::monostate, bool, int64_t, double, std::string_view>;

// Receives row `index` (a position in the requested ids) with one cell per column of columns().
using MetadataRowCallback = std::function<void(size_t index, std::span<const MetadataCell> cells)>;

class MetadataStore {
 public:
  virtual ~MetadataStore() = default;

  virtual int64_t num_rows() const = 0;
  // columns_to_return ∩ the columns present, in the order of the Parquet schema.
  virtual const std::vector<std::string>& columns() const = 0;
  // One entry per id, in request order; std::nullopt for an id outside [0, num_rows()).
  // Thread-safe. Copies every cell: for large requests prefer for_each_row.
  virtual std::vector<std::optional<MetadataRow>> get(std::span<const int64_t> ids) const;
  // The allocation-free path (e.g. /metadata of 1M ids written straight to JSON): calls
  // `callback` once per id in [0, num_rows()), in request order, and skips the other ids.
  // Thread-safe; `callback` runs on the calling thread.
  virtual void for_each_row(std::span<const int64_t> ids,
                            const MetadataRowCallback& callback) const = 0;
};

// Search ids → metadata ids when metadata is reordered by the image index's IVF lists.
class IdMapping {
 public:
  virtual ~IdMapping() = default;
  // The new id of `old_id`, or -1 when it is out of range.
  virtual int64_t map(int64_t old_id) const = 0;
  virtual int64_t size() const = 0;
};

struct MetadataOptions {
  std::string indice_folder;
  // Empty means the original's default: url, image_path, caption, NSFW.
  std::vector<std::string> columns_to_return;
  // The original's option name: here the on-disk store is SQLite (`metadata.sqlite`, built once).
  bool enable_hdf5 = false;
  // Needs an IVF image index and enable_hdf5; without enable_hdf5 it is ignored with a warning,
  // as in the original (spec §3.8).
  bool reorder_metadata_by_ivf_index = false;
};

struct OpenedMetadata {
  std::unique_ptr<MetadataStore> store;
  // Set only when reorder_metadata_by_ivf_index.
  std::unique_ptr<IdMapping> mapping;
};

// Opens (building on first use where needed) the store an index folder asks for. `image_index` is
// the loaded image index, needed only for reordering. Throws core::Error naming the file and the
// problem.
OpenedMetadata open_metadata(const MetadataOptions& options, const faiss::Index* image_index);

}  // namespace clipret::metadata
