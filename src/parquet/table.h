// parquet/table.h: columns of equal length: what the reader returns per row group and the writer
// takes.
//
// Build one column by column (add_column, then append to each Column), or row by row (append one
// value to every column per row). validate() checks that all columns have the same length.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "parquet/column.h"
#include "parquet/parquet_types.h"

namespace clipret::parquet {

class Table {
 public:
  Table() = default;
  // Empty columns with this schema.
  explicit Table(const Schema& schema);

  Schema schema() const;
  size_t num_columns() const { return columns_.size(); }
  // Rows of the first column (0 without columns).
  size_t num_rows() const { return columns_.empty() ? 0 : columns_[0].size(); }

  Column& column(size_t i) { return columns_[i]; }
  const Column& column(size_t i) const { return columns_[i]; }
  // Throws Error(kNotFound) when there is no such column.
  Column& column(const std::string& name);
  const Column& column(const std::string& name) const;
  // Index of the column called `name`, or -1.
  int column_index(const std::string& name) const;

  // Adds a column; throws Error(kInvalidInput) if the name is taken.
  Column& add_column(Column column);
  Column& add_column(ColumnSchema schema) { return add_column(Column(std::move(schema))); }

  std::vector<Column>& columns() { return columns_; }
  const std::vector<Column>& columns() const { return columns_; }

  // Appends rows [begin, end) of `other`, whose schema must equal ours.
  void append_rows(const Table& other, size_t begin, size_t end);
  // Drops every row, keeping the columns.
  void clear_rows();
  // Throws Error(kInvalidInput) unless every column has num_rows() rows.
  void validate() const;

 private:
  std::vector<Column> columns_;
};

}  // namespace clipret::parquet
