// parquet/file_schema.h: from the footer's schema tree to the flat columns this codec reads,
// and from a ColumnSchema to the SchemaElement the writer stores.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "parquet/file_metadata.h"
#include "parquet/parquet_types.h"

namespace clipret::parquet {

// A top-level primitive column of a file.
struct LeafColumn {
  ColumnSchema schema;         // as tables hold it (INT96 becomes INT64 TIMESTAMP(NANOS))
  PhysicalType file_physical;  // as stored in the file
  int32_t type_length = 0;
  size_t leaf_index = 0;  // index of its ColumnChunk in each row group
};

struct FileSchema {
  std::vector<LeafColumn> columns;  // flat columns, in file order
  std::vector<std::string> nested;  // top-level nested fields (lists, maps, structs), skipped
  size_t num_leaves = 0;            // leaves of the whole tree (ColumnChunks per row group)
};

// Walks the depth-first schema list. Throws Error(kCorrupt) naming `context` when the tree is
// malformed.
FileSchema flatten_schema(const std::vector<SchemaElement>& elements, const std::string& context);

// The SchemaElement for a flat column (logical type plus the matching legacy converted type).
SchemaElement schema_element_for(const ColumnSchema& column);

}  // namespace clipret::parquet
