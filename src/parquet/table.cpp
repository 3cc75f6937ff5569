#include "parquet/table.h"

#include <utility>

#include "core/error.h"

namespace clipret::parquet {

Table::Table(const Schema& schema) {
  for (const ColumnSchema& column : schema) add_column(column);
}

Schema Table::schema() const {
  Schema schema;
  schema.reserve(columns_.size());
  for (const Column& column : columns_) schema.push_back(column.schema());
  return schema;
}

int Table::column_index(const std::string& name) const {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].name() == name) return static_cast<int>(i);
  }
  return -1;
}

Column& Table::column(const std::string& name) {
  const int i = column_index(name);
  CLIPRET_CHECK(i >= 0, NotFound, "no column '%s' in table", name.c_str());
  return columns_[static_cast<size_t>(i)];
}

const Column& Table::column(const std::string& name) const {
  const int i = column_index(name);
  CLIPRET_CHECK(i >= 0, NotFound, "no column '%s' in table", name.c_str());
  return columns_[static_cast<size_t>(i)];
}

Column& Table::add_column(Column column) {
  CLIPRET_CHECK(column_index(column.name()) < 0, InvalidInput, "duplicate column name '%s'",
                column.name().c_str());
  columns_.push_back(std::move(column));
  return columns_.back();
}

void Table::append_rows(const Table& other, size_t begin, size_t end) {
  CLIPRET_CHECK(other.columns_.size() == columns_.size(), InvalidInput,
                "cannot append a table of %zu columns to one of %zu", other.columns_.size(),
                columns_.size());
  for (size_t i = 0; i < columns_.size(); ++i) {
    CLIPRET_CHECK(other.columns_[i].schema() == columns_[i].schema(), InvalidInput,
                  "cannot append column '%s': schemas differ", other.columns_[i].name().c_str());
  }
  for (size_t i = 0; i < columns_.size(); ++i)
    columns_[i].append_rows(other.columns_[i], begin, end);
}

void Table::clear_rows() {
  for (Column& column : columns_) column.clear();
}

void Table::validate() const {
  for (const Column& column : columns_) {
    CLIPRET_CHECK(column.size() == num_rows(), InvalidInput,
                  "column '%s' has %zu rows, column '%s' has %zu", column.name().c_str(),
                  column.size(), columns_[0].name().c_str(), num_rows());
  }
}

}  // namespace clipret::parquet
