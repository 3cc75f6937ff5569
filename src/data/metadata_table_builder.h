// data/metadata_table_builder.h: the rows of metadata_N.parquet (spec §1.7).
//
// Columns, in order: `image_path` (when images are embedded), `caption` (when captions are), then
// every flattened .json field (when metadata is enabled) in order of first appearance. A field's
// column type is the narrowest that holds all its values: BOOLEAN, INT64, DOUBLE (ints and
// floats mixed), else STRING (other values as their JSON text); missing fields are null. Unlike
// pandas, integer columns with missing values stay INT64 with nulls instead of turning into floats.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "data/json_flatten.h"

namespace clipret::parquet {
class Table;
}

namespace clipret::data {

class MetadataTableBuilder {
 public:
  MetadataTableBuilder(bool with_image_path, bool with_caption, bool with_metadata);
  ~MetadataTableBuilder();
  MetadataTableBuilder(const MetadataTableBuilder&) = delete;
  MetadataTableBuilder& operator=(const MetadataTableBuilder&) = delete;

  // Adds one row; arguments of disabled parts are ignored.
  void add_row(std::string_view image_path, std::string_view caption,
               const std::vector<FlatField>& fields);

  size_t num_rows() const;

  // The table of all rows added so far.
  parquet::Table build() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace clipret::data
